"""Column types that behave the same on SQLite and PostgreSQL.

`UtcDateTime` stores an instant: aware values are converted to UTC on the way in, naive values are
refused (an unlabelled time is a bug upstream), and values come back aware in UTC on both backends
(SQLite keeps no zone). `JsonValue` is JSONB on PostgreSQL (comparable, so an upsert can tell whether a
list changed) and JSON text on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """TIMESTAMP WITH TIME ZONE on PostgreSQL, an ISO text in UTC on SQLite; always aware UTC in Python."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime: label it with a time zone (mqlsync stores UTC instants)")
        value = value.astimezone(UTC)
        # SQLite compares the stored text, so every row must use the same (naive UTC) spelling.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def JsonValue() -> sa.types.TypeEngine[Any]:  # noqa: N802 - reads like the other type constructors
    """JSON on SQLite, JSONB on PostgreSQL."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def BigId() -> sa.types.TypeEngine[int]:  # noqa: N802
    """A surrogate key: BIGINT on PostgreSQL, INTEGER on SQLite (so it aliases the rowid)."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
