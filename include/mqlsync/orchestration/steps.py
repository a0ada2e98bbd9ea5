"""What the DAG tasks call: short adapters that read settings and paths, build clients from Airflow
connections, call one stage function, and return small JSON-able dicts (paths and counts).

Imported by DAG files at parse time: keep module level free of pandas, GX and CRM clients.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mqlsync.extract.objects import SYSTEMS
from mqlsync.extract.sources import SOURCES, extract_source
from mqlsync.log import install_record_redaction

# Task logs go through Airflow's handlers, not ours: redact records as they are created.
install_record_redaction()

__all__ = [
    "SOURCES",
    "SYSTEMS",
    "begin_run",
    "end_run",
    "extract",
    "fail_run",
    "normalize",
    "score",
    "sources_of",
    "store",
    "validate",
]


def sources_of(system: str) -> list[dict[str, str]]:
    """The (system, object) pairs of one CRM: each CRM's extracts share that CRM's pool and limits."""
    return [source for source in SOURCES if source["system"] == system]


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC)


def begin_run(
    dag_run: Any = None,
    data_interval_start: Any = None,
    data_interval_end: Any = None,
) -> dict[str, Any]:
    """Record the run in the state store (migrating it on first use) and fix its extraction window.

    Scheduled runs extract their data interval; a manual run without a logical date has no interval,
    so it extracts up to the moment it was triggered (`dag_run.run_after`).
    """
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, start_run, upgrade_store

    settings = get_settings()
    end = _instant(data_interval_end) or _instant(dag_run.run_after)
    start = _instant(data_interval_start)
    engine = create_store_engine(settings.store_url)
    upgrade_store(engine)
    with engine.begin() as conn:
        start_run(
            conn,
            dag_run.run_id,
            dag_id=dag_run.dag_id,
            data_interval_start=start,
            data_interval_end=end,
        )
    engine.dispose()
    return {
        "run_id": dag_run.run_id,
        "window_start": start.isoformat() if start else None,
        "window_end": end.isoformat(),
    }


def _client(system: str, settings: Any) -> Any:
    from mqlsync.orchestration import hooks

    if system == "salesforce":
        return hooks.salesforce_from_airflow(settings.salesforce_conn_id)
    return hooks.HubSpotHook(settings.hubspot_conn_id).get_conn()


def extract(source: dict[str, str], run: dict[str, Any]) -> dict[str, Any]:
    """Pull one (system, object) for the run's window into the raw landing; the watermark moves in `store`.

    No stored watermark means a full pull; otherwise the window starts at the older of the stored
    watermark and the interval start, minus the look-back (the overlap is dropped by CRM id).
    """
    from mqlsync.crm.budget import ApiBudget
    from mqlsync.extract.landing import Landing
    from mqlsync.extract.windows import ExtractWindow
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, get_watermark

    settings = get_settings()
    system, object_name = source["system"], source["object"]
    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        stored = get_watermark(conn, system, object_name)
    engine.dispose()
    watermark = stored.value if stored else None
    interval_start = _instant(run["window_start"])
    window = ExtractWindow(
        start=None if watermark is None else (interval_start or watermark),
        end=_instant(run["window_end"]),
        lookback=timedelta(minutes=settings.extract_lookback_minutes),
        watermark=watermark,
    )
    share = settings.salesforce_budget_share if system == "salesforce" else settings.hubspot_budget_share
    result = extract_source(
        source,
        _client(system, settings),
        window=window,
        landing=Landing(settings.data_dir, run["run_id"]),
        budget=ApiBudget(system, share_of_daily=share),
    )
    return result.to_dict()


def normalize(extracted: list[Any], run: dict[str, Any]) -> dict[str, Any]:
    """Landings + new export files -> `normalized/` (people, events, first_touches, links, quarantine,
    export_files). Reads the store (which export files are already read) but writes only files; a
    retried task returns the stage it already finished."""
    from mqlsync.extract.exports import read_file_states
    from mqlsync.extract.load import normalize_run
    from mqlsync.extract.windows import ExtractResult
    from mqlsync.run_folder import RunFolder
    from mqlsync.score.taxonomy import asset_kinds
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine

    settings = get_settings()
    folder = RunFolder(settings.data_dir, run["run_id"])
    done = folder.finished("normalized")
    if done is not None:
        return done.to_dict()
    results = [ExtractResult.from_dict(r) for mapped in extracted for r in _every(mapped)]
    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        known = read_file_states(conn)
    engine.dispose()
    out = normalize_run(
        results,
        exports_folder=settings.exports_folder,
        known_export_sha256=known,
        asset_kinds=asset_kinds(settings.taxonomy_path),
    )
    tables = {**out.tables._asdict(), "export_files": out.export_files}
    counts = {name: len(frame) for name, frame in tables.items()}
    meta = {"extracted": [r.to_dict() for r in results]}
    return folder.write("normalized", tables, counts=counts, meta=meta).to_dict()


def validate(normalized: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """`normalized/` people and events through the suites in expectations/ -> `validated/` (accepted
    rows and the validation quarantine), Data Docs and results under `validation/`. The results are
    kept in the store even when a gate fails; then the run stops here (QualityGateError, terminal),
    before anything is stored as accepted, so the watermarks stay where they were."""
    from mqlsync.run_folder import RunFolder, StageOutput
    from mqlsync.settings import get_settings
    from mqlsync.store import add_run_counts, create_store_engine, read_frame, record_validation_results
    from mqlsync.validate import check_gates, load_suites, validate_tables, write_data_docs

    settings = get_settings()
    folder = RunFolder(settings.data_dir, run["run_id"])
    done = folder.finished("validated")
    if done is not None:
        return done.to_dict()
    stage = StageOutput.from_dict(normalized)
    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        known = read_frame(conn, "people", columns=["record_id"])["record_id"]
    tables = {"people": stage.read("people"), "events": stage.read("events")}
    result = validate_tables(
        tables,
        load_suites(settings.expectations_dir),
        as_of=_instant(run["window_end"]),
        known_record_ids=known,
    )
    docs = write_data_docs(result, folder.stage_path("validation"))
    with engine.begin() as conn:
        record_validation_results(conn, result.results, run_id=run["run_id"])
        add_run_counts(conn, run["run_id"], {"validation.quarantined": len(result.quarantined)})
    engine.dispose()
    check_gates(result, details=docs)
    counts = {name: len(frame) for name, frame in result.accepted.items()}
    meta = {"data_docs": str(docs), "checked": {name: len(frame) for name, frame in tables.items()}}
    accepted = {**result.accepted, "quarantine": result.quarantined}
    return folder.write("validated", accepted, counts=counts, meta=meta).to_dict()


def store(normalized: dict[str, Any], validated: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """The one transaction of the run: rows, quarantine, export files and watermarks together."""
    from mqlsync.extract.load import checked_ids_by_stage, store_tables
    from mqlsync.extract.normalize.cleaning import concat_quarantine
    from mqlsync.extract.windows import ExtractResult
    from mqlsync.run_folder import StageOutput
    from mqlsync.settings import get_settings
    from mqlsync.store import add_run_counts, create_store_engine

    settings = get_settings()
    normal, checked = StageOutput.from_dict(normalized), StageOutput.from_dict(validated)
    extracted = [ExtractResult.from_dict(r) for r in normal.meta["extracted"]]
    tables = {name: normal.read(name) for name in ("first_touches", "export_files")}
    tables |= {name: checked.read(name) for name in ("people", "events")}
    quarantine = {"normalize": normal.read("quarantine"), "validate": checked.read("quarantine")}
    # What each stage looked at, by id only: normalize produced these rows, validate checked them.
    ids = {"people": ["record_id"], "events": ["event_id"], "first_touches": ["record_id"]}
    seen = {name: normal.read(name, columns=columns) for name, columns in ids.items()}
    inputs = {"normalize": seen, "validate": {n: seen[n] for n in ("people", "events")}}
    engine = create_store_engine(settings.store_url)
    with engine.begin() as conn:
        counts = store_tables(
            conn,
            {**tables, "quarantine": concat_quarantine(quarantine.values())},
            checked=checked_ids_by_stage(inputs, quarantine),
            extracted=extracted,
            run_id=run["run_id"],
        )
        summary = {
            "extracted": {f"{r.system}/{r.object}": _extract_counts(r) for r in extracted},
            "stored": counts.to_dict(),
        }
        add_run_counts(conn, run["run_id"], flat_counts(summary))
    engine.dispose()
    return summary


def score(stored: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """Score every live record in the store as of the run's window end -> `scores/` and the score
    history. Each record is its own person until identity resolution joins the run."""
    from mqlsync.run_folder import RunFolder
    from mqlsync.schemas import EVENTS, PEOPLE
    from mqlsync.score import load_model, score_with_reasons
    from mqlsync.score.command import scores_file_frame
    from mqlsync.settings import get_settings
    from mqlsync.store import add_run_counts, create_store_engine, read_frame, record_scores

    settings = get_settings()
    folder = RunFolder(settings.data_dir, run["run_id"])
    done = folder.finished("scores")
    if done is not None:
        return done.to_dict()
    as_of = _instant(run["window_end"])
    engine = create_store_engine(settings.store_url)
    with engine.connect() as conn:
        people = read_frame(conn, "people", columns=PEOPLE.names)
        events = read_frame(conn, "events", columns=EVENTS.names)
    people = people[~people["is_deleted"].astype(bool)].reset_index(drop=True)
    model = load_model(settings.model_path)
    result = score_with_reasons(people, events, model, as_of=as_of)
    with engine.begin() as conn:
        written = record_scores(conn, result.scores, run_id=run["run_id"])
        add_run_counts(conn, run["run_id"], {"scored": written})
    engine.dispose()
    statuses = result.scores["mql_status"].value_counts()
    counts = {"scores": len(result.scores), **{f"status.{k}": int(v) for k, v in statuses.items()}}
    tables = {"scores": scores_file_frame(result.scores), "scores.reasons": result.reasons}
    meta = {"model_version": model.version, "as_of": as_of.isoformat() if as_of else None}
    return folder.write("scores", tables, counts=counts, meta=meta).to_dict()


def end_run(scored: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """Mark the run a success once every stage before it finished."""
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, finish_run

    settings = get_settings()
    engine = create_store_engine(settings.store_url)
    with engine.begin() as conn:
        finish_run(conn, run["run_id"], status="success")
    engine.dispose()
    return {"run_id": run["run_id"], "status": "success"}


def fail_run(context: Any) -> None:
    """DAG failure callback: the run's row says `failed` and which task failed. Never raises: a
    callback that fails would hide the task's own error."""
    import logging

    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, finish_run, get_run

    dag_run = context.get("dag_run")
    run_id = getattr(dag_run, "run_id", None) or context.get("run_id")
    ti = context.get("ti") or context.get("task_instance")
    error = f"task {ti.task_id} failed" if ti is not None else str(context.get("reason") or "failed")
    try:
        engine = create_store_engine(get_settings().store_url)
        with engine.begin() as conn:
            if run_id and get_run(conn, run_id) is not None:
                finish_run(conn, run_id, status="failed", error=error)
        engine.dispose()
    except Exception:  # the task's own error is what on-call must see
        logging.getLogger(__name__).exception("could not record run %s as failed", run_id)


def _every(mapped: Any) -> list[Any]:
    """A mapped task's results by index: iterating Airflow's lazy sequence reads one past the end and
    logs a harmless but alarming "XCom not found" error."""
    return [mapped[i] for i in range(len(mapped))]


def flat_counts(summary: dict[str, Any], prefix: str = "") -> dict[str, int]:
    """`{"extracted": {"salesforce/Lead": {"rows": 3}}}` -> `{"extracted.salesforce/Lead.rows": 3}`."""
    flat: dict[str, int] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= flat_counts(value, f"{name}.")
        elif isinstance(value, bool | int):
            flat[name] = int(value)
    return flat


def _extract_counts(result: Any) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "deleted": result.deleted,
        "merged": result.merged,
        "calls": result.calls,
        "complete": result.complete,
    }
