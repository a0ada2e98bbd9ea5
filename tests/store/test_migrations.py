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
