"""The two steps between the raw landing and the state store, each its own task on the run folder:

- `normalize_run`: a run's landings plus the export files not read yet -> canonical tables and their
  quarantine rows (frames in, frames out; it reads files and writes nothing).
- `store_tables`: the one transaction that upserts people and events, records quarantine, claims the
  export files and moves the watermarks. A watermark therefore only moves once the rows up to it are
  stored, and a stage placed before `store` (validation) stops a run before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import sqlalchemy as sa

from mqlsync.extract.exports import FILE_COLUMNS, claim_export_files, read_exports
from mqlsync.extract.landing import read_landing
from mqlsync.extract.normalize import NormalizedTables, normalize_landings
from mqlsync.extract.normalize.cleaning import concat_quarantine
from mqlsync.extract.windows import ExtractResult, advance_watermark
from mqlsync.schemas import CONTRACTS
from mqlsync.store import record_quarantine, upsert_frame
from mqlsync.store.tables import table as store_table


class RunTables(NamedTuple):
    """What `normalize_run` gives: the canonical tables plus the export files it read."""

    tables: NormalizedTables
    export_files: pd.DataFrame


class StoreCounts(NamedTuple):
    people: int
    events: int
    people_changed: int
    events_changed: int
    export_events: int
    export_files: int
    quarantined: int
    quarantine_new: int
    quarantine_resolved: int
    quarantine_open: int
    first_touches: int
    watermarks: dict[str, str | None]

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


def read_landings(results: Sequence[ExtractResult]) -> dict[str, pd.DataFrame]:
    """`{object: frame}` for every landing of the run (an empty landing gives an empty frame)."""
    return {result.object: read_landing(result.landing_dir) for result in results}


def normalize_run(
    results: Sequence[ExtractResult],
    *,
    exports_folder: Path | None = None,
    known_export_sha256: set[str] | frozenset[str] = frozenset(),
    asset_kinds: pd.Series | None = None,
) -> RunTables:
    """Normalize every landing of the run and every export file not read before.

    Export events join the events table (a re-exported activity keeps its latest copy); their
    quarantine rows join the quarantine. Every raw row is accepted or quarantined, never dropped.
    """
    tables = normalize_landings(read_landings(results), asset_kinds=asset_kinds)
    files = pd.DataFrame({c: pd.Series(dtype="string") for c in FILE_COLUMNS})
    if exports_folder is not None and Path(exports_folder).is_dir():
        exported = read_exports(exports_folder, known_sha256=known_export_sha256, asset_kinds=asset_kinds)
        files = exported.files
        if len(exported.events):
            tables = tables._replace(events=pd.concat([tables.events, exported.events], ignore_index=True))
        tables = tables._replace(quarantine=concat_quarantine([tables.quarantine, exported.quarantined]))
    events = tables.events.drop_duplicates("event_id", keep="last").reset_index(drop=True)
    return RunTables(tables._replace(events=events), files)


def checked_ids_by_stage(
    inputs: Mapping[str, Mapping[str, pd.DataFrame]], quarantine: Mapping[str, pd.DataFrame]
) -> dict[tuple[str, str], list[str]]:
    """`{(stage, table): record ids}` each stage looked at in this run: the ids of the rows it was
    given or produced (`inputs[stage][table]`) and of the rows it quarantined. An open quarantine
    entry among them that this run did not raise again is resolved."""
    checked: dict[tuple[str, str], list[str]] = {}
    for stage, tables in inputs.items():
        failed = quarantine.get(stage)
        for name, frame in tables.items():
            contract = CONTRACTS.get(name)
            id_column = contract.id_column if contract is not None else "record_id"
            ids = [frame[id_column].astype("string")] if id_column in frame.columns else []
            if failed is not None and len(failed):
                ids.append(failed.loc[failed["table_name"] == name, "record_id"].astype("string"))
            merged = pd.concat(ids) if ids else pd.Series([], dtype="string")
            checked[(stage, name)] = merged.dropna().unique().tolist()
    return checked


def changed_rows(conn: sa.Connection, table_name: str, run_id: str) -> int:
    """Rows this run inserted or really changed: the store stamps `updated_run` only on a change."""
    table = store_table(table_name)
    return int(conn.scalar(sa.select(sa.func.count()).where(table.c.updated_run == run_id)) or 0)


def store_tables(
    conn: sa.Connection,
    tables: Mapping[str, pd.DataFrame],
    *,
    checked: Mapping[tuple[str, str], Sequence[str]],
    extracted: Sequence[ExtractResult],
    run_id: str,
) -> StoreCounts:
    """Store a run's checked tables and move its watermarks, in the caller's transaction.

    `tables`: people, events, quarantine, export_files (and first_touches, counted only); `checked`:
    what each stage looked at (`checked_ids_by_stage`), so fixed records leave the quarantine. Rows are
    upserted by record_id / event_id and quarantine by (stage, table, record, check), so storing the
    same tables twice stores nothing new. Nothing commits here: the caller's `engine.begin()` makes
    rows, quarantine, export files and watermarks one unit.
    """
    people, events, quarantine = tables["people"], tables["events"], tables["quarantine"]
    stored_people = upsert_frame(conn, "people", people, run_id=run_id) if len(people) else 0
    stored_events = upsert_frame(conn, "events", events, run_id=run_id) if len(events) else 0
    quarantined = record_quarantine(conn, quarantine, run_id=run_id, checked=checked)
    files = claim_export_files(conn, tables["export_files"], run_id=run_id)

    watermarks = {}
    for result in extracted:
        moved = advance_watermark(conn, result, run_id=run_id)
        watermarks[f"{result.system}/{result.object}"] = moved.isoformat() if moved else None

    export_events = events["source"].isin(["marketo", "pardot"]) if len(events) else pd.Series([], dtype=bool)
    return StoreCounts(
        people=stored_people,
        events=stored_events,
        people_changed=changed_rows(conn, "people", run_id),
        events_changed=changed_rows(conn, "events", run_id),
        export_events=int(export_events.sum()),
        export_files=int((files["status"] == "loaded").sum()),
        quarantined=len(quarantine),
        quarantine_new=quarantined.new,
        quarantine_resolved=quarantined.resolved,
        quarantine_open=quarantined.open,
        first_touches=len(tables.get("first_touches", ())),
        watermarks=watermarks,
    )
