"""upsert_frame / read_frame: bulk, idempotent, type-preserving, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from mqlsync.schemas import EVENTS, PEOPLE, SCORES
from mqlsync.store import frames
from mqlsync.store.frames import read_frame, upsert_frame
from mqlsync.store.runs import start_run
from tests.store.samples import events_frame, people_frame, scores_frame

BOOKKEEPING = ["first_seen_run", "updated_run", "stored_at"]


@pytest.fixture(params=["executemany", "copy"])
def bulk_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both write paths: executemany, and (PostgreSQL only) COPY into a temp table + merge."""
    if request.param == "copy":
        monkeypatch.setattr(frames, "COPY_MIN_ROWS", 1)
    return request.param


def test_people_round_trip_preserves_types(store_engine: sa.Engine, bulk_path: str) -> None:
    people = people_frame(12)
    with store_engine.begin() as conn:
        assert upsert_frame(conn, "people", people, run_id="r1") == 12
    with store_engine.connect() as conn:
        back = read_frame(conn, "people")
    pd.testing.assert_frame_equal(back[PEOPLE.names], people.reset_index(drop=True))
    assert (back["first_seen_run"] == "r1").all()
    assert str(back["stored_at"].dtype) == "datetime64[us, UTC]"


def test_events_round_trip_preserves_types(store_engine: sa.Engine, bulk_path: str) -> None:
    events = events_frame(9)
    with store_engine.begin() as conn:
        upsert_frame(conn, "events", events, run_id="r1")
        back = read_frame(conn, "events", order_by=["event_id"])
    expected = events.sort_values("event_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(back[EVENTS.names], expected)


def test_scores_round_trip_keeps_reason_code_lists(store_engine: sa.Engine, bulk_path: str) -> None:
    scores = scores_frame(["p1", "p2"])
    with store_engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        upsert_frame(conn, "scores", scores, run_id="r1")
        back = read_frame(conn, "scores")
    pd.testing.assert_frame_equal(back[SCORES.names], scores.reset_index(drop=True))
    assert back["reason_codes"].iloc[0] == ["FIT_ROLE_DECISION_MAKER:+30", "INTENT_DEMO_REQUEST:+20"]


def test_upsert_is_idempotent(store_engine: sa.Engine, bulk_path: str) -> None:
    people = people_frame(6)
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", people, run_id="r1")
        first = read_frame(conn, "people")
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", people, run_id="r2")
        second = read_frame(conn, "people")
    # Nothing changed, so nothing was touched: not even the run that last updated the row.
    pd.testing.assert_frame_equal(second, first)
    assert set(second["updated_run"]) == {"r1"}


def test_upsert_updates_changed_rows_and_keeps_first_seen_run(
    store_engine: sa.Engine, bulk_path: str
) -> None:
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", people_frame(4), run_id="r1")
    changed = people_frame(4)
    changed.loc[1, "title"] = "Lab Manager"
    changed.loc[2, "do_not_contact"] = True
    new = people_frame(2, start=4)
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", pd.concat([changed, new]), run_id="r2")
        back = read_frame(conn, "people").set_index("record_id")
    ids = changed["record_id"].tolist()
    assert back.loc[ids[1], "title"] == "Lab Manager"
    assert bool(back.loc[ids[2], "do_not_contact"]) is True
    assert back.loc[[ids[1], ids[2]], "updated_run"].tolist() == ["r2", "r2"]
    assert back.loc[[ids[0], ids[3]], "updated_run"].tolist() == ["r1", "r1"]
    assert back.loc[ids, "first_seen_run"].tolist() == ["r1"] * 4
    assert back.loc[new["record_id"], "first_seen_run"].tolist() == ["r2", "r2"]


def test_duplicate_keys_in_one_frame_keep_the_last_row(store_engine: sa.Engine, bulk_path: str) -> None:
    people = people_frame(2)
    later = people.iloc[[0]].copy()
    later["title"] = "CSO"
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", pd.concat([people, later]), run_id="r1")
        back = read_frame(conn, "people")
    assert len(back) == 2
    assert back.loc[back["record_id"] == people["record_id"].iloc[0], "title"].item() == "CSO"


def test_failed_upsert_writes_nothing(
    store_engine: sa.Engine, bulk_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frames, "CHUNK_ROWS", 2)
    people = people_frame(5).astype({"consent": object})
    people.loc[4, "consent"] = None  # NOT NULL violated in the last chunk
    with pytest.raises(sa.exc.IntegrityError), store_engine.begin() as conn:
        upsert_frame(conn, "people", people, run_id="r1")
    with store_engine.connect() as conn:
        assert read_frame(conn, "people").empty


def test_hostile_strings_survive_round_trip(store_engine: sa.Engine, bulk_path: str) -> None:
    hostile = [
        'O\'Brien "the" `lab`; DROP TABLE people; --',
        "<script>alert('x')</script>&amp; <b>bold</b>",
        "Zoë Ünal 张伟 Ольга 🧬 مرحبا \u200b\u202e",
        "back\\slash\\N \t tab \r\n newline , comma | pipe",
        "x" * 100_000,
        "",
        "  padded  ",
        "%s %(name)s {} $1 ?",
    ]
    people = people_frame(len(hostile))
    people["title"] = pd.array(hostile, dtype="string")
    people["company"] = pd.array(list(reversed(hostile)), dtype="string")
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", people, run_id="r1")
        back = read_frame(conn, "people")
    assert back["title"].tolist() == hostile
    assert back["company"].tolist() == list(reversed(hostile))


def test_read_frame_filters_by_mapping_and_expression(store_engine: sa.Engine) -> None:
    people = people_frame(6)
    ids = people["record_id"].tolist()
    with store_engine.begin() as conn:
        upsert_frame(conn, "people", people, run_id="r1")
        by_list = read_frame(conn, "people", {"record_id": ids[:2]}, columns=["record_id", "employees"])
        by_expr = read_frame(conn, "people", sa.column("record_id") == ids[3])
    assert by_list["record_id"].tolist() == ids[:2]
    assert list(by_list.columns) == ["record_id", "employees"]
    assert by_expr["record_id"].tolist() == [ids[3]]


def test_empty_read_keeps_dtypes(store_engine: sa.Engine) -> None:
    with store_engine.connect() as conn:
        back = read_frame(conn, "people")
    assert back.empty
    assert str(back["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(back["employees"].dtype) == "Int64"
    assert back["is_deleted"].dtype == bool


def test_unknown_columns_are_refused_before_writing(store_engine: sa.Engine) -> None:
    people = people_frame(1).assign(favourite_colour="teal")
    with pytest.raises(ValueError, match="favourite_colour"), store_engine.begin() as conn:
        upsert_frame(conn, "people", people)


def test_naive_timestamps_are_refused(store_engine: sa.Engine) -> None:
    people = people_frame(1)
    people["created_at"] = people["created_at"].dt.tz_localize(None)
    with pytest.raises(ValueError, match="naive datetime"), store_engine.begin() as conn:
        upsert_frame(conn, "people", people)


def test_stored_timestamps_compare_as_instants_in_sql(store_engine: sa.Engine, bulk_path: str) -> None:
    """Rows written in bulk and conditions bound by SQLAlchemy agree on what `>=` means."""
    from datetime import timedelta, timezone

    from mqlsync.store.tables import events
    from tests.store.samples import T0

    with store_engine.begin() as conn:
        upsert_frame(conn, "events", events_frame(6), run_id="r1")
        tokyo = timezone(timedelta(hours=9))
        since = (T0 - timedelta(hours=2)).astimezone(tokyo)
        recent = read_frame(conn, "events", events.c.occurred_at >= since)
    assert recent["event_id"].tolist() == ["ev0", "ev1", "ev2"]
