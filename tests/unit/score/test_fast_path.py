"""The vectorised engine against plain pandas references on a random world of about 2,000 people.

The engine skips work a caller does not need (the long breakdown for score_people, the full contract
check when events already look valid) and replaces groupbys over strings with integer codes. These
tests pin each shortcut to the straightforward computation it replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mqlsync.errors import SchemaError
from mqlsync.schemas import (
    EVENT_TYPES,
    EVENTS,
    JOB_FUNCTIONS,
    ORGANIZATION_TYPES,
    PROGRAM_STAGES,
    THERAPEUTIC_AREAS,
    TIMELINES,
    check_frame,
)
from mqlsync.score.engine import score_people, score_with_reasons, to_utc
from mqlsync.score.intent import _account_surge
from mqlsync.score.people import _record_order, attach_events, check_events, prepare_people
from mqlsync.score.reasons import SECTIONS
from tests.unit.score.conftest import AS_OF, ASSETS, BASE_PERSON


def _pick(rng: np.random.Generator, values: list[object], n: int, nulls: float = 0.0) -> np.ndarray:
    out = np.array(values, dtype=object)[rng.integers(0, len(values), n)]
    out[rng.random(n) < nulls] = None
    return out


def random_world(seed: int, records: int = 2_800, events: int = 30_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records merged into ~2,000 persons, email-only and unknown events, future events, campaigns."""
    rng = np.random.default_rng(seed)
    person = rng.integers(0, 2_000, records)
    people = pd.DataFrame(
        {
            **{k: [v] * records for k, v in BASE_PERSON.items()},
            "record_id": [f"sf_lead:r{i}" for i in range(records)],
            "person_id": np.where(rng.random(records) < 0.8, [f"P{p:04d}" for p in person], None),
            "email": [
                f"u{p}@{d}"
                for p, d in zip(
                    person, _pick(rng, ["acmebio.com", "gmail.com", "x.org"], records), strict=True
                )
            ],
            "email_domain": _pick(rng, ["acmebio.com", "www.beta.de", "gmail.com"], records, 0.4),
            "title": _pick(
                rng, ["Director", "PhD Student", "Job seeker", "Lab manager", "VP R&D"], records, 0.1
            ),
            "company": _pick(
                rng, ["Acme Bio Inc.", "Acme Bio", "Beta GmbH", "Gamma, LLC", "Uni"], records, 0.05
            ),
            "country": _pick(rng, ["US", "DE", "GB", "JP", "BR", "XX"], records, 0.05),
            "organization_type": _pick(rng, list(ORGANIZATION_TYPES), records, 0.1),
            "job_function": _pick(rng, list(JOB_FUNCTIONS), records, 0.1),
            "therapeutic_areas": _pick(rng, [*THERAPEUTIC_AREAS, "oncology;immunology"], records, 0.2),
            "program_stage": _pick(rng, list(PROGRAM_STAGES), records, 0.3),
            "timeline": _pick(rng, list(TIMELINES), records, 0.3),
            "employees": pd.array(
                np.where(rng.random(records) < 0.2, None, rng.integers(1, 60_000, records))
            ),
            "consent": _pick(rng, ["opt_in", "opt_in", "unknown", "opt_out"], records),
            "crm_status": _pick(rng, ["new", "working", "recycled", "sql"], records, 0.6),
            "updated_at": AS_OF - pd.to_timedelta(rng.integers(0, 90 * 86_400, records), unit="s"),
            "is_deleted": rng.random(records) < 0.03,
            "is_customer": rng.random(records) < 0.05,
        }
    )
    target = rng.integers(0, records + 100, events)
    by_email = rng.random(events) < 0.15
    record_ids = [f"sf_lead:r{t}" for t in target]
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(events)],
            "record_id": np.where(by_email, None, record_ids),
            "email": np.where(by_email, [f"U{t % 2_000}@ACMEBIO.COM" for t in target], None),
            "event_type": _pick(rng, list(EVENT_TYPES), events),
            "asset_id": _pick(rng, [a["asset_id"] for a in ASSETS] + ["unknown-asset"], events, 0.2),
            "campaign_id": _pick(rng, ["rt-spring", "CRO_fall", "mt-x", "other"], events, 0.7),
            "occurred_at": AS_OF
            - pd.to_timedelta(rng.integers(-20 * 86_400, 800 * 86_400, events), unit="s"),
            "source": "salesforce",
        }
    )
    return people, frame


@pytest.mark.parametrize("seed", [1, 2])
def test_scores_without_the_breakdown_equal_the_full_run(model, seed):
    people, events = random_world(seed)
    fast = score_people(people, events, model, as_of=AS_OF)
    full = score_with_reasons(people, events, model, as_of=AS_OF).scores
    pd.testing.assert_frame_equal(fast, full, check_exact=True)
    assert pa.Table.from_pandas(fast).equals(pa.Table.from_pandas(full), check_metadata=True)
    assert fast["mql_status"].nunique() >= 3  # the world reaches mql, nurture and disqualified


def test_reason_codes_are_the_breakdown_sorted_and_summed_per_person(model):
    people, events = random_world(3)
    result = score_with_reasons(people, events, model, as_of=AS_OF)
    reasons = result.reasons.copy()
    bare = reasons["section"].isin(["disqualifier", "info"])
    reasons["text"] = reasons["code"].where(
        bare, reasons["code"] + ":" + reasons["points"].map("{:+d}".format)
    )
    reasons["info_last"] = reasons["section"] != "disqualifier"
    reasons["magnitude"] = -reasons["points"].abs().clip(upper=255)
    ordered = reasons.sort_values(["person_id", "info_last", "magnitude", "code"], kind="stable")
    expected = ordered.groupby("person_id")["text"].agg(list)
    scores = result.scores.set_index("person_id")
    got = scores["reason_codes"].map(list)
    assert got[got.map(len) > 0].to_dict() == expected.to_dict()
    fit = reasons["section"].isin(["fit", "negative"])
    sums = reasons.assign(fit=reasons["points"].where(fit, 0), intent=reasons["points"].where(~fit, 0))
    per_person = sums.groupby("person_id")[["fit", "intent"]].sum()
    per_person = per_person.reindex(scores.index, fill_value=0)
    assert (per_person["fit"] == scores["fit_score"]).all()
    assert (per_person["intent"] == scores["intent_score"]).all()
    assert set(reasons["section"]) <= set(SECTIONS)


def test_account_surge_counts_people_per_organisation_and_topic_like_a_groupby(model):
    people, events = random_world(4)
    persons = prepare_people(people, model)
    attached = attach_events(events, persons, model, to_utc(AS_OF)).frame
    got = _account_surge(attached, persons.frame, model)
    rule = model.intent.account
    taxonomy = model.taxonomy_frame
    ev = attached[(attached["asset"] >= 0) & (attached["age_days"] <= rule.window_days)]
    topic = taxonomy["topic"].to_numpy(dtype=object)[ev["asset"].to_numpy()]
    frame = pd.DataFrame(
        {
            "person": ev["person"].to_numpy(),
            "account": persons.frame["account_key"].to_numpy(dtype=object)[ev["person"].to_numpy()],
            "topic": topic,
        }
    )
    frame = frame[~frame["topic"].isin(model.intent.irrelevant_pages.topics)].dropna().drop_duplicates()
    frame["size"] = frame.groupby(["account", "topic"])["person"].transform("size")
    best = frame[frame["size"] >= rule.min_people].groupby("person")["size"].max()
    assert len(best) > 0
    assert got.person.tolist() == best.index.tolist()
    assert got.count.tolist() == best.tolist()


def test_records_are_ordered_like_a_pandas_sort_with_ties_and_missing_times():
    base = pd.DataFrame(
        {
            "person_id": pd.array(["b", "a", "b", "a", "c", "b"], dtype="string"),
            "is_deleted": [False, True, False, False, False, False],
            "updated_at": pd.to_datetime(
                ["2026-01-02", "2026-01-05", None, "2026-01-05", None, "2026-01-02"], utc=True
            ).astype("datetime64[us, UTC]"),
            "record_id": pd.array(["r6", "r2", "r1", "r3", "r5", "r4"], dtype="string"),
        }
    )
    expected = base.sort_values(
        ["person_id", "is_deleted", "updated_at", "record_id"],
        ascending=[True, True, False, True],
        na_position="last",
        kind="stable",
    ).index
    assert _record_order(base).tolist() == expected.tolist()


def _events(**changes: object) -> pd.DataFrame:
    _, events = random_world(5, records=50, events=200)
    for column, value in changes.items():
        if value is None:
            events = events.drop(columns=column)
        else:
            events.loc[events.index[:3], column] = value
    return events


@pytest.mark.parametrize(
    "changes",
    [
        {"event_type": "bought_a_boat"},
        {"event_type": pd.NA},
        {"source": "linkedin"},
        {"event_id": pd.NA},
        {"occurred_at": pd.NaT},
        {"campaign_id": None},
    ],
    ids=["unknown-type", "missing-type", "unknown-source", "missing-id", "missing-time", "missing-column"],
)
def test_fast_event_check_raises_the_contract_error_with_every_problem(changes):
    events = _events(**changes)
    with pytest.raises(SchemaError) as contract:
        check_frame(events, EVENTS, allow_extra=True)
    with pytest.raises(SchemaError) as fast:
        check_events(events)
    assert str(fast.value) == str(contract.value)


def test_fast_event_check_accepts_valid_events_and_text_timestamps():
    events = _events()
    check_events(events)
    events["occurred_at"] = events["occurred_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    check_events(events)
    events.loc[0, "occurred_at"] = "not a time"
    with pytest.raises(SchemaError, match="occurred_at: 1 values are not timestamps"):
        check_events(events)
