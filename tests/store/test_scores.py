"""Score history and the latest score per person."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import sqlalchemy as sa

from mqlsync.schemas import SCORES
from mqlsync.store.frames import read_frame
from mqlsync.store.runs import start_run
from mqlsync.store.scores import latest_scores, record_scores
from tests.store.samples import T0, scores_frame


def _record(engine: sa.Engine, run_id: str, df: pd.DataFrame) -> None:
    with engine.begin() as conn:
        start_run(conn, run_id, dag_id="lead_sync")
        record_scores(conn, df, run_id=run_id)


def test_scores_keep_history_per_as_of(store_engine: sa.Engine) -> None:
    _record(store_engine, "r1", scores_frame(["p1", "p2"], as_of=T0, score=40))
    _record(store_engine, "r2", scores_frame(["p1"], as_of=T0 + timedelta(hours=1), score=70))
    with store_engine.connect() as conn:
        history = read_frame(conn, "scores")
    assert len(history) == 3
    assert history.groupby("person_id")["run_id"].apply(list).to_dict() == {"p1": ["r1", "r2"], "p2": ["r1"]}


def test_latest_scores_pick_the_newest_as_of(store_engine: sa.Engine) -> None:
    _record(store_engine, "r1", scores_frame(["p1", "p2"], as_of=T0, score=40))
    _record(store_engine, "r2", scores_frame(["p1"], as_of=T0 + timedelta(hours=1), score=70))
    with store_engine.connect() as conn:
        latest = latest_scores(conn)
        as_of_t0 = latest_scores(conn, as_of=T0)
        only_p2 = latest_scores(conn, person_ids=["p2"])
    assert latest[["person_id", "score"]].values.tolist() == [["p1", 70], ["p2", 40]]
    assert as_of_t0["score"].tolist() == [40, 40]
    assert only_p2["person_id"].tolist() == ["p2"]
    pd.testing.assert_frame_equal(
        latest.loc[latest["person_id"] == "p2", SCORES.names].reset_index(drop=True),
        scores_frame(["p2"], as_of=T0, score=40),
    )


def test_rescoring_the_same_interval_replaces_the_row(store_engine: sa.Engine) -> None:
    _record(store_engine, "r1", scores_frame(["p1"], as_of=T0, score=40))
    _record(store_engine, "r1-retry", scores_frame(["p1"], as_of=T0, score=45))
    with store_engine.connect() as conn:
        history = read_frame(conn, "scores")
    assert history[["score", "run_id"]].values.tolist() == [[45, "r1-retry"]]


def test_latest_scores_of_an_empty_store_is_an_empty_typed_frame(store_engine: sa.Engine) -> None:
    with store_engine.connect() as conn:
        latest = latest_scores(conn, model_version="ls-1")
    assert latest.empty
    assert list(latest.columns)[: len(SCORES.names)] == SCORES.names
    assert str(latest["as_of"].dtype) == "datetime64[us, UTC]"
