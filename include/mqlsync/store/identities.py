"""Which person each source record resolved to (the current answer; history is in the runs)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from mqlsync.store.frames import read_frame, upsert_frame

IDENTITY_COLUMNS = ("record_id", "person_id", "match_rule", "match_score")


def record_identities(conn: sa.Connection, identities_df: pd.DataFrame, *, run_id: str) -> int:
    """Store record_id -> person_id (with match_rule, match_score) for `run_id`; returns rows written."""
    missing = [c for c in IDENTITY_COLUMNS[:2] if c not in identities_df.columns]
    if missing:
        raise ValueError(f"identities need columns {missing}")
    columns = [c for c in IDENTITY_COLUMNS if c in identities_df.columns]
    return upsert_frame(conn, "identities", identities_df[columns], run_id=run_id)


def read_identities(conn: sa.Connection, *, person_ids: list[str] | None = None) -> pd.DataFrame:
    """The stored record_id -> person_id map, optionally for some persons only."""
    return read_frame(conn, "identities", {"person_id": person_ids} if person_ids is not None else None)
