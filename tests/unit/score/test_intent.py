"""Intent: points per event type and content stage, caps, account surges, irrelevant pages, decay."""

from __future__ import annotations

import pytest

from tests.unit.score.conftest import AS_OF, codes, make_events, make_people, score


def _intent(model, *events):
    row = score(make_people({}), make_events(*events), model).iloc[0]
    return row, codes(row)


def test_each_event_type_earns_its_points(model):
    _, got = _intent(
        model, ("sf_lead:p1", "demo_request", None, 0), ("sf_lead:p1", "webinar_attended", None, 0)
    )
    assert got["INTENT_DEMO_REQUEST"] == 40
    assert got["INTENT_WEBINAR_ATTENDED"] == 10


def test_a_late_stage_checklist_outscores_a_generic_brochure(model):
    brochure, b = _intent(model, ("sf_lead:p1", "content_download", "brochure", 1))
    checklist, c = _intent(model, ("sf_lead:p1", "content_download", "checklist", 1))
    assert b["INTENT_CONTENT_DOWNLOAD"] == c["INTENT_CONTENT_DOWNLOAD"] == 6
    assert c["INTENT_STAGE_LATE"] == 12
    assert "INTENT_STAGE_EARLY" not in b
    assert checklist["intent_score"] > brochure["intent_score"]


def test_caps_limit_one_event_type(model):
    _, got = _intent(model, *[("sf_lead:p1", "page_view", None, 0)] * 25)
    assert got["INTENT_PAGE_VIEW"] == 10


@pytest.mark.parametrize(
    ("age_days", "kept"),
    [(0, 40), (60, 20), (120, 10), (180, 5), (540, 0)],
)
def test_demo_request_decays_with_a_60_day_half_life(model, age_days, kept):
    row, got = _intent(model, ("sf_lead:p1", "demo_request", None, age_days))
    assert got["INTENT_DEMO_REQUEST"] == 40
    assert row["intent_score"] == kept
    decay = [c for c in got if c.startswith("DECAY_")]
    assert (sum(got[c] for c in decay)) == kept - 40


def test_inactivity_names_the_decay_code(model):
    _, got = _intent(model, ("sf_lead:p1", "content_download", "casestudy", 200))
    assert "DECAY_INACTIVE_180D" in got


def test_a_download_18_months_ago_with_nothing_since_no_longer_qualifies(model):
    fresh, _ = _intent(model, ("sf_lead:p1", "content_download", "checklist", 5))
    old, _ = _intent(model, ("sf_lead:p1", "content_download", "checklist", 548))
    assert fresh["mql_status"] == "mql"
    assert old["mql_status"] == "nurture"
    assert old["intent_score"] == 0


def test_events_after_as_of_are_ignored_and_reported(model):
    row, got = _intent(model, ("sf_lead:p1", "demo_request", None, -2))
    assert row["intent_score"] == 0
    assert "INFO_FUTURE_EVENTS_IGNORED" in got


def test_several_colleagues_on_one_topic_earn_account_intent(model):
    people = make_people({}, {}, {}, {"email": "z@other.com", "company": "Other"})
    events = make_events(*[(f"sf_lead:p{i}", "page_view", "casestudy", 3) for i in range(1, 5)])
    rows = score(people, events, model)
    for pid in ("sf_lead:p1", "sf_lead:p2", "sf_lead:p3"):
        assert codes(rows.loc[pid])["INTENT_ACCOUNT_TOPIC_SURGE"] == 10
    assert "INTENT_ACCOUNT_TOPIC_SURGE" not in codes(rows.loc["sf_lead:p4"])


def test_personal_email_colleagues_are_not_an_account(model):
    people = make_people(*[{"email": f"x{i}@gmail.com", "company": None} for i in range(3)])
    events = make_events(*[(f"sf_lead:p{i}", "page_view", "casestudy", 3) for i in range(1, 4)])
    rows = score(people, events, model)
    assert not any("INTENT_ACCOUNT_TOPIC_SURGE" in codes(r) for _, r in rows.iterrows())


def test_irrelevant_pages_cost_points_up_to_the_cap(model):
    _, got = _intent(model, *[("sf_lead:p1", "page_view", "press", 1)] * 9)
    assert got["NEG_IRRELEVANT_PAGES"] == -15


def test_events_join_by_email_when_record_id_is_missing(model):
    events = make_events(
        {
            "record_id": None,
            "email": "P1@AcmeBio.com ",
            "event_type": "demo_request",
            "asset_id": None,
            "occurred_at": AS_OF,
        }
    )
    row = score(make_people({}), events, model).iloc[0]
    assert codes(row)["INTENT_DEMO_REQUEST"] == 40
