"""The engine end to end on small frames: contract, determinism, persons, explanations, history."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from mqlsync.errors import SchemaError
from mqlsync.schemas import SCORES, check_frame
from mqlsync.score.breakdown import diff_reason_codes, explain_change, render_breakdown
from mqlsync.score.engine import score_people, score_with_reasons
from mqlsync.score.explain import signal_evidence
from mqlsync.score.reasons import codes_total, crm_reason_field
from tests.unit.score.conftest import AS_OF, make_events, make_people

PEOPLE = make_people(
    {},
    {"email": "ada@gmail.com", "job_function": "student", "title": "PhD student"},
    {"country": "DE", "consent": "unknown"},
    {
        "organization_type": "hospital",
        "job_function": "physician",
        "title": "<b>Chief</b> of Cardiology",
        "therapeutic_areas": "cardiovascular",
        "company": "Hôpital Saint-Éloi",
    },
)
EVENTS = make_events(
    ("sf_lead:p1", "demo_request", None, 2),
    ("sf_lead:p1", "content_download", "checklist", 10),
    ("sf_lead:p2", "content_download", "brochure", 400),
    ("sf_lead:p4", "evidence_request", "mt-evidence", 1),
    ("sf_lead:p4", "page_view", "mt-demo", 3),
)


def test_output_has_every_scores_column_one_row_per_person(model):
    scores = score_people(PEOPLE, EVENTS, model, as_of=AS_OF)
    check_frame(scores, SCORES, allow_extra=True)
    assert list(scores.columns[:2]) == ["person_id", "record_ids"]
    assert len(scores) == len(PEOPLE)
    assert (scores["model_version"] == model.version).all()
    assert (scores["score"] == scores["fit_score"] + scores["intent_score"]).all()


def test_reason_codes_add_up_to_the_score(model):
    scores = score_people(PEOPLE, EVENTS, model, as_of=AS_OF)
    for _, row in scores.iterrows():
        assert codes_total(list(row["reason_codes"])) == row["score"]


def test_same_inputs_give_byte_identical_output(model):
    def render() -> bytes:
        result = score_with_reasons(PEOPLE, EVENTS, model, as_of=AS_OF)
        buf = io.BytesIO()
        result.scores.astype({"reason_codes": str, "record_ids": str}).to_csv(buf, index=False)
        result.reasons.to_csv(buf, index=False)
        return buf.getvalue()

    assert render() == render()
    shuffled = score_people(
        PEOPLE.sample(frac=1, random_state=3), EVENTS.sample(frac=1, random_state=4), model, as_of=AS_OF
    )
    pd.testing.assert_frame_equal(shuffled, score_people(PEOPLE, EVENTS, model, as_of=AS_OF))


def test_records_of_one_person_are_scored_together(model):
    people = make_people({"person_id": "P1"}, {"person_id": "P1", "job_function": None}, {})
    events = make_events(("sf_lead:p1", "demo_request", None, 1), ("sf_lead:p2", "pricing_request", None, 1))
    scores = score_people(people, events, model, as_of=AS_OF).set_index("person_id")
    assert list(scores.index) == ["P1", "sf_lead:p3"]
    assert list(scores.loc["P1", "record_ids"]) == ["sf_lead:p1", "sf_lead:p2"]
    got = {c.split(":")[0] for c in scores.loc["P1", "reason_codes"]}
    assert {"INTENT_DEMO_REQUEST", "INTENT_PRICING_REQUEST"} <= got


def test_handoff_summary_says_what_the_person_did_and_asked(model):
    scores = score_people(PEOPLE, EVENTS, model, as_of=AS_OF).set_index("person_id")
    text = scores.loc["sf_lead:p4", "handoff_summary"]
    assert scores.loc["sf_lead:p4", "routing_queue"] == "medical_affairs"
    assert "Physician (Chief of Cardiology) at Hôpital Saint-Éloi" in text
    assert "evidence request on 2026-11-01" in text
    assert "cardiovascular" in text
    assert "<b>" not in text
    assert pd.isna(scores.loc["sf_lead:p2", "handoff_summary"])


def test_missing_columns_are_named(model):
    with pytest.raises(SchemaError, match="missing columns: consent"):
        score_people(PEOPLE.drop(columns=["consent"]), EVENTS, model, as_of=AS_OF)


def test_unknown_event_type_is_refused_not_dropped(model):
    bad = EVENTS.copy()
    bad.loc[0, "event_type"] = "telepathy"
    with pytest.raises(SchemaError, match="event_type"):
        score_people(PEOPLE, bad, model, as_of=AS_OF)


def test_crm_field_keeps_whole_top_codes_within_255_characters():
    codes = [f"FIT_SOME_VERY_LONG_RULE_NAME_NUMBER_{i:02d}:+{i}" for i in range(20)] + [
        "DQ_REGION_NOT_COVERED"
    ]
    field = crm_reason_field(codes)
    assert len(field) <= 255
    parts = field.split(";")
    assert parts[0] == "DQ_REGION_NOT_COVERED"
    assert parts[1].endswith(":+19")
    assert all(p in codes for p in parts)


def test_explain_prints_rule_evidence_points_and_decay(model):
    result = score_with_reasons(PEOPLE, EVENTS, model, as_of=AS_OF)
    row = result.scores.set_index("person_id", drop=False).loc["sf_lead:p1"].to_dict()
    row["record_ids"] = list(row["record_ids"])
    text = render_breakdown(row, result.reasons[result.reasons["person_id"] == "sf_lead:p1"], model)
    assert "+40  INTENT_DEMO_REQUEST" in text
    assert (
        "Demo requests (1 demo request 2 days ago: worth 39 of 40 points today; "
        "interest fades by half every 2 months)"
    ) in text
    assert "Trial sponsor (biotech, pharma or device company)" in text
    assert f"Codes add up to {row['score']}" in text


def test_a_score_change_is_explained_by_the_diff_of_reason_codes(model):
    before = score_people(PEOPLE, EVENTS.iloc[1:], model, as_of=AS_OF).iloc[0]
    after = score_people(PEOPLE, EVENTS, model, as_of=AS_OF).iloc[0]
    diff = diff_reason_codes(list(before["reason_codes"]), list(after["reason_codes"]))
    assert ("INTENT_DEMO_REQUEST", 0, 40, 40) in diff
    assert sum(d[3] for d in diff) == after["score"] - before["score"]
    text = explain_change(before.to_dict(), after.to_dict())
    assert "INTENT_DEMO_REQUEST (new: +0 -> +40)" in text


@pytest.mark.parametrize(
    ("code", "count", "days", "points", "kept", "text"),
    [
        (
            "INTENT_CONTENT_DOWNLOAD",
            1,
            426,
            6,
            0.0375,
            "1 download 14 months ago: worth 0 of 6 points today; interest fades by half every 3 months",
        ),
        (
            "INTENT_CONTENT_DOWNLOAD",
            4,
            200,
            24,
            0.25,
            "4 downloads, the latest 7 months ago: worth 6 of 24 points today; interest fades by half every 3 months",
        ),
        (
            "INTENT_STAGE_LATE",
            2,
            3,
            24,
            1.0,
            "engaged 2 times with buying-stage content, the latest 3 days ago: still worth the full 24 points; "
            "interest fades by half every 2 months",
        ),
        (
            "INTENT_PAGE_VIEW",
            1,
            0.2,
            1,
            1.0,
            "1 website visit today: still worth the full 1 point; interest fades by half every 30 days",
        ),
    ],
)
def test_explain_says_how_old_a_signal_is_and_what_it_is_worth_today(
    model, code, count, days, points, kept, text
):
    assert signal_evidence(code, count, days, points, kept, model) == text
