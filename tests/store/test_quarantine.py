"""One quarantine entry per record and check across runs: seen again, resolved, reopened (both backends)."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from mqlsync.errors import SchemaError
from mqlsync.extract.normalize.cleaning import QuarantineLog, quarantine_rows
from mqlsync.schemas import QUARANTINE, QUARANTINE_COLUMNS, check_frame
from mqlsync.store.quarantine import QuarantineCounts, read_quarantine, record_quarantine, snapshot_key
from mqlsync.store.runs import start_run
from tests.store.samples import T0, events_frame


def _runs(engine: sa.Engine, *run_ids: str) -> None:
    with engine.begin() as conn:
        for run_id in run_ids:
            start_run(conn, run_id, dag_id="lead_sync")


def _rows(
    ids: list[str | None], *, check: str = "MALFORMED_TIMESTAMP", stage: str = "normalize", **row
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage": stage,
            "table_name": "events",
            "record_id": pd.Series(ids, dtype="string"),
            "check": check,
            "reason": [f"occurred_at of {i} is not a timestamp" for i in ids],
            "row": [json.dumps({"id": i, **row}) for i in ids],
        }
    )


def _record(engine: sa.Engine, rows: pd.DataFrame, run_id: str, **kwargs) -> QuarantineCounts:
    with engine.begin() as conn:
        return record_quarantine(conn, rows, run_id=run_id, **kwargs)


def test_the_same_record_and_check_is_stored_once_across_runs(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1", "r2", "r3")
    rows = _rows(["ev1", "ev2", "ev3"])
    counts = [
        _record(store_engine, rows, run, now=T0 + timedelta(hours=n))
        for n, run in enumerate(["r1", "r2", "r3"])
    ]
    assert counts == [
        QuarantineCounts(3, 0, 0, 3),
        QuarantineCounts(0, 3, 0, 3),
        QuarantineCounts(0, 3, 0, 3),
    ]
    with store_engine.connect() as conn:
        back = read_quarantine(conn)
        assert len(read_quarantine(conn, run_id="r2")) == 0  # neither first nor last seen there
        assert len(read_quarantine(conn, run_id="r1")) == len(read_quarantine(conn, run_id="r3")) == 3
    assert back["record_id"].tolist() == ["ev1", "ev2", "ev3"]
    assert set(back["first_seen_run"]) == {"r1"}
    assert set(back["last_seen_run"]) == {"r3"}
    assert back["times_seen"].tolist() == [3, 3, 3]
    assert set(back["status"]) == {"open"}
    assert back["first_seen_at"].iloc[0] == T0
    assert back["last_seen_at"].iloc[0] == T0 + timedelta(hours=2)
    assert back["row"].iloc[0] == {"id": "ev1"}


def test_seen_again_keeps_the_latest_reason_and_snapshot_and_a_retry_counts_once(
    store_engine: sa.Engine,
) -> None:
    _runs(store_engine, "r1", "r2")
    _record(store_engine, _rows(["ev1"], value="old"), "r1")
    later = _rows(["ev1", "ev1"], value="new").assign(reason=["first copy", "last copy"])
    assert _record(store_engine, later, "r2") == QuarantineCounts(0, 1, 0, 1)  # repeats collapse
    assert _record(store_engine, later, "r2") == QuarantineCounts(0, 1, 0, 1)  # a retried task
    with store_engine.connect() as conn:
        entry = read_quarantine(conn).iloc[0]
    assert (entry["reason"], entry["row"]["value"], entry["times_seen"]) == ("last copy", "new", 2)
    assert (entry["first_seen_run"], entry["last_seen_run"]) == ("r1", "r2")


def test_a_record_checked_again_and_passing_leaves_the_open_quarantine(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1", "r2")
    _record(store_engine, _rows(["ev1", "ev2", "ev3"]), "r1")
    # r2 checks ev1 (fixed), ev2 (still bad) and others; ev3 is not checked (not in this pull).
    checked = {("normalize", "events"): ["ev1", "ev2", "ev9"], ("validate", "events"): ["ev3"]}
    counts = _record(store_engine, _rows(["ev2"]), "r2", checked=checked, now=T0)
    assert counts == QuarantineCounts(new=0, seen_again=1, resolved=1, open=2)
    with store_engine.connect() as conn:
        back = read_quarantine(conn).set_index("record_id")
        open_now = read_quarantine(conn, open_only=True)
    assert back.loc["ev1", "status"] == "resolved"
    assert (back.loc["ev1", "resolved_run"], back.loc["ev1", "resolved_at"]) == ("r2", T0)
    assert back.loc["ev2", "status"] == "open"
    assert pd.isna(back.loc["ev2", "resolved_run"])
    assert back.loc["ev3", "status"] == "open"  # another stage's check says nothing about it
    assert open_now["record_id"].tolist() == ["ev2", "ev3"]


def test_an_entry_raised_earlier_in_the_same_run_is_not_resolved_by_it(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1")
    _record(store_engine, _rows(["ev1"]), "r1")
    counts = _record(store_engine, _rows([]), "r1", checked={("normalize", "events"): ["ev1"]})
    assert (counts.resolved, counts.open) == (0, 1)


def test_a_resolved_entry_that_fails_again_reopens(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1", "r2", "r3")
    _record(store_engine, _rows(["ev1"]), "r1")
    _record(store_engine, _rows([]), "r2", checked={("normalize", "events"): ["ev1"]})
    assert _record(store_engine, _rows(["ev1"]), "r3") == QuarantineCounts(0, 1, 0, 1)
    with store_engine.connect() as conn:
        entry = read_quarantine(conn).iloc[0]
    assert entry["status"] == "open"
    assert pd.isna(entry["resolved_run"])
    assert pd.isna(entry["resolved_at"])
    assert (entry["first_seen_run"], entry["last_seen_run"], entry["times_seen"]) == ("r1", "r3", 2)


def test_rows_without_an_id_dedupe_by_their_snapshot(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1", "r2")
    rows = pd.DataFrame(
        {
            "stage": "normalize",
            "table_name": "people",
            "record_id": pd.Series([None, None, None], dtype="string"),
            "check": "MISSING_RECORD_ID",
            "reason": "the row has no Id",
            "row": ['{"Email": "a@x.org", "n": 1}', '{"n": 1, "Email": "a@x.org"}', '{"Email": "b@x.org"}'],
        }
    )
    assert _record(store_engine, rows, "r1") == QuarantineCounts(2, 0, 0, 2)  # the first two are one row
    assert _record(store_engine, rows, "r2") == QuarantineCounts(0, 2, 0, 2)
    with store_engine.connect() as conn:
        back = read_quarantine(conn)
    assert back["record_key"].tolist() == [snapshot_key(rows["row"][1]), snapshot_key(rows["row"][2])]
    assert back["record_key"].str.fullmatch(r"row:[0-9a-f]{16}").all()
    assert back["record_id"].isna().all()
    assert back["times_seen"].tolist() == [2, 2]


HOSTILE = [
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    'O\'Brien "the" `quote` \\ back\\slash \\u0000 not a NUL',
    "nul\x00inside\x00",
    "emoji 🧬💉👩🏽‍🔬 and زهرة \u200f\u202eRTL override",
    "x" * 100_000,
]


def test_hostile_values_survive_the_round_trip_as_inert_text(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1")
    raw = pd.DataFrame({"first_name": HOSTILE, "id": [f"hubspot:{i}" for i in range(len(HOSTILE))]})
    rows = quarantine_rows(
        raw,
        stage="validate",
        table_name="people",
        check="NAME_SUSPICIOUS",
        reason=raw["first_name"],
        id_column="id",
    )
    assert _record(store_engine, rows, "r1").new == len(HOSTILE)
    with store_engine.connect() as conn:
        back = read_quarantine(conn, stage="validate").set_index("record_id")
    expected = [v.replace("\x00", "\ufffd") for v in HOSTILE]  # PostgreSQL text cannot hold NUL
    assert back["reason"].tolist() == expected
    snapshots = [back.loc[f"hubspot:{i}", "row"] for i in range(len(HOSTILE))]
    assert [s["first_name"] for s in snapshots] == [v[:1000] for v in expected]  # MAX_SNAPSHOT_VALUE
    assert snapshots[1]["first_name"].endswith("\\u0000 not a NUL")  # an escape in text stays text


def test_fifty_thousand_rows_and_two_hundred_thousand_checked_ids_complete(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1", "r2")
    n = 50_000
    first = _rows([f"ev{i}" for i in range(n)])
    assert _record(store_engine, first, "r1") == QuarantineCounts(n, 0, 0, n)
    still_bad = first.iloc[: n // 2]
    checked = {("normalize", "events"): [f"ev{i}" for i in range(200_000)]}
    assert _record(store_engine, still_bad, "r2", checked=checked) == QuarantineCounts(
        0, n // 2, n // 2, n // 2
    )
    with store_engine.connect() as conn:
        assert len(read_quarantine(conn, open_only=True)) == n // 2


def test_filters_select_by_check_table_stage_and_run(store_engine: sa.Engine) -> None:
    _runs(store_engine, "r1", "r2")
    _record(store_engine, _rows(["ev1"]), "r1")
    _record(store_engine, _rows(["ev1"], check="UNKNOWN_EVENT_TYPE", stage="validate"), "r2")
    with store_engine.connect() as conn:
        assert read_quarantine(conn, check="UNKNOWN_EVENT_TYPE")["stage"].tolist() == ["validate"]
        assert read_quarantine(conn, stage="normalize")["check"].tolist() == ["MALFORMED_TIMESTAMP"]
        assert read_quarantine(conn, run_id="r2")["check"].tolist() == ["UNKNOWN_EVENT_TYPE"]
        assert read_quarantine(conn, table_name="people").empty
        assert list(read_quarantine(conn, table_name="people").columns) == list(read_quarantine(conn).columns)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"check": "not_a_code"}, "not upper-case codes"),
        ({"stage": "guess"}, "stage: 1 values outside the vocabulary"),
        ({"reason": None}, "reason: 1 empty values"),
    ],
)
def test_rows_that_break_the_contract_are_refused_with_every_problem(
    store_engine: sa.Engine, change: dict, problem: str
) -> None:
    _runs(store_engine, "r1")
    rows = _rows(["ev1"]).assign(**change)
    with pytest.raises(SchemaError, match=problem), store_engine.begin() as conn:
        record_quarantine(conn, rows, run_id="r1")


def test_normalize_and_validate_build_the_same_contract() -> None:
    raw = events_frame(3).assign(occurred_at=[T0, None, T0])
    log = QuarantineLog(raw, table_name="events", record_ids=raw["event_id"])
    log.add(raw["occurred_at"].isna(), "MALFORMED_TIMESTAMP", "occurred_at is empty", drop=True)
    built = quarantine_rows(
        raw[raw["occurred_at"].isna()],
        stage="validate",
        table_name="events",
        check="OCCURRED_AT_PRESENT",
        reason="occurred_at is empty",
        id_column="event_id",
    )
    for frame, stage in ((log.frame(), "normalize"), (built, "validate")):
        check_frame(frame, QUARANTINE)
        assert list(frame.columns) == list(QUARANTINE_COLUMNS)
        assert frame[["stage", "record_id"]].values.tolist() == [[stage, "ev1"]]
        assert json.loads(frame["row"].iloc[0])["event_id"] == "ev1"
