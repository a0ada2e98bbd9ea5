"""Validation results: one row per run, suite and check (see mqlsync.validate.RESULT_COLUMNS)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from mqlsync.store.frames import read_frame, upsert_frame
from mqlsync.store.tables import validation_results

_COLUMNS = (
    "suite",
    "check",
    "table_name",
    "expectation",
    "column",
    "evaluated",
    "failed",
    "gate",
    "passed",
    "gate_failed",
)


def record_validation_results(conn: sa.Connection, results: pd.DataFrame, *, run_id: str) -> int:
    """Store a validation's `results` frame for `run_id` (the run must exist). Storing a run again
    replaces that run's rows of the same suites (a retried task, or an edited suite, leaves no stale
    or duplicate rows). Returns the rows written."""
    missing = [c for c in _COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"validation results lack columns {missing}")
    frame = results.loc[:, list(_COLUMNS)].copy()
    frame["run_id"] = run_id
    frame["gate"] = frame["gate"].astype("float64")
    frame["column"] = frame["column"].astype("object").where(frame["column"].notna(), None)
    conn.execute(
        sa.delete(validation_results).where(
            validation_results.c.run_id == run_id, validation_results.c.suite.in_(sorted(set(frame["suite"])))
        )
    )
    return upsert_frame(conn, "validation_results", frame, run_id=run_id)


def read_validation_results(conn: sa.Connection, *, run_id: str | None = None) -> pd.DataFrame:
    """Stored results (of one run, or all), ordered by run, suite and check."""
    where = {"run_id": run_id} if run_id is not None else None
    return read_frame(conn, "validation_results", where, order_by=["run_id", "suite", "check"])
