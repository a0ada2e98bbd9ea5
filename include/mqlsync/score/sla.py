"""First-touch SLA: a deadline in business hours of the person's region.

A calendar has a time zone, working days, opening hours and holidays (from the `holidays` package by
country, plus dates listed in the model). Deadlines are computed for all people of one calendar at
once: working days become arrays of opening and closing instants (UTC, DST-correct), and a start
time plus a duration is found with two binary searches over their running total.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_lib
import numpy as np
import pandas as pd

from mqlsync.score.model import ScoringModel
from mqlsync.score.model_routing import Calendar

NS_PER_HOUR = 3_600 * 10**9
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=64)
def _country_holidays(country: str, first_year: int, last_year: int) -> frozenset[date]:
    return frozenset(holiday_lib.country_holidays(country, years=list(range(first_year, last_year + 1))))


def holiday_dates(cal: Calendar, years: range) -> set[date]:
    out = {date.fromisoformat(d) for d in cal.holidays}
    if cal.holiday_country:
        out |= _country_holidays(cal.holiday_country, years.start, years.stop - 1)
    return out


def working_intervals(cal: Calendar, first: date, last: date) -> tuple[np.ndarray, np.ndarray]:
    """Opening and closing instants (ns UTC) of every working day from first to last, local dates."""
    days = pd.date_range(first, last, freq="D")
    days = days[np.isin(days.day_of_week, [WEEKDAYS.index(d) for d in cal.workdays])]
    off = holiday_dates(cal, range(first.year, last.year + 1))
    days = days[~np.isin(days.date, list(off))] if off else days
    no_ambiguity = np.zeros(len(days), dtype=bool)

    def at(hhmm: str) -> np.ndarray:
        local = days + pd.Timedelta(hours=int(hhmm[:2]), minutes=int(hhmm[3:]))
        utc = local.tz_localize(cal.timezone, nonexistent="shift_forward", ambiguous=no_ambiguity)
        return utc.tz_convert("UTC").as_unit("ns").asi8

    return at(cal.opens), at(cal.closes)


def add_business_hours(start_ns: np.ndarray, hours: np.ndarray, cal: Calendar) -> np.ndarray:
    """start + hours of business time in this calendar, per element (ns UTC in, ns UTC out).

    A start outside opening hours counts from the next opening; a deadline that lands exactly on a
    closing time stays there rather than moving to the next morning."""
    start_ns = np.asarray(start_ns, dtype=np.int64)
    if not len(start_ns):
        return start_ns.copy()
    dur = np.round(np.asarray(hours, dtype=np.float64) * NS_PER_HOUR).astype(np.int64)
    tz = cal.timezone
    first = pd.Timestamp(int(start_ns.min()), tz="UTC").tz_convert(tz).date()
    last_start = pd.Timestamp(int(start_ns.max()), tz="UTC").tz_convert(tz).date()
    work_days_needed = math.ceil(float(dur.max()) / (cal.hours_per_day * NS_PER_HOUR)) + 1
    span = int(work_days_needed * 7 / max(len(cal.workdays), 1)) + 30
    while True:
        opens, closes = working_intervals(cal, first - timedelta(days=1), last_start + timedelta(days=span))
        length = closes - opens
        cum_start = np.r_[0, np.cumsum(length)[:-1]]
        cum_end = cum_start + length
        k = np.searchsorted(closes, start_ns, side="right")
        if len(opens) and k.max() < len(opens):
            elapsed = cum_start[k] + np.clip(start_ns - opens[k], 0, length[k])
            target = elapsed + dur
            if target.max() <= cum_end[-1]:
                break
        span *= 2  # a long holiday season: look further ahead
    j = np.searchsorted(cum_end, target, side="left")
    return opens[j] + (target - cum_start[j])


def sla_hours(
    queue: np.ndarray, tier: np.ndarray, request: np.ndarray, calendar: np.ndarray, model: ScoringModel
) -> np.ndarray:
    """Business hours allowed for the first touch (NaN where no target applies, e.g. nurture)."""
    out = np.full(len(queue), np.nan)
    day_hours = {name: cal.hours_per_day for name, cal in model.sla.calendars.items()}
    per_day = pd.Series(calendar, dtype=object).map(day_hours).to_numpy(dtype=np.float64)
    open_ = np.ones(len(queue), dtype=bool)
    for target in model.sla.targets:
        hit = open_ & (queue == target.queue)
        if target.tiers:
            hit &= np.isin(tier, target.tiers)
        if target.requests:
            hit &= np.isin(request.astype(str), target.requests)
        hours = target.business_hours if target.business_hours is not None else None
        out[hit] = hours if hours is not None else float(target.business_days or 0) * per_day[hit]
        open_ &= ~hit
    return out


def sla_due(
    start: np.ndarray,
    queue: np.ndarray,
    tier: np.ndarray,
    request: np.ndarray,
    region: np.ndarray,
    model: ScoringModel,
) -> np.ndarray:
    """Deadline (datetime64[ns], NaT when none) for each person with a start time and a target."""
    start_dt = start.astype("datetime64[ns]")
    due = np.full(len(start), np.iinfo(np.int64).min, dtype=np.int64)
    started = np.flatnonzero(~np.isnat(start_dt))  # the MQLs: a few percent of everyone
    names = pd.Series(np.asarray(region, dtype=object)[started], dtype=object).fillna("").astype(str)
    lookup = {r: model.sla.region_calendars.get(r, model.sla.default_calendar) for r in names.unique()}
    per_person = names.map(lookup).to_numpy(dtype=object)
    hours = sla_hours(queue[started], tier[started], request[started], per_person, model)
    start_ns = start_dt.view(np.int64)[started]
    ready = ~np.isnan(hours)
    for name, cal in model.sla.calendars.items():
        rows = np.flatnonzero(ready & (per_person == name))
        if len(rows):
            due[started[rows]] = add_business_hours(start_ns[rows], hours[rows], cal)
    out = due.view("datetime64[ns]").copy()
    out[due == np.iinfo(np.int64).min] = np.datetime64("NaT")
    return out
