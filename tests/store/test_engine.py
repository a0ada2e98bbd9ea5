"""Engines: psycopg 3 for PostgreSQL URLs; WAL, foreign keys and a busy timeout for SQLite; UTC."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mqlsync.store.engine import SQLITE_BUSY_TIMEOUT_MS, create_store_engine, normalize_url


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u:p@db:5432/store", "postgresql+psycopg"),
        ("postgres://u@db/store", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db/store", "postgresql+psycopg"),
        ("sqlite:///data/mqlsync.db", "sqlite"),
    ],
)
def test_postgresql_urls_use_psycopg3(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported state-store backend"):
        create_store_engine("mysql://u@db/store")


def test_sessions_are_configured_for_the_store(store_engine: sa.Engine) -> None:
    with store_engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        else:
            assert conn.dialect.driver == "psycopg"
            assert conn.exec_driver_sql("SHOW timezone").scalar() == "UTC"


def _write_then_crash(engine: sa.Engine) -> None:
    from mqlsync.store.watermarks import set_watermark
    from tests.store.samples import T0

    with engine.begin() as conn:
        set_watermark(conn, "salesforce", "Lead", T0)
        raise RuntimeError("crash after the write, before the commit")


def test_rolled_back_transaction_leaves_no_trace(store_engine: sa.Engine) -> None:
    from mqlsync.store.watermarks import get_watermark

    with pytest.raises(RuntimeError, match="crash"):
        _write_then_crash(store_engine)
    with store_engine.connect() as conn:
        assert get_watermark(conn, "salesforce", "Lead") is None
