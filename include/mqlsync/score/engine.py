"""score_people: resolved people and their events in, one Scores row per person out.

Pure and deterministic: no clock (as_of is a parameter), no I/O, inputs never mutated; the same
inputs, model and as_of give the same output byte for byte. Every step is column-wise over all
people; the only Python loops are over rules, segments, requests and calendars.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.schemas import SCORES
from mqlsync.score import explain, fit, intent, lifecycle, qualify, route, segment, sla
from mqlsync.score.model import ScoringModel
from mqlsync.score.people import arrow_strings, attach_events, prepare_people
from mqlsync.score.reasons import (
    FIT_SECTIONS,
    INTENT_SECTIONS,
    SECTIONS,
    Contributions,
    combine,
    contributions,
    reason_code_lists,
    section_sum,
)

EXTRA_COLUMNS: tuple[str, ...] = ("record_ids", "fields_to_ask", "request")


class ScoreResult(NamedTuple):
    scores: pd.DataFrame  # the SCORES contract plus record_ids, fields_to_ask, request
    reasons: pd.DataFrame | None  # one row per (person_id, code): the breakdown behind reason_codes


def to_utc(as_of: datetime | str | pd.Timestamp) -> pd.Timestamp:
    ts = pd.Timestamp(as_of)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def score_people(
    people: pd.DataFrame,
    events: pd.DataFrame,
    model: ScoringModel,
    *,
    as_of: datetime | str | pd.Timestamp,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One Scores row per person (see schemas.SCORES), sorted by person_id. Never drops a person;
    disqualified people keep their row with the reason.

    people: the PEOPLE contract, optionally person_id and the lifecycle columns of people.py.
    events: the EVENTS contract; events after as_of are ignored and reported as an INFO code.
    previous: the last stored Scores rows (person_id, mql_at) so mql_at never moves."""
    return _score(people, events, model, as_of=as_of, previous=previous, with_reasons=False).scores


def _previous_mql_at(people: pd.DataFrame, previous: pd.DataFrame | None) -> np.ndarray:
    prev = people["previous_mql_at"].astype("datetime64[ns, UTC]")
    if previous is not None and len(previous):
        stored = previous.dropna(subset=["mql_at"]).drop_duplicates("person_id", keep="last")
        by_person = pd.to_datetime(stored.set_index("person_id")["mql_at"], utc=True).astype(
            "datetime64[ns, UTC]"
        )
        prev = people["person_id"].map(by_person).astype("datetime64[ns, UTC]").fillna(prev)
    return prev.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def score_with_reasons(
    people: pd.DataFrame,
    events: pd.DataFrame,
    model: ScoringModel,
    *,
    as_of: datetime | str | pd.Timestamp,
    previous: pd.DataFrame | None = None,
) -> ScoreResult:
    """score_people plus the long breakdown that `mqlsync explain` and the history diff read."""
    return _score(people, events, model, as_of=as_of, previous=previous, with_reasons=True)


def _score(
    people: pd.DataFrame,
    events: pd.DataFrame,
    model: ScoringModel,
    *,
    as_of: datetime | str | pd.Timestamp,
    previous: pd.DataFrame | None,
    with_reasons: bool,
) -> ScoreResult:
    """The scoring run; the long reasons frame (ten million rows at scale) only when asked for."""
    as_of = to_utc(as_of)
    persons = prepare_people(people, model)
    pf = persons.frame
    n = len(pf)
    attached = attach_events(events, persons, model, as_of)
    ef = attached.frame
    seg = segment.choose_segments(pf, ef, model)
    found = intent.intent_contributions(ef, pf, model, as_of.value)
    dq = qualify.disqualify(pf, ef, seg, model)
    comp = qualify.completeness(pf, model)
    future = np.flatnonzero(attached.future > 0)
    blocks = [
        *fit.fit_contributions(pf, seg, model),
        *fit.negative_contributions(pf, found.career_views, model),
        *found.blocks,
        *dq.blocks,
        *comp.blocks,
        contributions(future, "INFO_FUTURE_EVENTS_IGNORED", 0, "info", count=attached.future[future]),
    ]
    reasons = combine(blocks, detail=with_reasons)
    fit_score = section_sum(reasons, FIT_SECTIONS, n)
    intent_score = section_sum(reasons, INTENT_SECTIONS, n)
    tiers = qualify.tiers(fit_score, intent_score, comp.complete, model)
    ev_person = ef["person"].to_numpy()
    late_event = intent.late_stage_events(ef, model)
    late = np.bincount(ev_person[late_event], minlength=n) > 0
    qualifies = qualify.meets_mql_rule(seg, tiers.grade, tiers.level, late, model)
    recycled_ns = lifecycle.recycle_time(pf)
    after = ef["occurred"].to_numpy() > recycled_ns[ev_person]
    post = ef[after & (recycled_ns[ev_person] != np.iinfo(np.int64).min)]
    post_level = qualify.intent_level(intent.intent_totals(post, model, n), model)
    post_late = np.bincount(ev_person[late_event & after], minlength=n) > 0
    requalifies = qualify.meets_mql_rule(seg, tiers.grade, post_level, post_late, model)
    life = lifecycle.apply_lifecycle(
        pf,
        qualifies=qualifies,
        requalifies=requalifies,
        disqualified=~pd.isna(dq.reason),
        has_signals=np.bincount(ev_person, minlength=n) > 0,
        previous_mql_at=_previous_mql_at(pf, previous),
        recycled_ns=recycled_ns,
        as_of=as_of,
    )
    request = route.find_requests(ef, model, n)
    topic, stage = route.latest_content(ef, model, n)
    routes = route.route(
        status=life.status,
        segment=seg,
        grade=tiers.grade,
        request=request,
        is_customer=pf["is_customer"].to_numpy(dtype=bool),
        complete=comp.complete,
        topic=topic,
        stage=stage,
        model=model,
    )
    mql = life.status == "mql"
    start = np.where(mql, life.mql_at, np.datetime64("NaT"))
    due = sla.sla_due(start, routes.queue, tiers.tier, request, pf["region"].to_numpy(dtype=object), model)
    seg_names = np.array(model.segment_names(), dtype=object)[seg]
    summary = explain.handoff_summaries(
        pf, ef, mql, seg_names=seg_names, tier=tiers.tier, request=request, model=model
    )
    codes = reason_code_lists(reasons, n)
    scores = pd.DataFrame(
        {
            "person_id": pf["person_id"].astype("str"),
            "record_ids": pd.Series(persons.record_ids, dtype=pd.ArrowDtype(persons.record_ids.type)),
            "as_of": pd.Series(
                np.full(n, as_of.tz_convert(None).to_datetime64(), "datetime64[us]")
            ).dt.tz_localize("UTC"),
            "model_version": model.version,
            "segment": seg_names,
            "fit_score": fit_score,
            "intent_score": intent_score,
            "score": fit_score + intent_score,
            "fit_grade": tiers.grade,
            "intent_level": tiers.level,
            "tier": tiers.tier,
            "mql_status": life.status,
            "reason_codes": np.zeros(n),
            "disqualify_reason": dq.reason,
            "routing_queue": routes.queue,
            "nurture_track": routes.track,
            "mql_at": life.mql_at,
            "sla_due_at": due,
            "handoff_summary": summary,
            "fields_to_ask": comp.fields_to_ask,
            "request": request,
        },
        copy=False,
    )
    scores["reason_codes"] = pd.Series(codes, dtype=pd.ArrowDtype(codes.type))
    scores = _conform_scores(scores)
    return ScoreResult(scores, _reason_rows(reasons, scores["person_id"]) if with_reasons else None)


def _conform_scores(scores: pd.DataFrame) -> pd.DataFrame:
    for col in ("mql_at", "sla_due_at"):
        scores[col] = pd.to_datetime(scores[col]).dt.tz_localize("UTC").astype("datetime64[us, UTC]")
    for col in (
        "segment",
        "fit_grade",
        "tier",
        "mql_status",
        "disqualify_reason",
        "routing_queue",
        "nurture_track",
        "handoff_summary",
        "fields_to_ask",
        "request",
        "model_version",
    ):
        scores[col] = scores[col].astype("string")
    order = ["person_id", "record_ids", *[c for c in SCORES.names if c != "person_id"], *EXTRA_COLUMNS[1:]]
    return scores[order]


def _reason_rows(reasons: Contributions, person_ids: pd.Series) -> pd.DataFrame:
    """The breakdown with person ids; strings stay in Arrow (a million people, ten million rows)."""
    latest_at = reasons.latest.view("datetime64[ns]")  # "no time" (int64 min) is NaT
    ids = pc.take(arrow_strings(person_ids), pa.array(reasons.person))
    return pd.DataFrame(
        {
            "person_id": pd.Series(ids, dtype=pd.ArrowDtype(pa.string())),
            "code": _strings(reasons.names, reasons.code),
            "points": reasons.points,
            "raw_points": reasons.raw_points,
            "section": _strings(np.array(SECTIONS, dtype=object), reasons.section),
            "count": reasons.count,
            "latest_at": pd.Series(latest_at.astype("datetime64[us]"), dtype="datetime64[us, UTC]"),
            "decay_factor": reasons.decay.round(4),
        },
        copy=False,  # fresh arrays: no copy into consolidated blocks
    )


def _strings(names: np.ndarray, codes: np.ndarray) -> pd.Series | np.ndarray:
    """names[codes] as a pandas 'str' column, taken in Arrow rather than as Python objects."""
    if not len(codes):
        return np.array([], dtype=object)
    return pd.Series(pc.take(pa.array(names, pa.string()), pa.array(codes)), dtype="str")
