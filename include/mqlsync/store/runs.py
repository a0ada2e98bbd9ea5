"""One row per pipeline run: when it ran, over which data interval, how it ended, its counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from mqlsync.store.frames import dialect_insert
from mqlsync.store.tables import runs


def start_run(
    conn: sa.Connection,
    run_id: str,
    *,
    dag_id: str,
    data_interval_start: datetime | None = None,
    data_interval_end: datetime | None = None,
    started_at: datetime | None = None,
) -> None:
    """Record that `run_id` is running. Starting it again (an Airflow retry) keeps the first
    `started_at` and clears the previous outcome."""
    insert = dialect_insert(conn, runs).values(
        run_id=run_id,
        dag_id=dag_id,
        status="running",
        started_at=started_at or datetime.now(UTC),
        data_interval_start=data_interval_start,
        data_interval_end=data_interval_end,
        counts={},
    )
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["run_id"],
            set_={
                "status": "running",
                "finished_at": None,
                "error": None,
                "data_interval_start": insert.excluded.data_interval_start,
                "data_interval_end": insert.excluded.data_interval_end,
            },
        )
    )


def finish_run(
    conn: sa.Connection,
    run_id: str,
    *,
    status: str = "success",
    counts: Mapping[str, int] | None = None,
    error: str | None = None,
    finished_at: datetime | None = None,
) -> None:
    """Record how `run_id` ended (`success` or `failed`), with its row counts merged into earlier ones."""
    if status not in ("success", "failed"):
        raise ValueError(f"a run finishes as success or failed, not {status!r}")
    current = get_run(conn, run_id)
    if current is None:
        raise KeyError(f"run {run_id} was never started (call start_run first)")
    merged = {**current["counts"], **{k: int(v) for k, v in (counts or {}).items()}}
    conn.execute(
        sa.update(runs)
        .where(runs.c.run_id == run_id)
        .values(status=status, counts=merged, error=error, finished_at=finished_at or datetime.now(UTC))
    )


def add_run_counts(conn: sa.Connection, run_id: str, counts: Mapping[str, int]) -> None:
    """Merge a stage's counts into the running run's (each stage task adds its own)."""
    current = get_run(conn, run_id)
    if current is None:
        raise KeyError(f"run {run_id} was never started (call start_run first)")
    merged = {**current["counts"], **{k: int(v) for k, v in counts.items()}}
    conn.execute(sa.update(runs).where(runs.c.run_id == run_id).values(counts=merged))


def get_run(conn: sa.Connection, run_id: str) -> dict[str, Any] | None:
    """The run's row as a dict, or None."""
    row = conn.execute(sa.select(runs).where(runs.c.run_id == run_id)).mappings().first()
    return dict(row) if row else None
