"""Engines for the state store: SQLite by default, PostgreSQL (psycopg 3) when the URL says so.

SQLite gets WAL (readers never block the writer), enforced foreign keys, a busy timeout so parallel
tasks wait instead of failing, and real transactions: pysqlite's own implicit BEGIN is switched off
and SQLAlchemy emits BEGIN itself, so a read-then-write is one transaction and DDL is transactional.
PostgreSQL sessions run in UTC.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalize_url(url: str | URL) -> URL:
    """`postgres://` and `postgresql://` mean psycopg 3; other URLs pass unchanged."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An Engine for the state store at `url`; extra keyword arguments go to `sa.create_engine`."""
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    if backend == "postgresql":
        connect_args = {"options": "-c timezone=UTC", **kwargs.pop("connect_args", {})}
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    raise ValueError(f"unsupported state-store backend {backend!r}: use sqlite:/// or postgresql:// URLs")


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (below), not pysqlite
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine
