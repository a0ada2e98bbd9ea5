"""The dag.test() helper runs a real DAG on the real metadata DB and reports what happened."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fixtures.airflow import load_dagbag, run_dag_test

pytestmark = pytest.mark.xdist_group("airflow")
SAMPLES = Path(__file__).parent / "sample_dags"


def test_dag_test_runs_every_task_on_the_metadata_db(airflow_db):
    dag = load_dagbag(SAMPLES).dags["harness_sample"]
    result = run_dag_test(dag, logical_date=datetime(2026, 11, 21, 10, tzinfo=UTC))
    assert result.state == "success"
    assert result.task_states == {"mask": "success", "check": "success"}
    assert result.data_interval == (
        datetime(2026, 11, 21, 9, tzinfo=UTC),
        datetime(2026, 11, 21, 10, tzinfo=UTC),
    )
    assert (airflow_db / "airflow.db").exists()


def test_dag_test_reports_a_failing_task_without_retrying(airflow_db):
    dag = load_dagbag(SAMPLES).dags["harness_sample"]
    result = run_dag_test(
        dag, logical_date=datetime(2026, 11, 21, 11, tzinfo=UTC), run_conf={"email": "x@y.org"}
    )
    assert result.state == "failed"
    assert result.task_states["check"] == "failed"
