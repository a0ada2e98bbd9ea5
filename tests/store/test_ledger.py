"""The sync ledger: plan, send, confirm; never send twice, never let a backfill win."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import sqlalchemy as sa

from mqlsync.store.ledger import (
    STALE_CODE,
    latest_confirmed_values,
    ledger_mark_result,
    ledger_mark_sent,
    ledger_plan,
    ledger_rows,
)
from mqlsync.store.runs import start_run
from tests.store.samples import T0

SF = {"system": "salesforce", "object": "Lead"}


def _plan(rows: list[tuple[str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {**SF, "crm_id": c, "person_id": f"p-{c}", "field": f, "old_value": None, "new_value": v}
            for c, f, v in rows
        ]
    )


def _push(
    engine: sa.Engine,
    run_id: str,
    rows: list[tuple[str, str, str | None]],
    *,
    as_of,
    outcome: str = "confirmed",
):
    with engine.begin() as conn:
        start_run(conn, run_id, dag_id="lead_sync")
        counts = ledger_plan(conn, _plan(rows), run_id=run_id, value_as_of=as_of)
    crm_ids = sorted({c for c, _, _ in rows})
    with engine.begin() as conn:
        ledger_mark_sent(conn, run_id=run_id, crm_ids=crm_ids, **SF)
    with engine.begin() as conn:
        results = pd.DataFrame({"crm_id": crm_ids, "status": outcome})
        ledger_mark_result(conn, results, run_id=run_id, **SF)
    return counts


def test_write_is_planned_sent_then_confirmed(store_engine: sa.Engine) -> None:
    counts = _push(
        store_engine, "r1", [("00Q1", "MQL_Status__c", "mql"), ("00Q1", "Lead_Score__c", "72")], as_of=T0
    )
    assert (counts.planned, counts.skipped) == (2, 0)
    with store_engine.connect() as conn:
        rows = ledger_rows(conn, run_id="r1")
        confirmed = latest_confirmed_values(conn, "salesforce", "Lead")
    assert rows["status"].tolist() == ["confirmed", "confirmed"]
    assert rows["attempt"].tolist() == [1, 1]
    assert confirmed[["crm_id", "field", "value"]].values.tolist() == [
        ["00Q1", "Lead_Score__c", "72"],
        ["00Q1", "MQL_Status__c", "mql"],
    ]


def test_replanning_in_the_same_run_never_duplicates_or_resends(store_engine: sa.Engine) -> None:
    rows = [("00Q1", "Lead_Score__c", "72")]
    _push(store_engine, "r1", rows, as_of=T0)
    with store_engine.begin() as conn:
        counts = ledger_plan(conn, _plan(rows), run_id="r1", value_as_of=T0)
        assert ledger_mark_sent(conn, run_id="r1", crm_ids=[], **SF) == 0
        all_rows = ledger_rows(conn, run_id="r1")
    assert (counts.planned, len(all_rows), all_rows["status"].item()) == (0, 1, "confirmed")


def test_backfill_never_overwrites_newer_value(store_engine: sa.Engine) -> None:
    _push(store_engine, "hourly", [("00Q1", "Lead_Score__c", "80")], as_of=T0)
    with store_engine.begin() as conn:
        start_run(conn, "backfill", dag_id="lead_sync")
        counts = ledger_plan(
            conn,
            _plan([("00Q1", "Lead_Score__c", "35"), ("00Q2", "Lead_Score__c", "20")]),
            run_id="backfill",
            value_as_of=T0 - timedelta(days=30),
        )
        rows = ledger_rows(conn, run_id="backfill").set_index("crm_id")
    assert (counts.planned, counts.skipped) == (1, 1)
    assert rows.loc["00Q1", "status"] == "skipped"
    assert rows.loc["00Q1", "error_code"] == STALE_CODE
    assert rows.loc["00Q2", "status"] == "planned"


def test_latest_confirmed_value_is_by_interval_not_by_arrival(store_engine: sa.Engine) -> None:
    _push(store_engine, "new", [("00Q1", "Lead_Tier__c", "A1")], as_of=T0)
    # A late confirmation of an older interval (planned before the newer one confirmed).
    _push(store_engine, "old", [("00Q1", "Lead_Tier__c", "C3")], as_of=T0 - timedelta(hours=1))
    with store_engine.connect() as conn:
        latest = latest_confirmed_values(conn, "salesforce", "Lead")
    assert latest[["value", "run_id"]].values.tolist() == [["A1", "new"]]
    assert latest["value_as_of"].item() == T0


def test_failed_write_keeps_its_error_and_is_not_confirmed(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        ledger_plan(
            conn,
            _plan([("00Q1", "Lead_Score__c", "72"), ("00Q2", "Lead_Score__c", "55")]),
            run_id="r1",
            value_as_of=T0,
        )
        assert ledger_mark_sent(conn, run_id="r1", crm_ids=["00Q1", "00Q2"], **SF) == 2
        results = pd.DataFrame(
            {
                "crm_id": ["00Q1", "00Q2"],
                "status": ["confirmed", "failed"],
                "error_code": [None, "FIELD_INTEGRITY_EXCEPTION"],
                "error_message": [None, "Lead_Score__c: value out of range"],
            }
        )
        assert ledger_mark_result(conn, results, run_id="r1", **SF) == 2
        rows = ledger_rows(conn, run_id="r1").set_index("crm_id")
        confirmed = latest_confirmed_values(conn, "salesforce", "Lead")
    assert rows.loc["00Q2", ["status", "error_code"]].tolist() == ["failed", "FIELD_INTEGRITY_EXCEPTION"]
    assert confirmed["crm_id"].tolist() == ["00Q1"]


def test_retried_send_counts_attempts_and_results_apply_only_to_sent_rows(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        ledger_plan(conn, _plan([("00Q1", "Lead_Score__c", "72")]), run_id="r1", value_as_of=T0)
        # A result for a record that was never sent changes nothing.
        assert (
            ledger_mark_result(
                conn, pd.DataFrame({"crm_id": ["00Q1"], "status": ["confirmed"]}), run_id="r1", **SF
            )
            == 0
        )
        ledger_mark_sent(conn, run_id="r1", crm_ids=["00Q1"], **SF)
        ledger_mark_sent(conn, run_id="r1", crm_ids=["00Q1"], **SF)  # the task was retried
        rows = ledger_rows(conn, run_id="r1", status="sent")
    assert rows["attempt"].tolist() == [2]


def test_planned_skips_keep_their_reason(store_engine: sa.Engine) -> None:
    plan = _plan([("00Q1", "MQL_Status__c", "mql"), ("00Q2", "MQL_Status__c", "mql")])
    plan["status"] = ["planned", "skipped"]
    plan["error_code"] = [None, "RECORD_CONVERTED"]
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        counts = ledger_plan(conn, plan, run_id="r1", value_as_of=T0)
        skipped = ledger_rows(conn, run_id="r1", status="skipped")
    assert (counts.planned, counts.skipped) == (1, 1)
    assert skipped[["crm_id", "error_code"]].values.tolist() == [["00Q2", "RECORD_CONVERTED"]]
