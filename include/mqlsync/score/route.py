"""Routing: which team answers an MQL, and which nurture track the others follow.

Precedence, strongest first:
1. A request answered by a non-commercial team: evidence/scientific questions -> medical_affairs,
   trial matching and site questions -> clinical_operations, licensing -> partnerships. These win over
   any commercial request of the same person, so a scientific question never lands with sales.
2. A commercial request (demo, pricing, evaluation, sample, meeting) -> sales; for an existing
   customer -> customer_success.
3. No request: existing customer -> customer_success; else the segment's queue for the fit grade.
4. An incomplete record that would go to sales goes to sdr_review first (someone completes it).
Non-MQLs go to nurture with a track by segment, latest topic and content stage; disqualified people
are not routed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from mqlsync.schemas import EVENT_TYPES
from mqlsync.score.model import ScoringModel
from mqlsync.score.model_routing import COMMERCIAL_QUEUES, Request
from mqlsync.score.taxonomy import asset_column, asset_in, asset_stage


def ordered_requests(model: ScoringModel) -> list[Request]:
    """Non-commercial requests first (file order kept within each group)."""
    reqs = model.routing.requests
    return [r for r in reqs if r.queue not in COMMERCIAL_QUEUES] + [
        r for r in reqs if r.queue in COMMERCIAL_QUEUES
    ]


def request_events(events: pd.DataFrame, request: Request, model: ScoringModel) -> np.ndarray:
    """True per event that is this kind of request within the routing window."""
    wanted = np.isin(np.array(EVENT_TYPES), request.event_types)[events["type"].to_numpy()]
    wanted &= events["age_days"].to_numpy() <= model.routing.window_days
    if request.topics:
        wanted &= asset_in(model.taxonomy_frame, "topic", request.topics, events["asset"].to_numpy())
    return wanted


def find_requests(events: pd.DataFrame, model: ScoringModel, n: int) -> np.ndarray:
    """The strongest request name per person (None when they asked for nothing)."""
    out = np.full(n, None, dtype=object)
    person = events["person"].to_numpy()
    for req in reversed(ordered_requests(model)):
        who = np.unique(person[request_events(events, req, model)])
        out[who] = req.request
    return out


def latest_content(events: pd.DataFrame, model: ScoringModel, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Topic and stage code of each person's latest relevant asset (None / -1 when none)."""
    taxonomy = model.taxonomy_frame
    asset = events["asset"].to_numpy()
    keep = (asset >= 0) & ~asset_in(taxonomy, "topic", model.intent.irrelevant_pages.topics, asset)
    person, t, asset = events["person"].to_numpy()[keep], events["occurred"].to_numpy()[keep], asset[keep]
    latest = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, person, t)
    at_latest = t == latest[person]
    best = np.full(n, -1, dtype=np.int64)  # ties at the same instant: the highest asset position
    np.maximum.at(best, person[at_latest], asset[at_latest])
    rows = np.flatnonzero(best >= 0)
    topic = np.full(n, None, dtype=object)
    stage = np.full(n, -1, dtype=np.int16)
    topic[rows] = asset_column(taxonomy, "topic", best[rows])
    stage[rows] = asset_stage(taxonomy, best[rows])
    return topic, stage


class Routes(NamedTuple):
    queue: np.ndarray
    track: np.ndarray


def route(
    *,
    status: np.ndarray,
    segment: np.ndarray,
    grade: np.ndarray,
    request: np.ndarray,
    is_customer: np.ndarray,
    complete: np.ndarray,
    topic: np.ndarray,
    stage: np.ndarray,
    model: ScoringModel,
) -> Routes:
    n = len(status)
    queue = np.full(n, None, dtype=object)
    names = model.segment_names()
    for s, seg in enumerate(model.segments.values()):
        rows = segment == s
        for g, q in seg.tier_queues.items():
            queue[rows & (grade == g)] = q
    customer_q = model.routing.existing_customer_queue
    queue[is_customer] = customer_q
    for req in model.routing.requests:
        asked = request == req.request
        commercial = req.queue in COMMERCIAL_QUEUES
        queue[asked] = req.queue
        if commercial:
            queue[asked & is_customer] = customer_q
    queue[(queue == "sales") & ~complete] = "sdr_review"
    track = np.full(n, None, dtype=object)
    stage_names = np.array(["early", "mid", "late"], dtype=object)[np.maximum(stage, 0)]
    for rule in reversed(model.routing.nurture):
        hit = np.ones(n, dtype=bool)
        if rule.segments:
            hit &= np.isin(np.array(names, dtype=object)[segment], rule.segments)
        if rule.topics:
            hit &= np.isin(topic.astype(str), rule.topics)
        if rule.stages:
            hit &= (stage >= 0) & np.isin(stage_names, rule.stages)
        track[hit] = rule.track
    mql = status == "mql"
    nurtured = np.isin(status, ["nurture", "new"])
    queue = np.where(mql, queue, np.where(nurtured, "nurture", None))
    track = np.where(nurtured, track, None)
    return Routes(queue, track)
