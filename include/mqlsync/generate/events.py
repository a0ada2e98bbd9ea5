"""Engagement histories: what each person did over the 24 months before `as_of`, and when.

A person engages in one to three episodes (a project, an evaluation, a conference season). Hot
episodes carry late-stage content and requests; cold ones are browsing and newsletters. Episodes are
spread over the whole window, so some people were hot 18 months ago and went quiet, and some are hot
this month: decay has something to do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mqlsync.generate import places, roles
from mqlsync.generate import strings as s
from mqlsync.generate.catalog import DAY_MS, Catalog
from mqlsync.generate.orgs import COUNTRY_CODES
from mqlsync.generate.people import People
from mqlsync.schemas import EVENT_TYPES

ET = {name: i for i, name in enumerate(EVENT_TYPES)}
REQUESTS = ("demo_request", "evaluation_request", "trial_matching_request", "evidence_request",
            "sample_request", "pricing_request", "meeting_request")  # fmt: skip
_COLD = {"page_view": 46, "email_open": 24, "email_click": 6, "content_download": 7, "webinar_registered": 2,
         "webinar_attended": 1, "event_attended": 0.8, "form_submit": 2, "unsubscribe": 0.6}  # fmt: skip
_HOT = {"page_view": 30, "email_open": 14, "email_click": 10, "content_download": 12, "webinar_registered": 5,
        "webinar_attended": 3.5, "event_attended": 3, "form_submit": 4, "unsubscribe": 0.15}  # fmt: skip
# Campaign kind (catalog.CAMPAIGN_KINDS) per event type; -1: no campaign.
CAMPAIGN_KIND = np.full(len(EVENT_TYPES), 1, dtype=np.int64)
CAMPAIGN_KIND[[ET["page_view"]]] = -1
CAMPAIGN_KIND[[ET["email_open"], ET["email_click"], ET["unsubscribe"]]] = 0
CAMPAIGN_KIND[[ET["webinar_registered"], ET["webinar_attended"]]] = 3
CAMPAIGN_KIND[ET["event_attended"]] = 4


@dataclass
class Events:
    """One chunk of true engagement, sorted by (person, time)."""

    person: np.ndarray  # chunk-local person index
    event_type: np.ndarray  # EVENT_TYPES
    occurred_ms: np.ndarray
    asset: np.ndarray  # catalog asset index or -1
    campaign: np.ndarray  # catalog campaign index or -1

    def __len__(self) -> int:
        return len(self.person)


def _type_cdf() -> np.ndarray:
    rows = []
    for p in roles.PERSONAS:
        for hot in (0, 1):
            base = dict(_HOT if hot else _COLD)
            scale = 1.0 if hot else 0.06
            for r in REQUESTS:
                base[r] = p.requests.get(r, 0.0) * scale
            rows.append([base.get(e, 0.0) for e in EVENT_TYPES])
    m = np.asarray(rows)
    return np.cumsum(m / m.sum(axis=1, keepdims=True), axis=1)


def generate_events(cat: Catalog, people: People, rng: np.random.Generator) -> Events:
    """The chunk's true events; EU/UK people without an opt-in get no marketing email."""
    n = len(people)
    personas = roles.PERSONAS
    mean = np.array([p.mean_events for p in personas])[people.persona] * cat.config.events_per_person
    activity = np.exp(rng.normal(-0.245, 0.7, n))  # mean 1: a long tail of very active people
    counts = rng.poisson(mean * activity)
    episodes = s.choose_by_weight(rng, [0.5, 0.35, 0.15], n) + 1
    ep_start = np.concatenate([[0], np.cumsum(episodes)[:-1]])
    n_ep = int(episodes.sum())
    hot_share = np.array([p.hot_share for p in personas])[np.repeat(people.persona, episodes)]
    ep_hot = rng.random(n_ep) < hot_share
    ep_center = rng.integers(cat.start_ms, cat.as_of_ms, n_ep)
    ep_width = rng.uniform(3, 40, n_ep) * DAY_MS

    person = np.repeat(np.arange(n), counts)
    m = len(person)
    ep = ep_start[person] + (rng.random(m) * episodes[person]).astype(np.int64)
    when = ep_center[ep] + (np.abs(rng.normal(0, 1, m)) * ep_width[ep]).astype(np.int64)
    when = np.clip(when, cat.start_ms, cat.as_of_ms - 1)
    hot = ep_hot[ep]
    etype = s.choose_rows(rng, _type_cdf(), people.persona[person] * 2 + hot)

    opt_in_country = np.isin(np.array(COUNTRY_CODES), sorted(places.OPT_IN_COUNTRIES))[people.country]
    no_email = (opt_in_country & (people.consent != 0))[person]
    emailish = np.isin(etype, [ET["email_open"], ET["email_click"], ET["unsubscribe"]])
    etype = np.where(no_email & emailish, ET["page_view"], etype)

    segment = people.segment[person]
    campaign, when = _campaigns(cat, rng, segment, etype, when)
    asset = _assets(cat, rng, people, person, segment, etype, hot, campaign)
    order = np.lexsort((etype, when, person))
    return Events(person[order], etype[order], when[order], asset[order], campaign[order])


def _campaigns(
    cat: Catalog, rng: np.random.Generator, segment: np.ndarray, etype: np.ndarray, when: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The campaign each event answers, and event times moved onto webinar and congress dates."""
    camp = cat.campaigns
    kind = CAMPAIGN_KIND[etype]
    syndicated = (etype == ET["content_download"]) & (rng.random(len(etype)) < 0.25)
    kind = np.where(syndicated, 2, kind)
    out = np.full(len(etype), -1, dtype=np.int64)
    when = when.copy()
    jitter = rng.random(len(etype))
    for g in range(len(roles.SEGMENTS)):
        for k in range(5):
            sel = np.flatnonzero((segment == g) & (kind == k))
            pool = np.flatnonzero((camp.segment == g) & (camp.kind == k) & (camp.start_ms < cat.as_of_ms))
            if not len(sel) or not len(pool):
                continue
            starts = camp.start_ms[pool]
            if k in (3, 4):  # the next webinar or congress after the person became interested
                pos = np.minimum(np.searchsorted(starts, when[sel]), len(pool) - 1)
                chosen = pool[pos]
                dur = np.minimum(camp.end_ms[chosen], cat.as_of_ms) - camp.start_ms[chosen]
                when[sel] = camp.start_ms[chosen] + (jitter[sel] * np.maximum(dur, 1)).astype(np.int64)
                registered = etype[sel] == ET["webinar_registered"]
                early = (jitter[sel] * 20 + 1).astype(np.int64) * DAY_MS
                when[sel] = np.where(registered, camp.start_ms[chosen] - early, when[sel])
            else:  # the latest email or quarter campaign that had started
                pos = np.maximum(np.searchsorted(starts, when[sel], side="right") - 1, 0)
                chosen = pool[pos]
                when[sel] = np.maximum(when[sel], camp.start_ms[chosen])
            out[sel] = chosen
    return out, np.clip(when, cat.start_ms, cat.as_of_ms - 1)


def _assets(
    cat: Catalog,
    rng: np.random.Generator,
    people: People,
    person: np.ndarray,
    segment: np.ndarray,
    etype: np.ndarray,
    hot: np.ndarray,
    campaign: np.ndarray,
) -> np.ndarray:
    a = cat.assets
    count = a.candidate_count[segment, etype, hot.astype(np.int64)]
    slot = (rng.random(len(etype)) * np.maximum(count, 1)).astype(np.int64)
    asset = np.where(count > 0, a.candidates[segment, etype, hot.astype(np.int64), slot], -1)
    from_campaign = (campaign >= 0) & np.isin(etype, [ET[e] for e in ("email_open", "email_click",
        "webinar_registered", "webinar_attended", "event_attended")])  # fmt: skip
    syndicated = (campaign >= 0) & (etype == ET["content_download"]) & (cat.campaigns.kind[campaign] == 2)
    from_campaign |= syndicated
    asset = np.where(from_campaign, cat.campaigns.asset[np.maximum(campaign, 0)], asset)
    page = etype == ET["page_view"]
    careers_share = np.array([p.careers_share for p in roles.PERSONAS])[people.persona[person]]
    u = rng.random(len(etype))
    careers = page & (u < careers_share)
    corporate = page & ~careers & (u < careers_share + 0.1)
    asset = np.where(careers, a.careers[(rng.random(len(etype)) * len(a.careers)).astype(np.int64)], asset)
    asset = np.where(
        corporate, a.corporate[(rng.random(len(etype)) * len(a.corporate)).astype(np.int64)], asset
    )
    return asset
