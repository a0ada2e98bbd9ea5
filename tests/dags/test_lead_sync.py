"""lead_sync end to end: dag.test() on the real metadata DB, the real clients against the sandbox,
and the state store checked against what the sandbox holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.fixtures.airflow import DAGS_FOLDER, load_dagbag, run_dag_test

pytestmark = pytest.mark.xdist_group("airflow")


@pytest.fixture(scope="module")
def synced(airflow_db, tmp_path_factory) -> Iterator[dict]:
    """Generate a world, serve it, point the connections and settings at it, run lead_sync twice."""
    from mqlsync.generate import WorldConfig, generate_world
    from mqlsync.sandbox.server import serve_both
    from mqlsync.settings import get_settings

    world = tmp_path_factory.mktemp("world")
    data = tmp_path_factory.mktemp("data")
    generate_world(world, people=300, seed=11, config=WorldConfig(workers=1))
    with serve_both(world, seed=11) as pair, pytest.MonkeyPatch.context() as env:
        for key, value in pair.airflow_connections().items():
            env.setenv(key, value)
        env.setenv("MQLSYNC_DATA_DIR", str(data))
        env.setenv("MQLSYNC_EXPORTS_DIR", str(world / "exports"))
        get_settings.cache_clear()
        dag = load_dagbag(DAGS_FOLDER).dags["lead_sync"]
        first = run_dag_test(dag, logical_date=datetime(2026, 11, 1, 10, tzinfo=UTC))
        calls_after_first = _calls(pair)
        second = run_dag_test(dag, logical_date=datetime(2026, 11, 1, 11, tzinfo=UTC))
        yield {
            "world": world,
            "settings": get_settings(),
            "first": first,
            "second": second,
            "calls_first": calls_after_first,
            "calls_second": _calls(pair) - calls_after_first,
        }
    get_settings.cache_clear()


def _calls(pair) -> int:
    import httpx

    total = 0
    for server in (pair.salesforce, pair.hubspot):
        snapshot = httpx.get(f"{server.url}/__admin__/calls").json()
        total += int(snapshot.get("total", sum(snapshot.get("calls", {}).values())))
    return total


def _store_frame(settings, table: str) -> pd.DataFrame:
    from mqlsync.store import create_store_engine, read_frame

    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        frame = read_frame(conn, table)
    engine.dispose()
    return frame


def test_every_object_of_the_table_is_extracted_and_every_stage_succeeds(synced):
    from mqlsync.extract.objects import OBJECTS

    for result in (synced["first"], synced["second"]):
        assert result.state == "success", result.task_states
        extract_states = [s for t, s in result.task_states.items() if t.startswith("extract_")]
        assert len(extract_states) == len(OBJECTS)
        assert set(extract_states) == {"success"}
        stages = {t: s for t, s in result.task_states.items() if not t.startswith("extract_")}
        steps = ["begin_run", "normalize", "validate", "store", "score", "end_run"]
        assert stages == dict.fromkeys(steps, "success")


def test_each_stage_leaves_its_tables_in_the_run_folder_with_a_manifest(synced):
    from mqlsync.run_folder import RunFolder
    from mqlsync.schemas import PEOPLE

    folder = RunFolder(synced["settings"].data_dir, synced["first"].run_id)
    normalized = folder.finished("normalized")
    scores = folder.finished("scores")
    assert normalized is not None
    assert scores is not None
    assert {"people", "events", "first_touches", "links", "quarantine", "export_files"} <= set(
        normalized.tables
    )
    people = normalized.read("people")
    assert list(people.columns) == PEOPLE.names
    assert len(people) == normalized.tables["people"]["rows"] > 0
    assert len(normalized.meta["extracted"]) == len(synced["first"].task_states) - 6
    validated = folder.finished("validated")
    assert validated is not None
    assert Path(validated.meta["data_docs"]).is_file()
    assert validated.tables["people"]["rows"] <= normalized.tables["people"]["rows"]
    assert scores.read("scores")["person_id"].is_unique


def test_a_rerun_stores_no_quarantine_row_twice(synced):
    quarantine = _store_frame(synced["settings"], "quarantine")
    key = ["stage", "table_name", "record_key", "check"]
    assert not quarantine.duplicated(key).any()
    runs = _store_frame(synced["settings"], "runs").sort_values("started_at")
    assert runs.iloc[1]["counts"]["stored.quarantine_new"] == 0


def test_every_crm_person_record_is_stored_or_quarantined(synced):
    world = synced["world"]
    expected = set("sf_lead:" + pd.read_parquet(world / "salesforce" / "Lead.parquet")["Id"])
    expected |= set("sf_contact:" + pd.read_parquet(world / "salesforce" / "Contact.parquet")["Id"])
    expected |= set("hubspot:" + pd.read_parquet(world / "hubspot" / "contacts.parquet")["id"].astype(str))
    people = _store_frame(synced["settings"], "people")
    quarantined = _store_frame(synced["settings"], "quarantine")
    seen = set(people["record_id"]) | set(quarantined["record_id"].dropna())
    assert expected - seen == set()
    assert people["record_id"].is_unique


def test_watermarks_move_and_the_second_run_pulls_only_changes(synced):
    watermarks = _store_frame(synced["settings"], "watermarks")
    assert {"Lead", "Contact", "contacts"} <= set(watermarks["object"])
    assert synced["calls_second"] < synced["calls_first"]


def test_runs_are_recorded_with_their_counts(synced):
    runs = _store_frame(synced["settings"], "runs")
    assert set(runs["status"]) == {"success"}
    assert len(runs) == 2
    counts = runs.sort_values("started_at").iloc[0]["counts"]
    assert counts["stored.people"] > 0
    assert counts["extracted.salesforce/Lead.rows"] > 0
    assert counts["extracted.hubspot/contacts.complete"] == 1
