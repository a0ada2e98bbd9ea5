"""Rows that failed a check, kept with the check, the reason and a JSON snapshot of the row."""

from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa

from mqlsync.schemas import CONTRACTS
from mqlsync.store.frames import insert_frame, read_frame

REASON_COLUMNS = ("check", "reason")


def add_quarantine(
    conn: sa.Connection, rows: pd.DataFrame, *, run_id: str, stage: str, table_name: str
) -> int:
    """Store each row of `rows` (its own columns plus `check` and `reason`) as one quarantine entry.

    `record_id` comes from the table contract's id column (e.g. `event_id` for events) or a
    `record_id` column. Returns the rows stored.
    """
    missing = [c for c in REASON_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"quarantine rows need columns {missing}")
    if rows.empty:
        return 0
    contract = CONTRACTS.get(table_name)
    id_column = contract.id_column if contract and contract.id_column in rows.columns else "record_id"
    payload = rows.drop(columns=list(REASON_COLUMNS))
    # pandas' JSON writer turns timestamps, NA and numpy scalars into plain JSON in one pass.
    snapshots = json.loads(payload.to_json(orient="records", date_format="iso", date_unit="us"))
    entries = pd.DataFrame(
        {
            "stage": stage,
            "table_name": table_name,
            "record_id": rows[id_column].astype("string") if id_column in rows.columns else None,
            "check": rows["check"].astype(str),
            "reason": rows["reason"].astype(str),
            "row": snapshots,
        },
        index=rows.index,
    )
    # `id` is generated: every call appends, there is no key to conflict on.
    return insert_frame(conn, "quarantine", entries, run_id=run_id)


def read_quarantine(
    conn: sa.Connection, *, run_id: str | None = None, table_name: str | None = None
) -> pd.DataFrame:
    """Quarantined rows, optionally of one run and/or table, oldest first."""
    where = {k: v for k, v in {"run_id": run_id, "table_name": table_name}.items() if v is not None}
    return read_frame(conn, "quarantine", where or None, order_by=["id"])
