"""Every DAG file imports cleanly and fast, and carries the metadata operators rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.airflow import (
    DAGS_FOLDER,
    IMPORT_BUDGET_SECONDS,
    dag_files,
    load_dagbag,
    time_dag_import,
)

HERE = Path(__file__).parent
pytestmark = pytest.mark.xdist_group("airflow")


def test_dags_folder_has_no_import_errors():
    bag = load_dagbag(DAGS_FOLDER)
    assert bag.import_errors == {}


def test_every_dag_file_imports_within_budget():
    slow = {}
    for path in dag_files():
        result = time_dag_import(path)
        if result.error or result.seconds > IMPORT_BUDGET_SECONDS:
            slow[path.name] = result.error or f"{result.seconds:.2f} s"
    assert slow == {}, f"DAG files over {IMPORT_BUDGET_SECONDS} s or failing to import: {slow}"


def test_every_dag_has_owner_tags_and_retries():
    bag = load_dagbag(DAGS_FOLDER)
    problems = {}
    for dag_id, dag in bag.dags.items():
        if not dag.tags or "mqlsync" not in dag.tags:
            problems[dag_id] = "missing tag mqlsync"
        for task in dag.tasks:
            if task.owner in (None, "", "airflow") or task.retries is None or task.retries < 1:
                problems[f"{dag_id}.{task.task_id}"] = f"owner={task.owner!r} retries={task.retries}"
    assert problems == {}


def test_every_pool_a_task_uses_is_declared_in_pools_json():
    """dag.test() ignores pools, but a scheduler leaves tasks of an undeclared pool waiting forever."""
    declared = set(json.loads((DAGS_FOLDER.parent / "pools.json").read_text()))
    used = {
        task.pool
        for dag in load_dagbag(DAGS_FOLDER).dags.values()
        for task in dag.tasks
        if task.pool != "default_pool"
    }
    assert used, "no DAG uses a pool: CRM calls would run unbounded"
    assert used <= declared, f"pools used but not in pools.json: {sorted(used - declared)}"


def test_integrity_check_reports_an_import_error():
    bag = load_dagbag(HERE / "bad_dags" / "broken")
    assert len(bag.import_errors) == 1
    assert "no_such_module" in next(iter(bag.import_errors.values()))


def test_import_budget_catches_top_level_work():
    result = time_dag_import(HERE / "bad_dags" / "slow" / "slow_dag.py")
    assert result.error is None
    assert result.seconds > IMPORT_BUDGET_SECONDS


def test_import_probe_measures_a_thin_dag_under_budget():
    result = time_dag_import(HERE / "sample_dags" / "good_dag.py")
    assert result.error is None
    assert result.seconds < IMPORT_BUDGET_SECONDS
