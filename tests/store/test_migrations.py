"""Migrations build exactly the tables in mqlsync.store.tables, and undo cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from mqlsync.store.engine import create_store_engine
from mqlsync.store.migrate import VERSION_TABLE, downgrade_store, head_revision, store_revision, upgrade_store
from mqlsync.store.tables import metadata

STORE_TABLES = {
    "runs",
    "watermarks",
    "people",
    "events",
    "quarantine",
    "identities",
    "scores",
    "sync_ledger",
    "raw_files",
    "validation_results",
}


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_migrations_upgrade_and_downgrade_cleanly(store_url: str) -> None:
    engine = create_store_engine(store_url)
    try:
        assert store_revision(engine) is None
        assert upgrade_store(engine) == head_revision()
        assert _tables(engine) == STORE_TABLES | {VERSION_TABLE}
        assert upgrade_store(engine) == head_revision()  # a second upgrade is a no-op
        assert downgrade_store(engine, "base") is None
        assert _tables(engine) <= {VERSION_TABLE}
        assert upgrade_store(engine) == head_revision()
        assert _tables(engine) == STORE_TABLES | {VERSION_TABLE}
    finally:
        engine.dispose()


def test_migrated_schema_matches_table_definitions(store_engine: sa.Engine) -> None:
    with store_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        drift = compare_metadata(context, metadata)
    assert drift == [], f"tables.py and the migrations disagree; add a migration: {drift}"


def test_migrations_accept_a_url_and_create_the_sqlite_folder(store_url: str) -> None:
    assert upgrade_store(store_url) == head_revision()
    assert store_revision(store_url) == head_revision()


def test_foreign_keys_are_enforced(store_engine: sa.Engine) -> None:
    with store_engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        fks = sa.inspect(conn).get_foreign_keys("sync_ledger")
    assert [(fk["referred_table"], fk["constrained_columns"]) for fk in fks] == [("runs", ["run_id"])]


def test_quarantine_upgrade_collapses_repeats_and_downgrade_restores_the_rows(store_url: str) -> None:
    """0001 stored one row per run and problem; 0002 keeps one entry with first/last seen and count."""
    engine = create_store_engine(store_url)
    try:
        upgrade_store(engine, "0001")
        with engine.begin() as conn:
            for n in (1, 2, 3):
                conn.execute(
                    sa.text(
                        "INSERT INTO runs (run_id, dag_id, status, started_at, counts) "
                        "VALUES (:r, 'lead_sync', 'success', :t, :c)"
                    ),
                    {"r": f"r{n}", "t": f"2026-11-2{n} 10:00:00", "c": "{}"},
                )
            old = sa.text(
                'INSERT INTO quarantine (run_id, stage, table_name, record_id, "check", reason, "row", created_at) '
                "VALUES (:r, 'normalize', :t, :id, :c, :why, :row, :at)"
            )
            rows = [
                ("r1", "events", "ev1", "MALFORMED_TIMESTAMP", "old reason", '{"v": 1}'),
                ("r2", "events", "ev1", "MALFORMED_TIMESTAMP", "new reason", '{"v": 2}'),
                ("r3", "events", "ev1", "MALFORMED_TIMESTAMP", "newest reason", '{"v": 3}'),
                ("r2", "events", "ev1", "UNKNOWN_EVENT_TYPE", "another check", None),
                ("r1", "people", None, "MISSING_RECORD_ID", "no id", '{"a": 1, "b": 2}'),
                ("r3", "people", None, "MISSING_RECORD_ID", "no id", '{"b": 2, "a": 1}'),
                ("r3", "people", None, "MISSING_RECORD_ID", "no id", '{"a": 9}'),
            ]
            for n, (run, table, rid, check, why, row) in enumerate(rows):
                conn.execute(
                    old,
                    {
                        "r": run,
                        "t": table,
                        "id": rid,
                        "c": check,
                        "why": why,
                        "row": row,
                        "at": f"2026-11-2{run[1]} 10:00:0{n}",
                    },
                )
        upgrade_store(engine)
        with engine.connect() as conn:
            from mqlsync.store.quarantine import read_quarantine, snapshot_key

            back = read_quarantine(conn)
        assert len(back) == 4
        ev1 = back[back["check"] == "MALFORMED_TIMESTAMP"].iloc[0]
        assert (ev1["first_seen_run"], ev1["last_seen_run"], ev1["times_seen"]) == ("r1", "r3", 3)
        assert (ev1["reason"], ev1["row"], ev1["status"], ev1["record_key"]) == (
            "newest reason",
            {"v": 3},
            "open",
            "ev1",
        )
        idless = back[back["check"] == "MISSING_RECORD_ID"].sort_values("times_seen")
        assert idless["times_seen"].tolist() == [1, 2]  # the same snapshot in r1 and r3, however spelled
        assert idless["record_key"].iloc[1] == snapshot_key('{"a": 1, "b": 2}')
        assert downgrade_store(engine, "0001") == "0001"
        columns = {c["name"] for c in sa.inspect(engine).get_columns("quarantine")}
        assert columns == {
            "id",
            "run_id",
            "stage",
            "table_name",
            "record_id",
            "check",
            "reason",
            "row",
            "created_at",
        }
        with engine.connect() as conn:
            restored = conn.execute(sa.text('SELECT run_id, "check" FROM quarantine ORDER BY id')).all()
        assert len(restored) == 4
        assert ("r3", "MALFORMED_TIMESTAMP") in restored
        assert upgrade_store(engine) == head_revision()
    finally:
        engine.dispose()
