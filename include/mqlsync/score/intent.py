"""Intent: what the person did, weighted by event type, content stage and age.

Every event becomes one or two signals (its event type, and the buying stage of its asset). Signals
are summed per person and code, capped, and decayed as of the scoring time. The codes carry the
undecayed points; one DECAY_* code per person carries the reduction, so codes still add up exactly
and a sales rep sees both "requested a demo: +40" and "older signals: -12".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from mqlsync.schemas import CONTENT_STAGES, EVENT_TYPES
from mqlsync.score.decay import decay_code, decay_factor, round_points
from mqlsync.score.model import ScoringModel
from mqlsync.score.reasons import Contributions, contributions
from mqlsync.score.taxonomy import asset_in, asset_stage

NO_TIME = np.iinfo(np.int64).min


class SignalBook(NamedTuple):
    """The model's signals as arrays indexed by signal position (event types, then stages)."""

    codes: np.ndarray
    points: np.ndarray
    caps: np.ndarray
    half_life: np.ndarray
    type_signal: np.ndarray  # event type position -> signal position or -1
    stage_signal: np.ndarray  # content stage position -> signal position or -1
    stage_types: np.ndarray  # event type position -> earns stage points


def signal_book(model: ScoringModel) -> SignalBook:
    codes, points, caps, half = [], [], [], []
    type_signal = np.full(len(EVENT_TYPES), -1, dtype=np.int64)
    stage_signal = np.full(len(CONTENT_STAGES), -1, dtype=np.int64)
    for i, etype in enumerate(EVENT_TYPES):
        sig = model.intent.events.get(etype)
        if sig is not None and sig.points > 0:
            type_signal[i] = len(codes)
            codes.append(f"INTENT_{etype.upper()}")
            points.append(sig.points), caps.append(sig.cap), half.append(sig.decay.days)
    for i, stage in enumerate(CONTENT_STAGES):
        sig = model.intent.stages.get(stage)
        if sig is not None and sig.points > 0:
            stage_signal[i] = len(codes)
            codes.append(f"INTENT_STAGE_{stage.upper()}")
            points.append(sig.points), caps.append(sig.cap), half.append(sig.decay.days)
    stage_types = np.isin(np.array(EVENT_TYPES), model.intent.stage_event_types)
    return SignalBook(
        np.array(codes, dtype=object),
        np.array(points, dtype=np.float64),
        np.array(caps, dtype=np.float64),
        np.array(half, dtype=np.float64),
        type_signal,
        stage_signal,
        stage_types,
    )


def signal_totals(events: pd.DataFrame, model: ScoringModel, book: SignalBook) -> pd.DataFrame:
    """Per (person, signal): summed raw and decayed points after the cap, count and latest time."""
    etype = events["type"].to_numpy()
    base_sig = book.type_signal[etype]
    stage = asset_stage(model.taxonomy_frame, events["asset"].to_numpy())
    stage_sig = np.where((stage >= 0) & book.stage_types[etype], book.stage_signal[np.maximum(stage, 0)], -1)
    person = events["person"].to_numpy()
    age = events["age_days"].to_numpy()
    occurred = events["occurred"].to_numpy()
    b, s = base_sig >= 0, stage_sig >= 0
    sig = np.concatenate([base_sig[b], stage_sig[s]])
    n_sig = max(len(book.codes), 1)
    raw = book.points[sig]
    who = np.concatenate([person[b], person[s]])
    key = who * n_sig + sig
    size = (int(who.max()) + 1) * n_sig if len(who) else 0
    # Dense per (person, signal) sums: O(events), no sort; a few hundred MB at a million people.
    count = np.bincount(key, minlength=size)
    dec_sum = np.bincount(
        key, weights=raw * decay_factor(np.concatenate([age[b], age[s]]), book.half_life[sig]), minlength=size
    )
    latest = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, key, np.concatenate([occurred[b], occurred[s]]))
    keys = np.flatnonzero(count)
    raw_pts = round_points(np.minimum(count[keys] * book.points[keys % n_sig], book.caps[keys % n_sig]))
    keys, raw_pts = keys[raw_pts > 0], raw_pts[raw_pts > 0]
    sig = keys % n_sig
    return pd.DataFrame(
        {
            "person": keys // n_sig,
            "sig": sig,
            "raw_pts": raw_pts,
            "pts": round_points(np.minimum(dec_sum[keys], book.caps[sig])),
            "n": count[keys],
            "t": latest[keys],
        },
        copy=False,
    )


def intent_totals(events: pd.DataFrame, model: ScoringModel, n: int) -> np.ndarray:
    """Decayed signal points per person (no account or irrelevant-page points): for re-qualification."""
    totals = signal_totals(events, model, signal_book(model))
    return np.bincount(totals["person"], weights=totals["pts"], minlength=n).astype(np.int64)


class Intent(NamedTuple):
    blocks: list[Contributions]
    career_views: np.ndarray
    last_signal: np.ndarray  # ns of the latest scoring event per person, NO_TIME when none


def intent_contributions(
    events: pd.DataFrame, people: pd.DataFrame, model: ScoringModel, as_of_ns: int
) -> Intent:
    """Signal, decay, account-surge and irrelevant-page blocks for every person with events."""
    n = len(people)
    book = signal_book(model)
    totals = signal_totals(events, model, book)
    person = totals["person"].to_numpy()
    raw_pts, pts = totals["raw_pts"].to_numpy(), totals["pts"].to_numpy()
    blocks = [
        contributions(
            person,
            pd.Categorical.from_codes(totals["sig"].to_numpy(), categories=book.codes),
            raw_pts,
            "intent",
            count=totals["n"].to_numpy(),
            latest=totals["t"].to_numpy(),
            decay=np.where(raw_pts > 0, pts / np.maximum(raw_pts, 1), 1.0),
        )
    ]
    last_signal = np.full(n, NO_TIME, dtype=np.int64)
    np.maximum.at(last_signal, person, totals["t"].to_numpy())
    lost = np.bincount(person, weights=pts - raw_pts, minlength=n).astype(np.int64)
    who = np.flatnonzero(lost != 0)
    inactive_days = (as_of_ns - last_signal[who]) / 86_400e9
    blocks.append(contributions(who, decay_code(inactive_days), lost[who], "decay", latest=last_signal[who]))
    blocks.append(_account_surge(events, people, model))
    irrelevant, career_views = _irrelevant_pages(events, model, n)
    blocks.append(irrelevant)
    return Intent(blocks, career_views, last_signal)


def _account_surge(events: pd.DataFrame, people: pd.DataFrame, model: ScoringModel) -> Contributions:
    """Several people of one organisation on one topic within the window: each of them gets points.

    Accounts and topics are integer codes, so the per-(account, topic) head count is a sort of
    integers rather than a groupby over ten million strings."""
    rule = model.intent.account
    taxonomy = model.taxonomy_frame
    asset = events["asset"].to_numpy()
    ignored = asset_in(taxonomy, "topic", model.intent.irrelevant_pages.topics, asset)
    keep = (asset >= 0) & ~ignored & (events["age_days"].to_numpy() <= rule.window_days)
    account_of, _ = pd.factorize(people["account_key"], use_na_sentinel=True)
    topic_of, topics = pd.factorize(taxonomy["topic"], use_na_sentinel=True)
    person = events["person"].to_numpy()[keep]
    topic = topic_of[asset[keep]] if len(topic_of) else np.zeros(0, dtype=np.int64)
    known = (account_of[person] >= 0) & (topic >= 0)
    n_topics = max(len(topics), 1)
    seen = np.zeros(len(people) * n_topics, dtype=bool)  # each person once per topic
    seen[person[known] * n_topics + topic[known]] = True
    pairs = np.flatnonzero(seen)
    who, topic = np.divmod(pairs, n_topics)
    _, group, size = np.unique(account_of[who] * n_topics + topic, return_inverse=True, return_counts=True)
    size = size[group]
    big = size >= rule.min_people
    best = np.zeros(len(people), dtype=np.int64)
    np.maximum.at(best, who[big], size[big])
    hot = np.flatnonzero(best)
    return contributions(hot, rule.code, rule.points, "account", count=best[hot])


def _irrelevant_pages(events: pd.DataFrame, model: ScoringModel, n: int) -> tuple[Contributions, np.ndarray]:
    rule = model.intent.irrelevant_pages
    asset = events["asset"].to_numpy()
    recent = events["age_days"].to_numpy() <= rule.window_days
    person = events["person"].to_numpy()
    views = np.bincount(
        person[recent & asset_in(model.taxonomy_frame, "topic", rule.topics, asset)], minlength=n
    )
    careers = np.bincount(
        person[recent & asset_in(model.taxonomy_frame, "topic", ["careers"], asset)], minlength=n
    )
    who = np.flatnonzero(views > 0)
    pts = np.maximum(views[who] * rule.points_per_view, rule.cap)
    block = contributions(who, "NEG_IRRELEVANT_PAGES", pts, "irrelevant", count=views[who])
    return block.take(block.points != 0), careers


def late_stage_events(events: pd.DataFrame, model: ScoringModel) -> np.ndarray:
    """True per event that is a late-stage action within the model's window."""
    rule = model.intent.late_stage
    etype = events["type"].to_numpy()
    action = np.isin(np.array(EVENT_TYPES), rule.event_types)[etype]
    content = np.isin(np.array(EVENT_TYPES), rule.content_event_types)[etype]
    stage = asset_stage(model.taxonomy_frame, events["asset"].to_numpy())
    late_content = content & np.isin(stage, [CONTENT_STAGES.index(s) for s in rule.content_stages])
    return (action | late_content) & (events["age_days"].to_numpy() <= rule.within_days)
