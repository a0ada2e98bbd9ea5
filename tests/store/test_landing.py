"""Quarantine, identities and raw landing files."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from mqlsync.extract.normalize.cleaning import quarantine_rows
from mqlsync.store.identities import read_identities, record_identities
from mqlsync.store.quarantine import read_quarantine, record_quarantine
from mqlsync.store.raw_files import claim_raw_file, mark_raw_file
from mqlsync.store.runs import start_run
from tests.store.samples import T0, events_frame


def _run(engine: sa.Engine, run_id: str = "r1") -> None:
    with engine.begin() as conn:
        start_run(conn, run_id, dag_id="lead_sync")


def test_quarantine_keeps_row_check_and_reason(store_engine: sa.Engine) -> None:
    _run(store_engine)
    bad = events_frame(2)
    bad["event_type"] = bad["event_type"].astype(object)
    bad.loc[0, "event_type"] = "fax_received"
    rows = quarantine_rows(
        bad,
        stage="validate",
        table_name="events",
        check=pd.Series(["EVENT_TYPE_KNOWN", "OCCURRED_AT_PRESENT"], index=bad.index),
        reason=pd.Series(["unknown type", "null"], index=bad.index),
        id_column="event_id",
    )
    with store_engine.begin() as conn:
        assert record_quarantine(conn, rows, run_id="r1").new == 2
        back = read_quarantine(conn, run_id="r1", table_name="events")
    assert back["record_id"].tolist() == ["ev0", "ev1"]
    assert back["check"].tolist() == ["EVENT_TYPE_KNOWN", "OCCURRED_AT_PRESENT"]
    snapshot = back["row"].iloc[0]
    assert snapshot["event_type"] == "fax_received"
    assert snapshot["campaign_id"] is None
    assert pd.Timestamp(snapshot["occurred_at"]) == T0
    assert str(back["first_seen_at"].dtype) == "datetime64[us, UTC]"


def test_identities_map_records_to_people(store_engine: sa.Engine) -> None:
    _run(store_engine)
    _run(store_engine, "r2")
    first = pd.DataFrame(
        {
            "record_id": ["sf_lead:1", "hubspot:2"],
            "person_id": ["P1", "P1"],
            "match_rule": "email",
            "match_score": 1.0,
        }
    )
    with store_engine.begin() as conn:
        record_identities(conn, first, run_id="r1")
        record_identities(conn, first.assign(person_id=["P1", "P2"]), run_id="r2")
        back = read_identities(conn)
        p2 = read_identities(conn, person_ids=["P2"])
    assert back[["record_id", "person_id", "run_id"]].values.tolist() == [
        ["hubspot:2", "P2", "r2"],
        ["sf_lead:1", "P1", "r1"],
    ]
    assert p2["record_id"].tolist() == ["hubspot:2"]
    assert back["match_score"].dtype == "float64"


def test_raw_file_is_loaded_once(store_engine: sa.Engine) -> None:
    _run(store_engine)
    _run(store_engine, "r2")
    sha = "ab" * 32
    with store_engine.begin() as conn:
        assert claim_raw_file(conn, sha256=sha, path="landing/r1/leads.csv", source="marketo", run_id="r1")
        mark_raw_file(conn, sha, "loaded", rows=120)
    with store_engine.begin() as conn:
        assert not claim_raw_file(
            conn, sha256=sha, path="landing/r2/leads-copy.csv", source="marketo", run_id="r2"
        )


def test_raw_file_whose_load_failed_is_claimed_again(store_engine: sa.Engine) -> None:
    _run(store_engine)
    _run(store_engine, "r2")
    sha = "cd" * 32
    with store_engine.begin() as conn:
        assert claim_raw_file(conn, sha256=sha, path="a.csv", source="pardot", run_id="r1")
        mark_raw_file(conn, sha, "failed")
    with store_engine.begin() as conn:
        assert claim_raw_file(conn, sha256=sha, path="a.csv", source="pardot", run_id="r2")
