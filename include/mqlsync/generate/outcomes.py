"""Sales outcomes: who was touched, accepted, qualified, won, disqualified or recycled, and when.

Only people who live in Salesforce get a sales outcome (that is where sales works). A request makes a
touch likely; times chain forward from the first request and anything at or after `as_of` has not
happened yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mqlsync.generate import roles
from mqlsync.generate.catalog import DAY_MS, Catalog
from mqlsync.generate.events import ET, REQUESTS, Events
from mqlsync.generate.people import People

DISQUALIFY_REASONS = ("no_budget", "no_project", "competitor", "student", "wrong_region", "not_decision_maker",
                      "bad_contact_data", "not_a_buyer")  # fmt: skip
NONE = -1


@dataclass
class Outcomes:
    """Per person; times are epoch ms or -1 when it did not (yet) happen."""

    owner: np.ndarray  # catalog user index or -1
    first_touch_ms: np.ndarray
    accepted_ms: np.ndarray
    sql_ms: np.ndarray
    won_ms: np.ndarray
    lost: np.ndarray  # opportunity closed lost
    disqualified_reason: np.ndarray  # DISQUALIFY_REASONS index or -1
    disqualified_ms: np.ndarray
    recycled_ms: np.ndarray


def _after(
    rng: np.random.Generator, base: np.ndarray, lo: float, hi: float, p: np.ndarray | float, as_of: int
):
    happened = (base >= 0) & (rng.random(len(base)) < p)
    t = base + (rng.uniform(lo, hi, len(base)) * DAY_MS).astype(np.int64)
    return np.where(happened & (t < as_of), t, NONE)


def decide_outcomes(
    cat: Catalog, people: People, events: Events, in_sf: np.ndarray, rng: np.random.Generator
) -> Outcomes:
    n = len(people)
    as_of = cat.as_of_ms
    is_req = np.isin(events.event_type, [ET[r] for r in REQUESTS])
    first_req = np.full(n, NONE, dtype=np.int64)
    uniq, first = np.unique(events.person[is_req], return_index=True)
    first_req[uniq] = events.occurred_ms[is_req][first]
    any_event = np.full(n, NONE, dtype=np.int64)
    uniq_all, first_all = np.unique(events.person, return_index=True)
    any_event[uniq_all] = events.occurred_ms[first_all]
    sales_rate = np.array([p.sales_rate for p in roles.PERSONAS])[people.persona]
    base = np.where(first_req >= 0, first_req, any_event)
    p_touch = np.where(first_req >= 0, 0.75, sales_rate * 0.6) * in_sf
    touch = _after(rng, base, 0.02, 6, p_touch, as_of)
    accepted = _after(rng, touch, 0.5, 7, np.where(people.is_customer, 0.7, 0.5), as_of)
    sql = _after(rng, accepted, 5, 45, 0.5, as_of)
    won = _after(rng, sql, 20, 150, 0.35, as_of)
    lost = (sql >= 0) & (won < 0) & (rng.random(n) < 0.3)
    disq = _after(rng, np.where(accepted < 0, touch, NONE), 1, 14, 0.8, as_of)
    persona_name = np.array([p.name for p in roles.PERSONAS])[people.persona]
    reason = rng.integers(0, len(DISQUALIFY_REASONS), n)
    reason = np.where(persona_name == "student_job_seeker", DISQUALIFY_REASONS.index("student"), reason)
    reason = np.where(
        persona_name == "medical_evidence_seeker", DISQUALIFY_REASONS.index("not_a_buyer"), reason
    )
    reason = np.where(disq >= 0, reason, NONE)
    recycled = _after(rng, disq, 60, 180, 0.3, as_of)
    return Outcomes(
        owner=np.where(touch >= 0, _owners(cat, people, rng), NONE),
        first_touch_ms=touch,
        accepted_ms=accepted,
        sql_ms=sql,
        won_ms=won,
        lost=lost,
        disqualified_reason=reason,
        disqualified_ms=disq,
        recycled_ms=recycled,
    )


def _owners(cat: Catalog, people: People, rng: np.random.Generator) -> np.ndarray:
    """The sales user for each person: customer success for customers, medical affairs for evidence
    seekers, the segment's team otherwise (SDRs cover every segment)."""
    users = cat.users
    dept = np.array(users.department)
    persona_name = np.array([p.name for p in roles.PERSONAS])[people.persona]
    team = np.where(people.is_customer, 1, 0)
    team = np.where(persona_name == "medical_evidence_seeker", 2, team)
    out = np.zeros(len(people), dtype=np.int64)
    u = rng.random(len(people))
    for g in range(len(roles.SEGMENTS)):
        pools = {
            0: np.flatnonzero(((users.segment == g) & (dept != "Marketing")) | (dept == "Sales Development")),
            1: np.flatnonzero(dept == "Customer Success"),
            2: np.flatnonzero(dept == "Medical Affairs"),
        }
        for t, pool in pools.items():
            sel = np.flatnonzero((people.segment == g) & (team == t))
            out[sel] = pool[(u[sel] * len(pool)).astype(np.int64)]
    return out
