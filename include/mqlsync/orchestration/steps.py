"""What the DAG tasks call: short adapters that read settings and paths, build clients from Airflow
connections, call one stage function, and return small JSON-able dicts (paths and counts).

Imported by DAG files at parse time: keep module level free of pandas, GX and CRM clients.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mqlsync.extract.sources import SOURCES
from mqlsync.log import install_record_redaction

# Task logs go through Airflow's handlers, not ours: redact records as they are created.
install_record_redaction()

__all__ = ["SOURCES", "begin_run", "extract", "load", "sources_of"]


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
    """Pull one (system, object) for the run's window into the raw landing; the watermark moves in `load`.

    No stored watermark means a full pull; otherwise the window starts at the older of the stored
    watermark and the interval start, minus the look-back (the overlap is dropped by CRM id).
    """
    from mqlsync.crm.budget import ApiBudget
    from mqlsync.extract.landing import Landing
    from mqlsync.extract.sources import extract_source
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


def load(
    salesforce: list[dict[str, Any]], hubspot: list[dict[str, Any]], run: dict[str, Any]
) -> dict[str, Any]:
    """Normalize and store everything the run landed, then move the watermarks, in one transaction."""
    from mqlsync.extract.landing import Landing
    from mqlsync.extract.load import store_landings
    from mqlsync.extract.windows import ExtractResult
    from mqlsync.score.taxonomy import load_taxonomy
    from mqlsync.settings import get_settings
    from mqlsync.store import create_store_engine, finish_run

    settings = get_settings()
    extracted = [ExtractResult.from_dict(r) for r in [*_every(salesforce), *_every(hubspot)]]
    taxonomy = load_taxonomy(settings.taxonomy_path)
    asset_kinds = taxonomy.set_index("asset_id")["kind"] if "asset_id" in taxonomy else taxonomy["kind"]
    run_dir = Landing(settings.data_dir, run["run_id"]).run_dir
    engine = create_store_engine(settings.store_url)
    with engine.begin() as conn:
        counts = store_landings(
            conn,
            extracted,
            run_id=run["run_id"],
            exports_folder=settings.exports_folder,
            asset_kinds=asset_kinds,
            first_touches_path=run_dir / "normalized" / "first_touches.parquet",
        )
        summary = {
            "extracted": {f"{r.system}/{r.object}": _extract_counts(r) for r in extracted},
            "stored": counts.to_dict(),
        }
        finish_run(conn, run["run_id"], status="success", counts=flat_counts(summary))
    engine.dispose()
    return summary


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
