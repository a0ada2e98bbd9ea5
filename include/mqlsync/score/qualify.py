"""Disqualifiers, data completeness, tiers and the per-segment MQL rule.

Disqualifiers end qualification whatever the points; they carry no points so the score still shows
how interested the person is. An incomplete profile caps the fit grade (no high-priority MQL on a
record sales cannot act on) and lists the fields to ask for next.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from mqlsync.schemas import EVENT_TYPES, FIT_GRADES
from mqlsync.score.fit import therapeutic_area_state
from mqlsync.score.model import ScoringModel
from mqlsync.score.people import ta_bits
from mqlsync.score.reasons import Contributions, contributions

DQ_LABELS: dict[str, str] = {
    "record_deleted": "the CRM record was deleted",
    "duplicate_record": "duplicate of another record",
    "do_not_contact": "marked do not contact",
    "unsubscribed": "unsubscribed or opted out",
    "consent_missing": "no marketing consent where the region requires an opt-in",
    "open_opportunity": "already has an open opportunity",
    "region_not_covered": "region not covered by this segment",
    "therapeutic_area_not_covered": "therapeutic area not covered by this segment",
}


class Disqualified(NamedTuple):
    reason: np.ndarray  # first disqualifier name per person, None when qualified
    blocks: list[Contributions]


def disqualify(
    people: pd.DataFrame, events: pd.DataFrame, segment: np.ndarray, model: ScoringModel
) -> Disqualified:
    """Every enabled disqualifier that applies, as DQ_* codes; the first one is the reason."""
    n = len(people)
    region = people["region"].astype("string")
    unsub_events = events["person"].to_numpy()[events["type"].to_numpy() == EVENT_TYPES.index("unsubscribe")]
    region_ok = np.ones(n, dtype=bool)
    ta_ok = np.ones(n, dtype=bool)
    bits = people["ta_bits"].to_numpy()
    for s, seg in enumerate(model.segments.values()):
        rows = segment == s
        if seg.regions != "all":
            region_ok[rows] = (region.isna() | region.isin(seg.regions)).to_numpy(dtype=bool)[rows]
        ta_ok[rows] = therapeutic_area_state(bits[rows], ta_bits(seg.therapeutic_areas)) != "no_match"
    consent = people["consent"].to_numpy(dtype=object)
    tests = {
        "record_deleted": people["is_deleted"].to_numpy(dtype=bool),
        "duplicate_record": people["is_duplicate"].to_numpy(dtype=bool),
        "do_not_contact": people["do_not_contact"].to_numpy(dtype=bool),
        "unsubscribed": (consent == "opt_out") | (np.bincount(unsub_events, minlength=n) > 0),
        "consent_missing": region.isin(model.disqualifiers.consent_required_regions)
        .fillna(False)
        .to_numpy(dtype=bool)
        & (consent != "opt_in"),
        "open_opportunity": people["has_open_opportunity"].to_numpy(dtype=bool),
        "region_not_covered": ~region_ok,
        "therapeutic_area_not_covered": ~ta_ok,
    }
    reason = np.full(n, None, dtype=object)
    blocks = []
    for name in model.disqualifiers.enabled:
        hit = tests[name]
        reason = np.where(pd.isna(reason) & hit, name, reason)
        blocks.append(contributions(np.flatnonzero(hit), f"DQ_{name.upper()}", 0, "disqualifier"))
    return Disqualified(reason, blocks)


class Completeness(NamedTuple):
    complete: np.ndarray
    fields_to_ask: np.ndarray  # '; '-joined, None when nothing to ask
    blocks: list[Contributions]


def _missing(people: pd.DataFrame, field: str) -> np.ndarray:
    s = people[field]
    empty = s.isna().to_numpy(dtype=bool).copy()
    if field in ("job_function", "organization_type"):
        empty |= (s == "other").fillna(False).to_numpy(dtype=bool)
    if s.dtype == "string" or s.dtype == object:
        empty |= (s.astype("string").str.strip() == "").fillna(False).to_numpy(dtype=bool)
    return empty


def completeness(people: pd.DataFrame, model: ScoringModel) -> Completeness:
    """Required fields present? Which fields to ask for next, in the model's order."""
    rule = model.completeness
    n = len(people)
    incomplete = np.zeros(n, dtype=bool)
    for field in rule.required:
        incomplete |= _missing(people, field)
    ask = pd.Series([""] * n, dtype="string")
    asked = np.zeros(n, dtype=np.int64)
    for field in rule.ask_order:
        take = _missing(people, field) & (asked < rule.ask_at_most)
        sep = np.where(asked[take] > 0, "; ", "")
        ask[take] = ask[take].to_numpy(dtype=object) + sep + field
        asked += take
    fields = ask.replace("", pd.NA).to_numpy(dtype=object)
    blocks = [contributions(np.flatnonzero(incomplete), "INFO_PROFILE_INCOMPLETE", 0, "info")]
    return Completeness(~incomplete, fields, blocks)


class Tiers(NamedTuple):
    grade: np.ndarray  # 'A'..'D'
    level: np.ndarray  # 1..4
    tier: np.ndarray


def grade_rank(fit_score: np.ndarray, model: ScoringModel) -> np.ndarray:
    """0 = A .. 3 = D; a score exactly on a threshold earns the grade."""
    g = model.grades
    return np.select([fit_score >= g["A"], fit_score >= g["B"], fit_score >= g["C"]], [0, 1, 2], 3)


def intent_level(intent_score: np.ndarray, model: ScoringModel) -> np.ndarray:
    lv = model.intent_levels
    return np.select([intent_score >= lv[1], intent_score >= lv[2], intent_score >= lv[3]], [1, 2, 3], 4)


def tiers(
    fit_score: np.ndarray, intent_score: np.ndarray, complete: np.ndarray, model: ScoringModel
) -> Tiers:
    best_when_incomplete = FIT_GRADES.index(model.completeness.best_grade_when_incomplete)
    rank = grade_rank(fit_score, model)
    rank = np.where(complete, rank, np.maximum(rank, best_when_incomplete))
    grade = np.array(FIT_GRADES, dtype=object)[rank]
    level = intent_level(intent_score, model).astype(np.int64)
    names = np.array([g + str(lv) for g in FIT_GRADES for lv in range(1, 5)], dtype=object)
    tier = names[rank * 4 + level - 1]  # 'A1'..'D4' from a table, not a million string joins
    return Tiers(grade, level, tier)


def meets_mql_rule(
    segment: np.ndarray, grade: np.ndarray, level: np.ndarray, late_action: np.ndarray, model: ScoringModel
) -> np.ndarray:
    """True where any of the segment's MQL rules holds (fit at least X and intent level / late action)."""
    rank = pd.Categorical(grade, categories=FIT_GRADES).codes
    out = np.zeros(len(segment), dtype=bool)
    for s, seg in enumerate(model.segments.values()):
        rows = segment == s
        for rule in seg.mql_rule:
            ok = rows & (rank <= FIT_GRADES.index(rule.fit_grade_at_least))
            if rule.intent_level_at_least is not None:
                ok &= level <= rule.intent_level_at_least
            if rule.late_stage_action:
                ok &= late_action
            out |= ok
    return out
