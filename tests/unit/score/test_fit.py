"""Fit rules of each type, and the negative rules every segment shares."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from mqlsync.schemas import ORGANIZATION_TYPES, PROGRAM_STAGES, THERAPEUTIC_AREAS
from tests.unit.score.conftest import AS_OF, NO_EVENTS, codes, make_events, make_people, score


@pytest.mark.parametrize(
    ("job_function", "code", "points"),
    [
        ("clinical_operations_director", "FIT_ROLE_DECISION_MAKER", 30),
        ("procurement", "FIT_ROLE_INFLUENCER", 15),
        ("clinical_research_coordinator", "FIT_ROLE_USER", 3),
    ],
)
def test_buying_role_adds_the_points_of_its_rule(model, job_function, code, points):
    row = score(make_people({"job_function": job_function, "title": "x"}), NO_EVENTS, model).iloc[0]
    assert row["segment"] == "pharma_services"
    assert codes(row)[code] == points


def test_clinical_operations_leader_gets_the_role_bonus_on_top_of_decision_maker(model):
    got = codes(score(make_people({}), NO_EVENTS, model).iloc[0])
    assert got["FIT_ROLE_DECISION_MAKER"] == 30
    assert got["FIT_ROLE_CLINOPS_LEADER"] == 5


@pytest.mark.parametrize(
    ("org", "code"),
    [
        ("biotech", "FIT_ORG_SPONSOR"),
        ("academic_medical_center", "FIT_SITE_TRIAL_SITE"),
        ("cro", "FIT_ORG_OTHER_CRO"),
    ],
)
def test_organisation_and_site_type_rules(model, org, code):
    people = make_people({"organization_type": org})
    # product interest in CRO services puts everyone in the pharma services segment
    events = __import__("tests.unit.score.conftest", fromlist=["make_events"]).make_events(
        ("sf_lead:p1", "page_view", "brochure", 1)
    )
    row = score(people, events, model).iloc[0]
    assert row["segment"] == "pharma_services"
    assert code in codes(row)


@pytest.mark.parametrize(
    ("areas", "matched"),
    [("oncology", True), ("Oncology; ophthalmology", True), (None, False)],
)
def test_therapeutic_area_match(model, areas, matched):
    row = score(make_people({"therapeutic_areas": areas}), NO_EVENTS, model).iloc[0]
    assert ("FIT_TA_MATCH" in codes(row)) is matched


@pytest.mark.parametrize(
    ("stage", "code"), [("phase_1", "FIT_STAGE_CLINICAL"), ("preclinical", "FIT_STAGE_PRECLINICAL")]
)
def test_program_stage(model, stage, code):
    assert code in codes(score(make_people({"program_stage": stage}), NO_EVENTS, model).iloc[0])


@pytest.mark.parametrize(("country", "covered"), [("US", True), ("DE", True), ("JP", False)])
def test_geography_rule(model, country, covered):
    row = score(make_people({"country": country}), NO_EVENTS, model).iloc[0]
    assert ("FIT_REGION_DIRECT_SALES" in codes(row)) is covered


@pytest.mark.parametrize(
    ("employees", "hit"), [(9, False), (10, True), (1000, True), (1001, False), (None, False)]
)
def test_company_size_bounds_are_inclusive(model, employees, hit):
    row = score(make_people({"employees": employees}), NO_EVENTS, model).iloc[0]
    assert ("FIT_SIZE_EMERGING_SPONSOR" in codes(row)) is hit


def test_negative_rules(model):
    people = make_people(
        {"email": "ada@gmail.com"},
        {"email": "bob@competitor.example"},
        {"job_function": "student", "title": "Student"},
        {"title": "Open to work - seeking new role"},
        {"job_function": "executive", "title": "Summer intern"},
    )
    rows = score(people, NO_EVENTS, model)
    assert codes(rows.loc["sf_lead:p1"])["NEG_PERSONAL_EMAIL"] == -15
    assert codes(rows.loc["sf_lead:p2"])["NEG_COMPETITOR"] == -50
    assert codes(rows.loc["sf_lead:p3"])["NEG_STUDENT"] == -30
    assert codes(rows.loc["sf_lead:p4"])["NEG_JOB_SEEKER"] == -25
    assert codes(rows.loc["sf_lead:p5"])["NEG_CONTRADICTORY_ROLE"] == -10
    assert "NEG_CONTRADICTORY_ROLE" not in codes(rows.loc["sf_lead:p1"])


def test_careers_page_visitor_is_treated_as_a_job_seeker(model):
    from tests.unit.score.conftest import make_events

    events = make_events(("sf_lead:p1", "page_view", "careers", 3), ("sf_lead:p1", "page_view", "careers", 2))
    got = codes(score(make_people({}), events, model).iloc[0])
    assert got["NEG_JOB_SEEKER"] == -25
    assert got["NEG_IRRELEVANT_PAGES"] == -6


def _best_profiles(model, roles: tuple[str, ...]) -> pd.DataFrame:
    """Every organisation type, programme stage and size for each job function with one of the
    buying roles, with the most favourable timeline, country and therapeutic areas, in every segment
    (forced by a campaign touch): the highest fit any such person can reach."""
    jobs = [job for job, role in model.buying_roles.items() if role in roles]
    grid = itertools.product(
        model.segments.items(), jobs, ORGANIZATION_TYPES, [*PROGRAM_STAGES, None], [5, 30, 800, 2_000, 20_000]
    )
    rows, events = [], []
    for i, ((name, seg), job, org, stage, employees) in enumerate(grid, start=1):
        areas = THERAPEUTIC_AREAS if seg.therapeutic_areas == "all" else seg.therapeutic_areas
        rows.append(
            {
                "job_function": job,
                "title": job.replace("_", " "),
                "organization_type": org,
                "program_stage": stage,
                "employees": employees,
                "timeline": "0_3_months",
                "therapeutic_areas": ";".join(areas),
                "record_id": f"sf_lead:{name}:{i}",
                "email": None,
            }
        )
        events.append(
            {
                "record_id": f"sf_lead:{name}:{i}",
                "event_type": "page_view",
                "asset_id": None,
                "campaign_id": seg.match.campaign_prefixes[0] + "x",
                "occurred_at": AS_OF - pd.Timedelta(days=1),
            }
        )
    return score(make_people(*rows), make_events(*events), model)


def test_a_hands_on_user_cannot_reach_grade_a_on_organisation_points_alone(model):
    rows = _best_profiles(model, ("user", "non_buyer"))
    assert set(rows["segment"]) == set(model.segments)
    best = rows.groupby("segment")["fit_score"].max()
    assert (best < model.grades["A"]).all(), best.to_dict()
    assert not (rows["fit_grade"] == "A").any()


def test_a_decision_maker_at_a_fitting_organisation_still_reaches_grade_a(model):
    rows = _best_profiles(model, ("decision_maker",))
    assert (rows.groupby("segment")["fit_score"].max() >= model.grades["A"]).all()
