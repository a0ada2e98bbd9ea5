"""Alembic environment for the state store; run through `mqlsync.store.migrate`, not an alembic.ini.

The caller passes an open Connection in `config.attributes["connection"]` (tests, the CLI) or a URL
in the `sqlalchemy.url` option. The version table is `mqlsync_alembic_version`, so the store can share
a PostgreSQL database with Airflow's metadata (which owns `alembic_version`).
"""

from __future__ import annotations

from alembic import context

from mqlsync.store.engine import create_store_engine
from mqlsync.store.tables import metadata

VERSION_TABLE = "mqlsync_alembic_version"


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_store_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `mqlsync db upgrade`")
run_online()
