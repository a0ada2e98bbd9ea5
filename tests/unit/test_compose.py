"""docker-compose.yml describes the production stack (no Docker engine here, so check its shape)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from mqlsync.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_stack_has_airflow_on_postgres_with_celery_and_the_sandbox():
    services = COMPOSE["services"]
    expected = {
        "postgres", "redis", "crm-sandbox", "airflow-apiserver", "airflow-scheduler",
        "airflow-dag-processor", "airflow-worker", "airflow-triggerer", "airflow-init",
    }  # fmt: skip
    assert expected <= set(services)
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
    assert env["MQLSYNC_STATE_STORE_URL"].startswith("postgresql+psycopg://")
    assert services["airflow-worker"]["command"] == "celery worker"


def test_sandbox_service_uses_only_options_the_serve_command_has():
    command = " ".join(COMPOSE["services"]["crm-sandbox"]["command"].split())
    args = shlex.split(re.search(r'"(.*)"', command).group(1))
    assert args[:3] == ["mqlsync", "sandbox", "serve"]
    help_text = CliRunner().invoke(main, ["sandbox", "serve", "--help"]).output
    for option in (a for a in args if a.startswith("--")):
        assert option in help_text, option
    assert args[args.index("--host") + 1] == "0.0.0.0"


def test_project_folders_are_mounted_into_airflow():
    volumes = COMPOSE["x-airflow-common"]["volumes"]
    mounted = {v.split(":")[0] for v in volumes}
    assert {"./dags", "./include", "./data"} <= mounted
    assert (ROOT / "include" / "mqlsync").is_dir()
    assert (ROOT / "Dockerfile").read_text().startswith("# The mqlsync image")


def test_airflow_init_imports_the_pools_the_dags_use():
    init = " ".join(COMPOSE["services"]["airflow-init"]["command"])
    assert "airflow pools import /opt/mqlsync/pools.json" in init
    assert "./pools.json:/opt/mqlsync/pools.json" in COMPOSE["x-airflow-common"]["volumes"]
