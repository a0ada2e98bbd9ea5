"""Upgrade, downgrade and inspect the state store's schema (Alembic, packaged inside mqlsync).

The scripts live in `mqlsync/store/migrations`, so an installed wheel migrates without a checkout or
an alembic.ini. Each function takes an Engine or a URL and runs in one transaction: a failed upgrade
leaves the previous schema in place (PostgreSQL and SQLite both have transactional DDL).
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from mqlsync.store.engine import create_store_engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "mqlsync_alembic_version"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _engine(target: sa.Engine | str) -> tuple[sa.Engine, bool]:
    if isinstance(target, sa.Engine):
        return target, False
    return create_store_engine(target), True


def upgrade_store(target: sa.Engine | str, revision: str = "head") -> str | None:
    """Migrate the store up to `revision` (default: the newest); returns the revision now current."""
    engine, owned = _engine(target)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
        return store_revision(engine)
    finally:
        if owned:
            engine.dispose()


def downgrade_store(target: sa.Engine | str, revision: str) -> str | None:
    """Migrate the store down to `revision` (`base` removes every table); returns the current one."""
    engine, owned = _engine(target)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), revision)
        return store_revision(engine)
    finally:
        if owned:
            engine.dispose()


def store_revision(target: sa.Engine | str) -> str | None:
    """The revision the store is at, or None for an empty (never migrated) database."""
    engine, owned = _engine(target)
    try:
        # Reading the revision is not a migration: alembic's "Context impl" INFO lines stay out.
        log = logging.getLogger("alembic.runtime.migration")
        level = log.level
        log.setLevel(max(level, logging.WARNING))
        try:
            with engine.connect() as conn:
                return MigrationContext.configure(
                    conn, opts={"version_table": VERSION_TABLE}
                ).get_current_revision()
        finally:
            log.setLevel(level)
    finally:
        if owned:
            engine.dispose()


def head_revision() -> str:
    """The newest revision shipped with this version of mqlsync."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations found in {MIGRATIONS_DIR}"
    return head
