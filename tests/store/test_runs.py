"""Runs: started, retried, finished with counts; rows written by a run point at it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mqlsync.store.runs import finish_run, get_run, start_run
from mqlsync.store.scores import record_scores
from tests.store.samples import T0, scores_frame


def test_run_records_interval_outcome_and_counts(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync", data_interval_start=T0, data_interval_end=T0, started_at=T0)
        finish_run(conn, "r1", counts={"people": 10})
        finish_run(conn, "r1", counts={"events": 3})
        run = get_run(conn, "r1")
    assert run is not None
    assert run["status"] == "success"
    assert run["counts"] == {"people": 10, "events": 3}
    assert run["started_at"] == T0
    assert run["finished_at"] >= T0


def test_restarting_a_run_keeps_its_start_and_clears_its_outcome(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync", started_at=T0)
        finish_run(conn, "r1", status="failed", error="CrmTransientError: 503")
        start_run(conn, "r1", dag_id="lead_sync")
        run = get_run(conn, "r1")
    assert run is not None
    assert (run["status"], run["error"], run["finished_at"], run["started_at"]) == ("running", None, None, T0)


def test_finishing_an_unknown_run_or_status_is_refused(store_engine: sa.Engine) -> None:
    with store_engine.begin() as conn:
        with pytest.raises(KeyError, match="never started"):
            finish_run(conn, "nope")
        start_run(conn, "r1", dag_id="lead_sync")
        with pytest.raises(ValueError, match="success or failed"):
            finish_run(conn, "r1", status="done")


def test_rows_cannot_name_a_run_that_does_not_exist(store_engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), store_engine.begin() as conn:
        record_scores(conn, scores_frame(["p1"]), run_id="ghost")
