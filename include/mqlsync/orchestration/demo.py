"""`mqlsync demo`: the main job on the embedded defaults, end to end on one machine.

Generates a world, serves it from the in-process CRM sandbox, runs the `lead_sync` DAG through
Airflow (dag.test on a SQLite metadata DB under the data directory), and prints what the run pulled,
stored, quarantined and scored. Running it again reuses the world and the state store, so the second
run shows an incremental pull that stores nothing new.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from mqlsync.settings import PROJECT_ROOT, Settings


def _airflow_environment(home: Path) -> dict[str, str]:
    """Airflow on the embedded defaults: its own home and SQLite DB under the data directory."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "GX_ANALYTICS_ENABLED": "false",
    }


def run_lead_sync(logical_date: datetime) -> tuple[str, str]:
    """Migrate the metadata DB and run lead_sync once through dag.test(); returns (run_id, state)."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils import db

    db.initdb()
    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise click.ClickException(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags["lead_sync"]
    for task in dag.tasks:
        task.retries = 0  # dag.test honours retry_delay; a demo should fail fast and say why
    dag_run = dag.test(logical_date=logical_date)
    state = dag_run.state.value if hasattr(dag_run.state, "value") else str(dag_run.state)
    return dag_run.run_id, state


def pull_report(settings: Settings, run_id: str) -> str:
    """Records per source and object, deletes, merges, API calls, and what was stored or quarantined."""
    import pandas as pd

    from mqlsync.store import create_store_engine, get_run, read_quarantine

    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        run = get_run(conn, run_id) or {}
        seen = read_quarantine(conn, run_id=run_id)
    engine.dispose()
    counts: dict[str, int] = run.get("counts") or {}
    rows = {}
    for key, value in counts.items():
        if key.startswith("extracted."):
            source, _, field = key.removeprefix("extracted.").rpartition(".")
            rows.setdefault(source, {})[field] = value
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(
        columns=["rows", "deleted", "merged", "calls", "complete"]
    )
    lines = [f"lead_sync run {run_id}: {run.get('status', 'unknown')}", "", "pulled per source/object:"]
    lines.append(table.fillna(0).astype(int).to_string())
    lines.append(f"  total API calls: {int(table['calls'].fillna(0).sum())}")
    stored = {k.removeprefix("stored."): v for k, v in counts.items() if k.startswith("stored.")}
    lines += [
        "",
        "stored in the state store:",
        f"  people received: {stored.get('people', 0)}, new or changed: {stored.get('people_changed', 0)}",
        f"  events received: {stored.get('events', 0)}, new or changed: {stored.get('events_changed', 0)}"
        f" (export events: {stored.get('export_events', 0)} from {stored.get('export_files', 0)} new files)",
        f"  first sales touches: {stored.get('first_touches', 0)}",
        f"  quarantine: {stored.get('quarantined', 0)} rows this run, new: {stored.get('quarantine_new', 0)},"
        f" resolved: {stored.get('quarantine_resolved', 0)},"
        f" open in the tables it saw: {stored.get('quarantine_open', 0)}",
    ]
    if len(seen):
        by_check = seen.groupby(["table_name", "check"]).size().sort_values(ascending=False)
        lines += ["  quarantine seen this run, by table and check:"]
        lines += [f"    {table_name:<14} {check:<22} {n}" for (table_name, check), n in by_check.items()]
        lines.append("  every entry: mqlsync quarantine list --open")
    return "\n".join(lines)


def validation_report(settings: Settings, run_id: str) -> str:
    """What the run's quality gate checked, and where its Data Docs are (a path a browser opens)."""
    from pathlib import Path

    from mqlsync.run_folder import RunFolder

    folder = RunFolder(settings.data_dir, run_id)
    stage = folder.finished("validated")
    docs = folder.stage_path("validation") / "index.html"
    if stage is None:
        return f"validation: the quality gate stopped the run; Data Docs: {docs.as_uri() if docs.exists() else 'none'}"
    checked = stage.meta.get("checked", {})
    kept = ", ".join(f"{name} {stage.counts.get(name, 0)} of {n}" for name, n in checked.items())
    return f"validation: gate passed; accepted {kept}; Data Docs: {Path(stage.meta['data_docs']).as_uri()}"


def scoring_report(settings: Settings, run_id: str) -> str:
    """What the run's score task wrote (`runs/<run>/scores/`), and the command that explains the top MQL."""
    from mqlsync.run_folder import RunFolder

    stage = RunFolder(settings.data_dir, run_id).finished("scores")
    if stage is None:
        return "no scores: the run's score task did not finish"
    scores = stage.read("scores")
    share = (
        scores["mql_status"].value_counts().reindex(["mql", "nurture", "new", "disqualified"], fill_value=0)
    )
    mqls = scores[scores["mql_status"] == "mql"].sort_values(["score", "person_id"], ascending=[False, True])
    queues = mqls["routing_queue"].value_counts()
    path = stage.table_path("scores")
    lines = [
        f"scores with model {stage.meta.get('model_version')} as of {stage.meta.get('as_of')} "
        f"({len(scores)} live records; identity resolution joins the pipeline later):",
        "  status: " + "   ".join(f"{k} {v}" for k, v in share.items()),
        "  MQLs by queue: " + ("   ".join(f"{k} {v}" for k, v in queues.items()) or "none"),
        "  tiers: " + "   ".join(f"{k} {v}" for k, v in scores["tier"].value_counts().sort_index().items()),
        f"  written: {path} (and its .reasons.parquet); kept in the score history",
    ]
    if len(mqls):
        top = mqls.iloc[0]["person_id"]
        lines.append(f"  why the top MQL qualified: mqlsync explain {top} --scores {path}")
    return "\n".join(lines)


@click.command()
@click.option("--people", type=click.IntRange(min=10), default=2000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.pass_obj
def demo(settings: Settings, people: int, seed: int) -> None:
    """Run the main job on the embedded defaults and print what it did.

    Generates a synthetic life-sciences world (once), serves it from local Salesforce and HubSpot
    emulators, runs the lead_sync DAG through Airflow (SQLite metadata DB under the data directory),
    prints what was pulled, stored and quarantined, and what the run's score task found.
    Everything lands under <data_dir>/demo; delete that folder to start over.
    """
    from mqlsync.sandbox.server import serve_both
    from mqlsync.sandbox.world import ensure_world, read_manifest
    from mqlsync.settings import get_settings

    base = settings.data_dir.resolve() / "demo"
    world = ensure_world(base / "world", people=people, seed=seed)
    click.echo(f"world: {world} ({read_manifest(world).get('people')} people)")
    os.environ.update(_airflow_environment(base / "airflow"))
    os.environ["MQLSYNC_DATA_DIR"] = str(base)
    os.environ["MQLSYNC_EXPORTS_DIR"] = str(world / "exports")
    get_settings.cache_clear()
    run_settings = get_settings()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with serve_both(world, seed=seed) as pair:
        os.environ.update(pair.airflow_connections())
        click.echo(f"sandbox: Salesforce {pair.salesforce.url}, HubSpot {pair.hubspot.url}")
        click.echo("running lead_sync through Airflow (dag.test) ...")
        run_id, state = run_lead_sync(now)
    click.echo(pull_report(run_settings, run_id))
    click.echo(validation_report(run_settings, run_id))
    if state != "success":
        raise click.ClickException(f"lead_sync ended {state}; see the task logs above")
    click.echo("")
    click.echo(scoring_report(run_settings, run_id))
