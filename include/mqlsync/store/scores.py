"""Score history: one row per person, as_of and model version; the latest is a query, not a copy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from mqlsync.schemas import SCORES, conform_frame
from mqlsync.store.frames import read_query, upsert_frame
from mqlsync.store.tables import scores


def record_scores(conn: sa.Connection, scores_df: pd.DataFrame, *, run_id: str) -> int:
    """Store a Scores frame (schemas.SCORES) for `run_id`; scoring the same person, as_of and model
    version again replaces that row. Returns the rows written."""
    return upsert_frame(conn, "scores", conform_frame(scores_df, SCORES), run_id=run_id)


def latest_scores(
    conn: sa.Connection,
    *,
    as_of: datetime | None = None,
    model_version: str | None = None,
    person_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each person's newest score (at or before `as_of` when given), ordered by person_id.

    Between two model versions scored at the same as_of, the one stored last wins.
    """
    conditions = []
    if as_of is not None:
        conditions.append(scores.c.as_of <= as_of)
    if model_version is not None:
        conditions.append(scores.c.model_version == model_version)
    if person_ids is not None:
        conditions.append(scores.c.person_id.in_(list(person_ids)))
    rank = (
        sa.func.row_number()
        .over(partition_by=scores.c.person_id, order_by=(scores.c.as_of.desc(), scores.c.stored_at.desc()))
        .label("rank")
    )
    ranked = sa.select(*scores.c, rank).where(*conditions).subquery()
    stmt = (
        sa.select(*(ranked.c[c.name] for c in scores.c))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.person_id)
    )
    return read_query(conn, stmt)
