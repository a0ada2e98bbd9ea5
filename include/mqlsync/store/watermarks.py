"""Extraction watermarks per (system, object): how far each source has been read.

Readers use the value inclusively (`>=`) and drop the overlap by CRM id; `cursor` is the id of the
last record at that value. A watermark never moves backwards unless asked with `force=True`: the
check and the write are one statement, so two tasks racing cannot rewind it either.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa

from mqlsync.errors import WatermarkRegressionError
from mqlsync.store.frames import dialect_insert
from mqlsync.store.tables import watermarks


class Watermark(NamedTuple):
    value: datetime
    cursor: str | None
    run_id: str | None
    updated_at: datetime


def get_watermark(conn: sa.Connection, system: str, object: str) -> Watermark | None:
    """The stored watermark, or None when the object was never extracted."""
    row = conn.execute(
        sa.select(
            watermarks.c.value, watermarks.c.cursor, watermarks.c.run_id, watermarks.c.updated_at
        ).where(watermarks.c.system == system, watermarks.c.object == object)
    ).first()
    return Watermark(*row) if row else None


def set_watermark(
    conn: sa.Connection,
    system: str,
    object: str,
    value: datetime,
    *,
    cursor: str | None = None,
    run_id: str | None = None,
    force: bool = False,
) -> Watermark:
    """Move the watermark to `value` (same or later); earlier raises WatermarkRegressionError
    unless `force`. Returns the stored watermark."""
    insert = dialect_insert(conn, watermarks).values(
        system=system, object=object, value=value, cursor=cursor, run_id=run_id, updated_at=datetime.now(UTC)
    )
    excluded = insert.excluded
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["system", "object"],
            set_={
                "value": excluded.value,
                "cursor": excluded.cursor,
                "run_id": excluded.run_id,
                "updated_at": excluded.updated_at,
            },
            where=None if force else excluded.value >= watermarks.c.value,
        )
    )
    stored = get_watermark(conn, system, object)
    assert stored is not None
    if stored.value != value.astimezone(UTC):
        raise WatermarkRegressionError(
            system, object, stored=stored.value.isoformat(), proposed=value.isoformat()
        )
    return stored
