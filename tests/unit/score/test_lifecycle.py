"""MQL lifecycle: mql_at set once, sales-owned never un-MQL'd, recycled needs new intent."""

from __future__ import annotations

import pandas as pd

from tests.unit.score.conftest import AS_OF, make_events, make_people, score

EARLIER = pd.Timestamp("2026-10-01T12:00:00Z")


def _previous(mql_at=EARLIER) -> pd.DataFrame:
    return pd.DataFrame({"person_id": ["sf_lead:p1"], "mql_at": [mql_at], "mql_status": ["mql"]})


def test_mql_at_is_set_once_and_never_moves(model):
    events = make_events(("sf_lead:p1", "demo_request", None, 1))
    first = score(make_people({}), events, model).iloc[0]
    assert first["mql_at"] == AS_OF
    later = score(
        make_people({}), events, model, as_of=AS_OF + pd.Timedelta(days=3), previous=pd.DataFrame([first])
    ).iloc[0]
    assert later["mql_at"] == AS_OF
    assert later["sla_due_at"] == first["sla_due_at"]


def test_a_person_who_drops_below_the_rule_is_not_un_mqld_while_sales_work_them(model):
    people = make_people({"crm_status": "working"})
    row = score(people, make_events(), model, previous=_previous()).iloc[0]
    assert row["intent_score"] == 0
    assert row["mql_status"] == "mql"
    assert row["mql_at"] == EARLIER


def test_a_later_disqualifier_ends_an_mql_unless_sales_own_it(model):
    unsubscribed = score(
        make_people({"consent": "opt_out"}), make_events(), model, previous=_previous()
    ).iloc[0]
    assert unsubscribed["mql_status"] == "disqualified"
    assert unsubscribed["mql_at"] == EARLIER  # the history is kept
    owned = make_people({"consent": "opt_out", "crm_status": "accepted"})
    row = score(owned, make_events(), model, previous=_previous()).iloc[0]
    assert row["mql_status"] == "mql"
    assert row["disqualify_reason"] == "unsubscribed"


def test_recycled_person_needs_new_intent_after_the_recycle_date(model):
    recycled = {"crm_status": "recycled", "recycled_at": pd.Timestamp("2026-10-20T00:00:00Z")}
    old_intent = make_events(("sf_lead:p1", "demo_request", None, 20))  # 13 Oct, before the recycle
    row = score(make_people(recycled), old_intent, model, previous=_previous()).iloc[0]
    assert (
        score(make_people({}), old_intent, model).iloc[0]["mql_status"] == "mql"
    )  # qualifies if not recycled
    assert row["intent_score"] > 0  # the old demo request still shows in the score...
    assert row["mql_status"] == "nurture"  # ...but cannot re-qualify
    assert row["mql_at"] == EARLIER
    new_intent = make_events(
        ("sf_lead:p1", "demo_request", None, 20), ("sf_lead:p1", "pricing_request", None, 2)
    )
    row = score(make_people(recycled), new_intent, model, previous=_previous()).iloc[0]
    assert row["mql_status"] == "mql"
    assert row["mql_at"] == AS_OF  # a new cycle


def test_recycled_status_without_a_date_uses_the_record_update_time(model):
    people = make_people({"crm_status": "closed", "updated_at": pd.Timestamp("2026-10-25T00:00:00Z")})
    events = make_events(("sf_lead:p1", "demo_request", None, 10))
    assert score(people, events, model, previous=_previous()).iloc[0]["mql_status"] == "nurture"


def test_previous_mql_at_can_come_from_the_people_table(model):
    people = make_people({"previous_mql_at": EARLIER})
    row = score(people, make_events(("sf_lead:p1", "demo_request", None, 1)), model).iloc[0]
    assert row["mql_at"] == EARLIER
