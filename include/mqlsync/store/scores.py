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


def record_scoring_run(
    conn: sa.Connection, scores_df: pd.DataFrame, *, run_id: str, dag_id: str, as_of: datetime
) -> int:
    """Store one scoring run's Scores as a run of its own (the history `explain --history` reads)."""
    from mqlsync.store.runs import finish_run, start_run

    start_run(conn, run_id, dag_id=dag_id, data_interval_end=as_of)
    written = record_scores(conn, scores_df, run_id=run_id)
    finish_run(conn, run_id, status="success", counts={"scores": written})
    return written


def score_history(conn: sa.Connection, person_id: str) -> pd.DataFrame:
    """Every stored score of one person, oldest first: a change between runs reads off two rows."""
    stmt = (
        sa.select(*scores.c)
        .where(scores.c.person_id == person_id)
        .order_by(scores.c.as_of, scores.c.stored_at)
    )
    return read_query(conn, stmt)
