"""validation_results: one row per run, suite and check; storing a run again replaces its rows."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from mqlsync.store import read_validation_results, record_validation_results, start_run


def _results(failed: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "suite": ["people", "people", "events"],
            "table_name": ["people", "people", "events"],
            "expectation": ["expect_column_values_to_match_regex", "expect_column_max_to_be_between",
                            "expect_column_values_to_be_in_set"],
            "column": ["email", "updated_at", "event_type"],
            "check": ["EMAIL_SYNTAX", "SOURCE_FRESHNESS", "EVENT_TYPE_IN_SET"],
            "evaluated": [100, 1, 40],
            "failed": [failed, 0, 0],
            "failed_share": [failed / 100, 0.0, 0.0],
            "gate": [0.05, None, 0.01],
            "passed": [failed == 0, True, True],
            "gate_failed": [failed > 5, False, False],
        }
    )  # fmt: skip


def test_results_are_stored_and_read_back_per_run(store_engine: sa.Engine):
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        start_run(conn, "r2", dag_id="lead_sync")
        assert record_validation_results(conn, _results(), run_id="r1") == 3
        record_validation_results(conn, _results(failed=9), run_id="r2")
    with store_engine.connect() as conn:
        one = read_validation_results(conn, run_id="r1")
        every = read_validation_results(conn)
    assert list(one["check"]) == ["EVENT_TYPE_IN_SET", "EMAIL_SYNTAX", "SOURCE_FRESHNESS"]
    email = one.set_index("check").loc["EMAIL_SYNTAX"]
    assert (email["evaluated"], email["failed"], email["gate"], email["passed"]) == (100, 3, 0.05, False)
    assert pd.isna(one.set_index("check").loc["SOURCE_FRESHNESS", "gate"])
    assert one["created_at"].notna().all()
    assert len(every) == 6
    assert every.loc[every["run_id"] == "r2", "gate_failed"].any()


def test_storing_a_run_again_replaces_its_rows(store_engine: sa.Engine):
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        record_validation_results(conn, _results(), run_id="r1")
        record_validation_results(conn, _results(failed=0), run_id="r1")
        edited = _results().iloc[[0, 2]]  # the suite lost its freshness check
        record_validation_results(conn, edited, run_id="r1")
    with store_engine.connect() as conn:
        stored = read_validation_results(conn, run_id="r1")
    assert len(stored) == 2
    assert set(stored["check"]) == {"EMAIL_SYNTAX", "EVENT_TYPE_IN_SET"}


def test_results_of_an_unknown_run_are_refused(store_engine: sa.Engine):
    with pytest.raises(sa.exc.IntegrityError), store_engine.begin() as conn:
        record_validation_results(conn, _results(), run_id="no-such-run")


def test_a_results_frame_without_its_columns_is_refused(store_engine: sa.Engine):
    with pytest.raises(ValueError, match="lack columns"), store_engine.begin() as conn:
        record_validation_results(conn, _results().drop(columns=["gate"]), run_id="r1")
