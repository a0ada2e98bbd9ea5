"""DataFrames in and out of the store: one bulk upsert and one typed read, the same on both backends.

`upsert_frame` writes a whole frame in one statement per chunk (executemany of INSERT … ON CONFLICT
DO UPDATE); on PostgreSQL a large frame is COPYed into a temporary table and merged with one
INSERT … SELECT … ON CONFLICT. An update fires only when a data column changed, so a rerun with
nothing new leaves `updated_run`/`stored_at` alone. Neither function commits: the caller owns the
transaction (`with engine.begin() as conn:`), so a crash mid-write leaves nothing half-written.

`read_frame` returns the dtypes `schemas.conform_frame` produces: `string`, `Int64`, `bool` (or
`boolean` when nullable), `float64`, `datetime64[us, UTC]`, and Python lists/dicts for JSON.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from mqlsync.store.tables import table as store_table
from mqlsync.store.types import UtcDateTime

CHUNK_ROWS = 10_000
# At and above this many rows PostgreSQL upserts go through COPY + merge instead of executemany.
COPY_MIN_ROWS = 20_000

Where = sa.ColumnElement[bool] | Mapping[str, Any] | None


def dialect_insert(conn: sa.Connection, tbl: sa.Table) -> Any:
    """INSERT with ON CONFLICT support for the connection's backend."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(tbl)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(tbl)
    raise ValueError(f"unsupported state-store backend {conn.dialect.name!r}")


def upsert_frame(
    conn: sa.Connection,
    table_name: str,
    df: pd.DataFrame,
    key_columns: Sequence[str] | None = None,
    *,
    run_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Insert or update `df` into `table_name` by `key_columns` (default: the primary key).

    Columns of `df` must be table columns; table columns it lacks are left alone on update (and
    take their default on insert). Bookkeeping columns (see `tables`) are filled from `run_id` and
    `now`. Duplicate keys inside `df` collapse to their last row. Returns the rows written.
    """
    tbl = store_table(table_name)
    keys = list(key_columns) if key_columns else [c.name for c in tbl.primary_key.columns]
    unknown = [str(c) for c in df.columns if c not in tbl.c]
    missing_keys = [k for k in keys if k not in df.columns]
    if unknown or missing_keys:
        problems = [f"unknown columns {unknown}"] if unknown else []
        problems += [f"key columns missing {missing_keys}"] if missing_keys else []
        raise ValueError(f"cannot upsert into {table_name}: {'; '.join(problems)}")
    if df.empty:
        return 0
    frame = df.drop_duplicates(subset=keys, keep="last")
    frame = _with_bookkeeping(frame, tbl, run_id=run_id, now=now or datetime.now(UTC))
    columns = list(frame.columns)
    if conn.dialect.name == "postgresql" and len(frame) >= COPY_MIN_ROWS:
        _copy_merge(conn, tbl, frame, keys)
        return len(frame)
    _execute_chunks(conn, _upsert_statement(dialect_insert(conn, tbl), tbl, keys, columns), tbl, frame)
    return len(frame)


def insert_frame(conn: sa.Connection, table_name: str, df: pd.DataFrame, *, run_id: str | None = None) -> int:
    """Append `df` to `table_name` (for tables with a generated key); returns the rows written."""
    tbl = store_table(table_name)
    unknown = [str(c) for c in df.columns if c not in tbl.c]
    if unknown:
        raise ValueError(f"cannot insert into {table_name}: unknown columns {unknown}")
    if df.empty:
        return 0
    frame = _with_bookkeeping(df, tbl, run_id=run_id, now=datetime.now(UTC))
    _execute_chunks(conn, sa.insert(tbl), tbl, frame)
    return len(frame)


def read_frame(
    conn: sa.Connection,
    table_name: str,
    where: Where = None,
    *,
    columns: Sequence[str] | None = None,
    order_by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of `table_name` matching `where` (a SQLAlchemy condition, or {column: value | list}).

    Ordered by `order_by` (default: the primary key), typed as the module docstring says.
    """
    tbl = store_table(table_name)
    selected = [tbl.c[c] for c in columns] if columns else list(tbl.c)
    stmt = sa.select(*selected)
    if where is not None:
        stmt = stmt.where(_condition(tbl, where))
    order = [tbl.c[c] for c in order_by] if order_by else list(tbl.primary_key.columns)
    return read_query(conn, stmt.order_by(*order))


def read_query(conn: sa.Connection, stmt: sa.Select[Any]) -> pd.DataFrame:
    """Run a SELECT and type its columns from their SQL types (see `read_frame`)."""
    result = conn.execute(stmt)
    rows = result.all()
    data = list(zip(*rows, strict=True)) if rows else [() for _ in stmt.selected_columns]
    out = {
        col.name: _to_series(list(values), col.type, nullable=getattr(col, "nullable", True))
        for col, values in zip(stmt.selected_columns, data, strict=True)
    }
    return pd.DataFrame(out, index=pd.RangeIndex(len(rows)))


# -- writing ---------------------------------------------------------------------------------------


def _with_bookkeeping(
    frame: pd.DataFrame, tbl: sa.Table, *, run_id: str | None, now: datetime
) -> pd.DataFrame:
    fills = {c.name: c.info["fill"] for c in tbl.c if "fill" in c.info}
    if not fills:
        return frame
    frame = frame.copy()
    for name, fill in fills.items():
        if fill == "run_id" and run_id is not None:
            frame[name] = run_id
        elif fill == "now" and name not in frame.columns:
            frame[name] = pd.Timestamp(now).tz_convert("UTC")
    return frame


def _execute_chunks(conn: sa.Connection, stmt: Any, tbl: sa.Table, frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    if conn.dialect.name == "sqlite":
        _execute_sqlite(conn, stmt, tbl, frame)
        return
    values = [bind_values(frame[c], tbl.c[c].type) for c in columns]
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = [
            dict(zip(columns, row, strict=True))
            for row in zip(*(v[start : start + CHUNK_ROWS] for v in values), strict=True)
        ]
        conn.execute(stmt, chunk)


def _execute_sqlite(conn: sa.Connection, stmt: Any, tbl: sa.Table, frame: pd.DataFrame) -> None:
    """Compile once and hand the driver ready tuples: SQLAlchemy's per-row parameter handling costs
    more than SQLite's own executemany. Values are what SQLAlchemy's own processors would produce."""
    dialect = conn.dialect
    compiled = stmt.compile(dialect=dialect, column_keys=list(frame.columns))
    order = list(compiled.positiontup or [])
    if set(order) != set(frame.columns):
        raise AssertionError(f"unexpected bind parameters {order}")
    values = [_sqlite_values(frame[name], tbl.c[name].type, dialect) for name in order]
    for start in range(0, len(frame), CHUNK_ROWS):
        rows = list(zip(*(v[start : start + CHUNK_ROWS] for v in values), strict=True))
        conn.exec_driver_sql(compiled.string, rows)


def _sqlite_values(series: pd.Series, sql_type: sa.types.TypeEngine, dialect: sa.Dialect) -> list[Any]:
    if isinstance(sql_type, UtcDateTime) and isinstance(series.dtype, pd.DatetimeTZDtype):
        # The text SQLAlchemy's SQLite DATETIME stores (naive UTC), built in one vectorised pass.
        return _iso_utc(series, sep=" ", suffix="")
    values = bind_values(series, sql_type)
    process = sql_type._cached_bind_processor(dialect)
    return [v if v is None else process(v) for v in values] if process else values


def _iso_utc(series: pd.Series, *, sep: str, suffix: str) -> list[str | None]:
    """Microsecond ISO texts of an aware series in UTC, vectorised; None where missing."""
    naive = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    text = np.datetime_as_string(naive, unit="us")
    if sep != "T":
        text = np.char.replace(text, "T", sep)
    if suffix:
        text = np.char.add(text, suffix)
    out = text.astype(object)
    out[series.isna().to_numpy()] = None
    return out.tolist()


def _upsert_statement(insert: Any, tbl: sa.Table, keys: list[str], columns: list[str]) -> Any:
    updated = [c for c in columns if c not in keys and not tbl.c[c].info.get("insert_only")]
    compared = [c for c in updated if "fill" not in tbl.c[c].info]
    if not updated:
        return insert.on_conflict_do_nothing(index_elements=keys)
    excluded = insert.excluded
    changed = sa.or_(*(tbl.c[c].is_distinct_from(excluded[c]) for c in compared)) if compared else None
    return insert.on_conflict_do_update(
        index_elements=keys, set_={c: excluded[c] for c in updated}, where=changed
    )


def bind_values(series: pd.Series, sql_type: sa.types.TypeEngine) -> list[Any]:
    """Python values for the driver: None for every missing value, UTC datetimes, lists for JSON."""
    if isinstance(sql_type, UtcDateTime):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert("UTC")
        elif pd.api.types.is_datetime64_dtype(series.dtype):
            raise ValueError(
                f"{series.name}: naive datetime column; localize it (mqlsync stores UTC instants)"
            )
        values = series.astype(object).to_numpy(copy=True)
        values[pd.isna(values)] = None
        # Object columns pass through; UtcDateTime refuses any naive value among them.
        return [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in values]
    if isinstance(sql_type, sa.JSON):
        return [_json_value(v) for v in series]
    values = series.astype(object).to_numpy(copy=True)
    values[pd.isna(values)] = None
    if isinstance(sql_type, sa.Integer | sa.Float):
        return [
            v if v is None else (int(v) if isinstance(sql_type, sa.Integer) else float(v)) for v in values
        ]
    if isinstance(sql_type, sa.Boolean):
        return [v if v is None else bool(v) for v in values]
    return values.tolist()


def _json_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, list | dict | tuple):
        return list(value) if isinstance(value, tuple) else value
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return None
    return value


def _copy_merge(conn: sa.Connection, tbl: sa.Table, frame: pd.DataFrame, keys: list[str]) -> None:
    """COPY the frame into a temporary table, then one INSERT … SELECT … ON CONFLICT (PostgreSQL)."""
    columns = list(frame.columns)
    quote = conn.dialect.identifier_preparer.quote
    tmp_name = f"tmp_{tbl.name}_{uuid.uuid4().hex[:12]}"
    column_list = ", ".join(quote(c) for c in columns)
    # No constraints on the staging table: the merge below enforces them, with the usual errors.
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {quote(tmp_name)} ON COMMIT DROP AS "
        f"SELECT {column_list} FROM {quote(tbl.name)} WITH NO DATA"
    )
    values = []
    for c in columns:
        series, sql_type = frame[c], tbl.c[c].type
        if isinstance(sql_type, UtcDateTime) and isinstance(series.dtype, pd.DatetimeTZDtype):
            v = _iso_utc(series, sep="T", suffix="+00:00")  # COPY parses text; no datetime objects
        else:
            v = bind_values(series, sql_type)
            if isinstance(sql_type, sa.JSON):
                v = [None if x is None else json.dumps(x) for x in v]
        values.append(v)
    copy_sql = f"COPY {quote(tmp_name)} ({column_list}) FROM STDIN"
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(copy_sql) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
    except dbapi_error as err:
        raise sa.exc.DBAPIError.instance(copy_sql, None, err, dbapi_error) from err
    finally:
        cursor.close()
    tmp = sa.Table(tmp_name, sa.MetaData(), *(sa.Column(c, tbl.c[c].type) for c in columns))
    insert = postgresql.insert(tbl).from_select(columns, sa.select(*(tmp.c[c] for c in columns)))
    conn.execute(_upsert_statement(insert, tbl, keys, columns))
    conn.exec_driver_sql(f"DROP TABLE {quote(tmp_name)}")


# -- reading ---------------------------------------------------------------------------------------


def _condition(tbl: sa.Table, where: sa.ColumnElement[bool] | Mapping[str, Any]) -> sa.ColumnElement[bool]:
    if not isinstance(where, Mapping):
        return where
    parts = []
    for name, value in where.items():
        col = tbl.c[name]
        if value is None:
            parts.append(col.is_(None))
        elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
            parts.append(col.in_(list(value)))
        else:
            parts.append(col == value)
    return sa.and_(*parts)


def _to_series(values: list[Any], sql_type: sa.types.TypeEngine, *, nullable: bool) -> pd.Series:
    if isinstance(sql_type, UtcDateTime | sa.DateTime):
        return pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]")
    if isinstance(sql_type, sa.Boolean):
        return pd.Series(values, dtype="bool" if not nullable else "boolean")
    if isinstance(sql_type, sa.Integer):
        return pd.Series(values, dtype="Int64")
    if isinstance(sql_type, sa.Float):
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if isinstance(sql_type, sa.JSON):
        return pd.Series(values, dtype=object)
    if isinstance(sql_type, sa.String):
        return pd.Series(values, dtype="string")
    return pd.Series(values, dtype=object)
