"""Routing of each request type, and the guarantee that medical questions never reach sales."""

from __future__ import annotations

import pytest

from tests.unit.score.conftest import make_events, make_people, score


@pytest.mark.parametrize(
    ("events", "queue"),
    [
        ([("sf_lead:p1", "trial_matching_request", "trial-page", 1)], "clinical_operations"),
        ([("sf_lead:p1", "evidence_request", "mt-evidence", 1)], "medical_affairs"),
        ([("sf_lead:p1", "meeting_request", "bd-meeting", 1)], "partnerships"),
        ([("sf_lead:p1", "demo_request", None, 1)], "sales"),
        ([("sf_lead:p1", "pricing_request", None, 1)], "sales"),
        ([("sf_lead:p1", "meeting_request", "checklist", 1)], "clinical_operations"),
    ],
)
def test_each_request_type_goes_to_its_team(model, events, queue):
    people = make_people(
        {
            "organization_type": "hospital",
            "job_function": "physician",
            "title": "MD",
            "therapeutic_areas": "oncology;metabolic",
        }
    )
    if queue in ("partnerships",):
        people = make_people(
            {"organization_type": "pharma", "job_function": "business_development", "title": "BD"}
        )
    row = score(people, make_events(*events), model).iloc[0]
    assert row["mql_status"] == "mql"
    assert row["routing_queue"] == queue


def test_an_evidence_question_beats_a_demo_request(model):
    events = make_events(("sf_lead:p1", "demo_request", None, 0), ("sf_lead:p1", "evidence_request", None, 5))
    row = score(make_people({}), events, model).iloc[0]
    assert row["routing_queue"] == "medical_affairs"
    assert row["request"] == "evidence_question"


def test_existing_customer_goes_to_customer_success_but_science_to_medical(model):
    people = make_people({"is_customer": True}, {"is_customer": True})
    events = make_events(("sf_lead:p1", "demo_request", None, 1), ("sf_lead:p2", "evidence_request", None, 1))
    rows = score(people, events, model)
    assert rows.loc["sf_lead:p1", "routing_queue"] == "customer_success"
    assert rows.loc["sf_lead:p2", "routing_queue"] == "medical_affairs"


def test_partnering_interest_is_routed_to_partnerships_without_a_request(model):
    people = make_people({"job_function": "business_development", "title": "VP BD"})
    events = make_events(
        *[("sf_lead:p1", "content_download", "bd-pipeline", 1)] * 3,
        ("sf_lead:p1", "content_download", "bd-meeting", 1),
    )
    row = score(people, events, model).iloc[0]
    assert row["segment"] == "biopharma_partnering"
    assert row["routing_queue"] == "partnerships"


@pytest.mark.parametrize(
    ("asset", "track"),
    [
        ("brochure", "education"),
        ("casestudy", "trial"),
        ("rt-blog", "education"),
        ("bd-pipeline", "partnership"),
    ],
)
def test_non_mqls_are_nurtured_by_stage_and_topic(model, asset, track):
    row = score(make_people({}), make_events(("sf_lead:p1", "page_view", asset, 1)), model).iloc[0]
    assert row["mql_status"] == "nurture"
    assert row["routing_queue"] == "nurture"
    assert row["nurture_track"] == track


def test_mid_stage_content_gets_the_evidence_track(model):
    people = make_people({"job_function": "scientist", "title": "Scientist"})
    events = make_events(
        ("sf_lead:p1", "page_view", "rt-blog", 5), ("sf_lead:p1", "page_view", "rt-pricing", 10)
    )
    row = score(people, events, model).iloc[0]
    assert row["nurture_track"] == "education"  # latest asset decides: the early blog
    events = make_events(
        ("sf_lead:p1", "page_view", "rt-blog", 10), ("sf_lead:p1", "page_view", "rt-pricing", 5)
    )
    assert score(people, events, model).iloc[0]["nurture_track"] == "evidence"
