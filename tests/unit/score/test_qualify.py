"""Disqualifiers, completeness, tier boundaries and the MQL rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mqlsync.score.qualify import grade_rank, intent_level
from tests.unit.score.conftest import NO_EVENTS, codes, make_events, make_people, score

DEMO = ("sf_lead:p1", "demo_request", None, 1)


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"country": "BR"}, "region_not_covered"),
        ({"therapeutic_areas": "ophthalmology"}, "therapeutic_area_not_covered"),
        ({"consent": "opt_out"}, "unsubscribed"),
        ({"do_not_contact": True}, "do_not_contact"),
        ({"country": "DE", "consent": "unknown"}, "consent_missing"),
        ({"is_duplicate": True}, "duplicate_record"),
        ({"has_open_opportunity": True}, "open_opportunity"),
        ({"is_deleted": True}, "record_deleted"),
    ],
)
def test_each_disqualifier_ends_qualification_whatever_the_points(model, override, reason):
    people = make_people(override)
    row = score(people, make_events(DEMO), model).iloc[0]
    assert row["mql_status"] == "disqualified"
    assert row["disqualify_reason"] == reason
    assert f"DQ_{reason.upper()}" in row["reason_codes"]
    assert pd.isna(row["routing_queue"])
    assert row["score"] > 0  # the score still shows how interested they are


def test_unsubscribe_event_disqualifies(model):
    events = make_events(DEMO, ("sf_lead:p1", "unsubscribe", None, 0))
    assert score(make_people({}), events, model).iloc[0]["disqualify_reason"] == "unsubscribed"


def test_consent_unknown_is_fine_where_no_opt_in_is_required(model):
    row = score(make_people({"consent": "unknown"}), make_events(DEMO), model).iloc[0]
    assert row["mql_status"] == "mql"


def test_incomplete_record_cannot_be_a_high_priority_mql_and_lists_fields_to_ask(model):
    people = make_people({}, {"job_function": None, "company": None, "timeline": None, "title": None})
    events = make_events(DEMO, ("sf_lead:p2", "demo_request", None, 1))
    rows = score(people, events, model)
    full, partial = rows.loc["sf_lead:p1"], rows.loc["sf_lead:p2"]
    assert full["fit_grade"] == "A"
    assert partial["fit_grade"] in ("B", "C", "D")
    assert "INFO_PROFILE_INCOMPLETE" in partial["reason_codes"]
    assert partial["fields_to_ask"] == "job_function; company; timeline"
    assert partial["routing_queue"] != "sales"


@pytest.mark.parametrize(("fit", "grade"), [(70, 0), (69, 1), (40, 1), (39, 2), (20, 2), (19, 3), (-5, 3)])
def test_fit_grade_thresholds_are_inclusive(model, fit, grade):
    assert grade_rank(np.array([fit]), model)[0] == grade


@pytest.mark.parametrize(("intent", "level"), [(60, 1), (59, 2), (35, 2), (34, 3), (15, 3), (14, 4), (0, 4)])
def test_intent_level_thresholds_are_inclusive(model, intent, level):
    assert intent_level(np.array([intent]), model)[0] == level


def test_late_stage_action_qualifies_a_c_grade_fit(model):
    people = make_people(
        {
            "job_function": "other",
            "title": "x",
            "program_stage": None,
            "timeline": None,
            "therapeutic_areas": None,
            "employees": None,
            "organization_type": "pharma",
        }
    )
    row = score(people, make_events(DEMO), model).iloc[0]
    assert row["fit_grade"] == "C"
    assert row["mql_status"] == "mql"


def test_thresholds_without_a_late_stage_action(model):
    webinars = [("sf_lead:p1", "webinar_attended", None, 1)] * 2 + [
        ("sf_lead:p1", "event_attended", None, 1)
    ] * 2
    row = score(make_people({}), make_events(*webinars), model).iloc[0]
    assert row["intent_level"] == 2
    assert row["mql_status"] == "mql"
    low = score(make_people({}), make_events(*webinars[:2]), model).iloc[0]
    assert low["intent_level"] == 3
    assert low["mql_status"] == "nurture"


def test_no_events_is_new_not_nurture(model):
    row = score(make_people({}), NO_EVENTS, model).iloc[0]
    assert row["mql_status"] == "new"
    assert row["routing_queue"] == "nurture"
    assert codes(row)
