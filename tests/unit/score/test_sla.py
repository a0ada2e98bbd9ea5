"""First-touch deadlines in business hours across weekends, holidays, time zones and DST."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mqlsync.score.model_routing import Calendar
from mqlsync.score.sla import add_business_hours
from tests.unit.score.conftest import make_events, make_people, score

NY = Calendar(timezone="America/New_York", holiday_country="US")
BERLIN = Calendar(timezone="Europe/Berlin", holiday_country="DE")
TOKYO = Calendar(timezone="Asia/Tokyo", holidays=["2026-11-03"])


def _due(start: str, hours: float, cal: Calendar) -> pd.Timestamp:
    ns = np.array([pd.Timestamp(start).value], dtype=np.int64)
    return pd.Timestamp(int(add_business_hours(ns, np.array([hours]), cal)[0]), tz="UTC")


@pytest.mark.parametrize(
    ("start", "hours", "cal", "due"),
    [
        # Monday 10:00 New York + 4h -> 14:00 the same day
        ("2026-11-02T15:00Z", 4, NY, "2026-11-02T19:00Z"),
        # Friday 15:00 New York + 4h -> Monday 11:00 (weekend skipped)
        ("2026-11-06T20:00Z", 4, NY, "2026-11-09T16:00Z"),
        # Saturday -> counts from Monday's opening
        ("2026-11-07T12:00Z", 2, NY, "2026-11-09T16:00Z"),
        # Wednesday 25 Nov 16:00 + 4h: Thanksgiving Thursday skipped -> Friday 12:00
        ("2026-11-25T21:00Z", 4, NY, "2026-11-27T17:00Z"),
        # exactly 8h from opening lands on the closing time, not the next morning
        ("2026-11-02T14:00Z", 8, NY, "2026-11-02T22:00Z"),
        # Berlin: Thu 24 Dec 09:00 + 16h: 25 Dec holiday, weekend -> Mon 28 Dec 17:00 local
        ("2026-12-24T08:00Z", 16, BERLIN, "2026-12-28T16:00Z"),
        # a listed holiday in Tokyo (Tuesday 3 Nov)
        ("2026-11-02T08:00Z", 8, TOKYO, "2026-11-04T08:00Z"),
        # DST: New York clocks go back on 1 Nov 2026; 09:00 local is 14:00 UTC afterwards
        ("2026-10-30T20:00Z", 2, NY, "2026-11-02T15:00Z"),
    ],
)
def test_business_hours_deadlines(start, hours, cal, due):
    assert _due(start, hours, cal) == pd.Timestamp(due)


def test_many_starts_are_computed_at_once_and_match_one_by_one():
    starts = pd.date_range("2026-12-20", periods=50, freq="7h", tz="UTC").as_unit("ns").asi8
    hours = np.arange(50) % 13 + 1.0
    together = add_business_hours(starts, hours, BERLIN)
    alone = [add_business_hours(starts[i : i + 1], hours[i : i + 1], BERLIN)[0] for i in range(50)]
    assert together.tolist() == alone


def test_demo_request_gets_hours_and_a_content_mql_gets_days(model):
    b_grade = {"program_stage": None, "timeline": None, "therapeutic_areas": None}
    people = make_people({}, b_grade)
    events = make_events(
        ("sf_lead:p1", "demo_request", None, 1),
        *[("sf_lead:p2", "event_attended", None, 1)] * 2,
        *[("sf_lead:p2", "webinar_attended", None, 1)] * 2,
    )
    rows = score(people, events, model)  # as_of Monday 2 Nov 15:00 UTC = 10:00 New York
    assert rows.loc["sf_lead:p1", "sla_due_at"] == pd.Timestamp("2026-11-02T19:00Z")
    assert rows.loc["sf_lead:p2", "tier"] == "B2"
    assert rows.loc["sf_lead:p2", "sla_due_at"] == pd.Timestamp("2026-11-04T15:00Z")


def test_region_calendar_is_used(model):
    people = make_people({"country": "GB"})
    row = score(people, make_events(("sf_lead:p1", "demo_request", None, 1)), model).iloc[0]
    # Monday 15:00 London + 4 business hours -> 17:00 close (2h) + Tuesday 11:00
    assert row["sla_due_at"] == pd.Timestamp("2026-11-03T11:00Z")


def test_nurture_has_no_deadline(model):
    row = score(make_people({}), make_events(("sf_lead:p1", "page_view", None, 1)), model).iloc[0]
    assert pd.isna(row["sla_due_at"])
