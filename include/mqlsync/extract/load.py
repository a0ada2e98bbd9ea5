"""Store what a run landed: normalize every landing, upsert people and events, quarantine the rest,
and move each watermark, all in the caller's transaction.

This is the one place where extracted rows become stored rows, so it is also the one place where a
watermark moves (after the rows up to it are stored, in the same transaction: item 8 of issue 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import sqlalchemy as sa

from mqlsync.extract.exports import load_exports, store_quarantine
from mqlsync.extract.landing import read_landing
from mqlsync.extract.normalize import normalize_events, normalize_first_touches, normalize_people
from mqlsync.extract.normalize.api_shapes import from_api_shapes
from mqlsync.extract.windows import ExtractResult, advance_watermark
from mqlsync.store import upsert_frame
from mqlsync.store.tables import table as store_table


class LoadCounts(NamedTuple):
    people: int
    events: int
    people_changed: int
    events_changed: int
    export_events: int
    export_files: int
    quarantined: int
    first_touches: int
    watermarks: dict[str, str | None]

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


def changed_rows(conn: sa.Connection, table_name: str, run_id: str) -> int:
    """Rows this run inserted or really changed: the store stamps `updated_run` only on a change."""
    table = store_table(table_name)
    return int(conn.scalar(sa.select(sa.func.count()).where(table.c.updated_run == run_id)) or 0)


def read_landings(results: Sequence[ExtractResult]) -> dict[str, dict[str, pd.DataFrame]]:
    """`{system: {object: frame}}` for every landing of the run (an empty landing gives an empty frame)."""
    raw: dict[str, dict[str, pd.DataFrame]] = {}
    for result in results:
        raw.setdefault(result.system, {})[result.object] = read_landing(result.landing_dir)
    return raw


def store_landings(
    conn: sa.Connection,
    results: Sequence[ExtractResult],
    *,
    run_id: str,
    exports_folder: Path | None = None,
    asset_kinds: pd.Series | None = None,
    first_touches_path: Path | None = None,
) -> LoadCounts:
    """Normalize and store a run's landings plus any new export files; move the watermarks last.

    Rows are upserted by record_id / event_id, so storing the same landings twice stores the same rows.
    Nothing commits here: the caller's `engine.begin()` makes rows, quarantine and watermarks one unit.
    """
    by_system = read_landings(results)
    raw = from_api_shapes({obj: frame for frames in by_system.values() for obj, frame in frames.items()})
    people = normalize_people(raw)
    events = normalize_events(raw, asset_kinds=asset_kinds)
    touches = normalize_first_touches(raw)

    exported = None
    if exports_folder is not None and Path(exports_folder).is_dir():
        exported = load_exports(conn, exports_folder, run_id=run_id, asset_kinds=asset_kinds)

    all_events = [events.accepted]
    quarantined = [people.quarantined, events.quarantined, touches.quarantined]
    if exported is not None:
        all_events.append(exported.events)
        quarantined.append(exported.quarantined)
    nonempty = [e for e in all_events if len(e)]
    event_rows = pd.concat(nonempty, ignore_index=True) if nonempty else events.accepted

    stored_people = (
        upsert_frame(conn, "people", people.accepted, run_id=run_id) if len(people.accepted) else 0
    )
    stored_events = (
        upsert_frame(conn, "events", event_rows.drop_duplicates("event_id", keep="last"), run_id=run_id)
        if len(event_rows)
        else 0
    )
    quarantine_rows = sum(store_quarantine(conn, q, run_id=run_id) for q in quarantined if len(q))

    if first_touches_path is not None and len(touches.accepted):
        first_touches_path.parent.mkdir(parents=True, exist_ok=True)
        touches.accepted.to_parquet(first_touches_path, index=False)

    watermarks = {}
    for result in results:
        moved = advance_watermark(conn, result, run_id=run_id)
        watermarks[f"{result.system}/{result.object}"] = moved.isoformat() if moved else None

    return LoadCounts(
        people=stored_people,
        events=stored_events,
        people_changed=changed_rows(conn, "people", run_id),
        events_changed=changed_rows(conn, "events", run_id),
        export_events=0 if exported is None else len(exported.events),
        export_files=0 if exported is None else int((exported.files["status"] == "loaded").sum()),
        quarantined=quarantine_rows,
        first_touches=len(touches.accepted),
        watermarks=watermarks,
    )
