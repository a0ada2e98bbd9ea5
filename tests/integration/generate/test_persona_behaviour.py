"""Personas behave like the people they stand for (statistics over a fixed-seed world)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from mqlsync.generate import WorldConfig, generate_world


@pytest.fixture(scope="module")
def joined(tmp_path_factory: pytest.TempPathFactory):
    world = tmp_path_factory.mktemp("persona_world")
    generate_world(world, people=2000, seed=3, config=WorldConfig(workers=1))
    people = pq.read_table(world / "truth/people.parquet").to_pandas()
    events = pq.read_table(world / "truth/events.parquet").to_pandas()
    return events.merge(people, on="person_id"), people


def test_students_never_ask_for_pricing(joined) -> None:
    events, _ = joined
    students = events[events.job_function == "student"]
    assert len(students) > 100
    assert not (students.event_type == "pricing_request").any()


def test_evidence_requests_come_mostly_from_msls_and_physicians(joined) -> None:
    events, _ = joined
    evidence = events[events.event_type == "evidence_request"]
    assert len(evidence) > 20
    share = evidence.job_function.isin(["medical_science_liaison", "physician"]).mean()
    assert share > 0.7


def test_partnering_meetings_come_from_business_development(joined) -> None:
    events, _ = joined
    meetings = events[(events.event_type == "meeting_request") & (events.segment == "partnering")]
    assert len(meetings) > 5
    assert meetings.job_function.isin(["business_development", "executive", "consultant"]).all()


def test_some_people_went_cold_and_some_are_hot_now(joined) -> None:
    events, _ = joined
    late = events[events.event_type.str.endswith("_request")]
    last = late.groupby("person_id").occurred_at.max()
    recent = (last >= "2026-10-01").sum()
    stale = (last < "2025-06-01").sum()
    assert recent > 10
    assert stale > 10


def test_existing_customers_are_customers_and_eu_people_without_opt_in_get_no_email(joined) -> None:
    events, people = joined
    assert people.is_customer[people.persona == "existing_customer"].all()
    from mqlsync.generate.places import OPT_IN_COUNTRIES

    eu_no = events[events.country.isin(sorted(OPT_IN_COUNTRIES)) & (events.consent == "unknown")]
    assert len(eu_no) > 50
    assert not eu_no.event_type.isin(["email_open", "email_click"]).any()
