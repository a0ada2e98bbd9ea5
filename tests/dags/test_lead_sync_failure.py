"""A run that fails before `store` stores nothing and moves no watermark; the run row says why."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.fixtures.airflow import DAGS_FOLDER, load_dagbag, run_dag_test

pytestmark = pytest.mark.xdist_group("airflow")


def test_a_failed_extract_stops_the_run_before_store_and_leaves_the_watermarks(airflow_db, tmp_path_factory):
    from mqlsync.generate import WorldConfig, generate_world
    from mqlsync.sandbox.server import serve_both
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, read_frame

    world = tmp_path_factory.mktemp("world")
    data = tmp_path_factory.mktemp("data")
    generate_world(world, people=60, seed=5, config=WorldConfig(workers=1))
    with serve_both(world, seed=5) as pair, pytest.MonkeyPatch.context() as env:
        connections = pair.airflow_connections()
        hubspot = json.loads(connections["AIRFLOW_CONN_HUBSPOT_DEFAULT"])
        connections["AIRFLOW_CONN_HUBSPOT_DEFAULT"] = json.dumps({**hubspot, "password": "pat-na1-revoked"})
        for key, value in connections.items():
            env.setenv(key, value)
        env.setenv("MQLSYNC_DATA_DIR", str(data))
        get_settings.cache_clear()
        dag = load_dagbag(DAGS_FOLDER).dags["lead_sync"]
        result = run_dag_test(dag, logical_date=datetime(2026, 11, 1, 10, tzinfo=UTC))
        settings = get_settings()
    get_settings.cache_clear()

    assert result.state == "failed"
    hubspot_extracts = {t: s for t, s in result.task_states.items() if t.startswith("extract_hubspot")}
    assert set(hubspot_extracts.values()) == {"failed"}
    salesforce_extracts = {t: s for t, s in result.task_states.items() if t.startswith("extract_salesforce")}
    assert set(salesforce_extracts.values()) == {"success"}
    assert result.task_states["store"] == "upstream_failed"
    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        assert read_frame(conn, "people").empty
        assert read_frame(conn, "watermarks").empty
        run = read_frame(conn, "runs").iloc[0]
    engine.dispose()
    assert run["status"] == "failed"
    assert run["error"].startswith("task extract_hubspot")


def test_a_failed_quality_gate_stops_the_run_before_store_with_the_watermarks_unchanged(
    airflow_db, tmp_path_factory
):
    from mqlsync.generate import WorldConfig, generate_world
    from mqlsync.generate.config import DirtyRatesConfig
    from mqlsync.sandbox.server import serve_both
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, read_frame, read_validation_results

    world = tmp_path_factory.mktemp("world")
    data = tmp_path_factory.mktemp("data")
    dirty = DirtyRatesConfig(malformed_email=0.3)
    generate_world(world, people=120, seed=8, config=WorldConfig(workers=1, dirty=dirty))
    with serve_both(world, seed=8) as pair, pytest.MonkeyPatch.context() as env:
        for key, value in pair.airflow_connections().items():
            env.setenv(key, value)
        env.setenv("MQLSYNC_DATA_DIR", str(data))
        get_settings.cache_clear()
        dag = load_dagbag(DAGS_FOLDER).dags["lead_sync"]
        result = run_dag_test(dag, logical_date=datetime(2026, 11, 1, 10, tzinfo=UTC), retries=2)
        settings = get_settings()
    get_settings.cache_clear()

    assert result.state == "failed"
    assert result.task_states["normalize"] == "success"
    assert result.task_states["validate"] == "failed"  # terminal: failed at once despite retries=2
    assert result.task_states["store"] == "upstream_failed"
    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        assert read_frame(conn, "people").empty
        assert read_frame(conn, "events").empty
        assert read_frame(conn, "watermarks").empty
        results = read_validation_results(conn, run_id=result.run_id)
        run = read_frame(conn, "runs").iloc[0]
    engine.dispose()
    assert results["gate_failed"].any()  # the audit of the failed gate is kept
    assert run["status"] == "failed"
    assert run["error"] == "task validate failed"
