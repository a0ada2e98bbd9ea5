"""Landing files, keyed by content checksum, so each file is loaded once however often it is seen."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from mqlsync.store.frames import dialect_insert
from mqlsync.store.tables import RAW_FILE_STATUSES, raw_files


def claim_raw_file(
    conn: sa.Connection, *, sha256: str, path: str, source: str, run_id: str, rows: int | None = None
) -> bool:
    """Register a landing file; True when it still has to be loaded (new, or an earlier load did not
    finish), False when a run already loaded the same content."""
    now = datetime.now(UTC)
    insert = dialect_insert(conn, raw_files).values(
        sha256=sha256,
        path=path,
        source=source,
        rows=rows,
        status="landed",
        run_id=run_id,
        created_at=now,
        updated_at=now,
    )
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["sha256"],
            set_={"path": path, "run_id": run_id, "rows": rows, "status": "landed", "updated_at": now},
            where=raw_files.c.status != "loaded",
        )
    )
    stored = conn.execute(
        sa.select(raw_files.c.run_id, raw_files.c.status).where(raw_files.c.sha256 == sha256)
    ).one()
    return stored.status != "loaded" and stored.run_id == run_id


def mark_raw_file(conn: sa.Connection, sha256: str, status: str, *, rows: int | None = None) -> None:
    """Record that a claimed file was loaded (or failed to load)."""
    if status not in RAW_FILE_STATUSES:
        raise ValueError(f"raw file status must be one of {RAW_FILE_STATUSES}, not {status!r}")
    values: dict[str, object] = {"status": status, "updated_at": datetime.now(UTC)}
    if rows is not None:
        values["rows"] = rows
    result = conn.execute(sa.update(raw_files).where(raw_files.c.sha256 == sha256).values(**values))
    if result.rowcount == 0:
        raise KeyError(f"raw file {sha256[:12]}… was never claimed")
