"""The quarantine: rows a stage could not accept, one entry per record and check however many runs see it.

Every stage stores its `schemas.QUARANTINE` rows (stage, table_name, record_id, check, reason, row as
JSON text) with `record_quarantine`. An entry is keyed on (stage, table_name, record_key, check):
record_key is the record_id, or for a row without one "row:" + a sha256 prefix of its snapshot
(`snapshot_key`), so id-less rows deduplicate too. A rerun that raises the same problems adds no
entry: it moves `last_seen_run`/`last_seen_at`, counts `times_seen` and keeps the latest reason and
snapshot as evidence. `checked` names the records a stage looked at in this run: an open entry of
such a record that this run did not raise again is `resolved` (the record was fixed at the source);
a resolved entry raised again reopens.

Set-based on both backends, whatever the size: each chunk of rows travels as one JSON parameter
(`json_each` on SQLite, `json_array_elements` on PostgreSQL) into one INSERT … SELECT … ON CONFLICT DO
UPDATE, and the checked ids as one JSON array into one UPDATE … WHERE record_id IN (…) per stage and
table. `frames.upsert_frame` does not fit: its update cannot say "times_seen + 1" or "reopen".

PostgreSQL text and JSONB cannot hold a NUL character, so NUL becomes U+FFFD (the replacement
character) on both backends, in every text column and inside the snapshot. Everything else (HTML,
quotes, emoji, bidi marks, long text) is stored verbatim as inert text: escaping is the renderer's job.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

import pandas as pd
import sqlalchemy as sa

from mqlsync.errors import SchemaError
from mqlsync.schemas import QUARANTINE, check_frame, conform_frame
from mqlsync.store.frames import dialect_insert, read_query
from mqlsync.store.tables import quarantine as quarantine_table
from mqlsync.store.types import UtcDateTime

CHUNK_ROWS = 10_000
"""Rows per merge statement (bounds the JSON parameter, ~10 MB with full snapshots)."""
KEY = ("stage", "table_name", "record_key", "check")
CHECK_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
NUL_REPLACEMENT = "\ufffd"
# A JSON `\u0000` escape, i.e. one preceded by an even number of backslashes (`\\u0000` is text).
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")
_PAYLOAD = ("stage", "table_name", "record_id", "record_key", "check", "reason", "row")


class QuarantineCounts(NamedTuple):
    """What one `record_quarantine` call did. `open`: entries still open in the stages and tables
    the call touched (its rows' and `checked`'s)."""

    new: int
    seen_again: int
    resolved: int
    open: int


def snapshot_key(row: str | None) -> str:
    """The record_key of a row without a record_id: "row:" + 16 hex digits of the sha256 of its
    snapshot in canonical JSON (sorted keys), so the same row matches however its JSON was spelled.
    Migration 0002 keeps a frozen copy: changing this needs a migration that rekeys the table."""
    value = None if row is None else json.loads(row)
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "row:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def record_quarantine(
    conn: sa.Connection,
    rows: pd.DataFrame,
    *,
    run_id: str,
    checked: Mapping[tuple[str, str], Iterable[str]] | None = None,
    now: datetime | None = None,
) -> QuarantineCounts:
    """Store `rows` (a QUARANTINE frame) for run `run_id` and resolve what `checked` shows fixed.

    Each (stage, table_name, record_key, check) is one entry: new ones are inserted open with
    first/last seen = this run; known ones get last_seen_run/at, reason and row from `rows`, count one
    more sighting (once per run, so a retried task counts once) and reopen if they were resolved.
    Repeats inside `rows` collapse to their last row. `checked` maps (stage, table_name) to the
    record ids that stage checked in this run: every open entry among them that this run did not
    raise is resolved with `resolved_run`/`resolved_at`. Raises SchemaError if `rows` breaks the
    contract or a check is not an upper-case code. Never commits.
    """
    entries = _entries(rows)
    now = now or datetime.now(UTC)
    params = {"run_id": run_id, "now": now}
    new = seen_again = 0
    for start in range(0, len(entries), CHUNK_ROWS):
        chunk = entries.iloc[start : start + CHUNK_ROWS]
        source = _payload_rows(conn, chunk[list(_PAYLOAD)].to_json(orient="values", force_ascii=False))
        inserted = _merge_counting_inserts(conn, source, params, rows=len(chunk))
        new += inserted
        seen_again += len(chunk) - inserted
    resolved = 0
    for (stage, table_name), ids in (checked or {}).items():
        resolved += _resolve(conn, stage, table_name, ids, run_id=run_id, now=now)
    touched = set(zip(entries["stage"], entries["table_name"], strict=True)) | set(checked or {})
    return QuarantineCounts(new, seen_again, resolved, _count_open(conn, touched))


def read_quarantine(
    conn: sa.Connection,
    *,
    open_only: bool = False,
    check: str | None = None,
    table_name: str | None = None,
    stage: str | None = None,
    run_id: str | None = None,
) -> pd.DataFrame:
    """Quarantine entries, open ones first, then in the order they were first stored; `row` is the
    snapshot as a dict.

    `run_id` selects the entries that run first raised or was the last to raise
    (first_seen_run == run_id or last_seen_run == run_id): for the latest run that is everything it
    raised. Sightings between the first and the last are not kept, so for an older run an entry
    raised both before and after it is not listed.
    """
    q = quarantine_table.c
    conditions: list[sa.ColumnElement[bool]] = []
    if open_only:
        conditions.append(q.status == "open")
    for column, value in ((q.check, check), (q.table_name, table_name), (q.stage, stage)):
        if value is not None:
            conditions.append(column == value)
    if run_id is not None:
        conditions.append(sa.or_(q.first_seen_run == run_id, q.last_seen_run == run_id))
    opened_first = sa.case((q.status == "open", 0), else_=1)
    stmt = sa.select(quarantine_table).where(sa.and_(sa.true(), *conditions)).order_by(opened_first, q.id)
    return read_query(conn, stmt)


# -- preparing rows ---------------------------------------------------------------------------------


def _entries(rows: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns as text, NUL replaced, record_key added, one row per key (the last)."""
    check_frame(rows, QUARANTINE)
    frame = conform_frame(rows, QUARANTINE)
    bad = frame["check"].notna() & ~frame["check"].str.fullmatch(CHECK_CODE).fillna(False).astype(bool)
    if bad.any():
        seen = sorted({str(v) for v in frame.loc[bad, "check"].unique()[:5]})
        raise SchemaError(
            QUARANTINE.name,
            [
                f"check: {int(bad.sum())} values are not upper-case codes like MALFORMED_TIMESTAMP, e.g. {seen}"
            ],
            sample_ids=[str(i) for i in frame.loc[bad, "record_id"].dropna().head(5)],
        )
    for name in ("stage", "table_name", "record_id", "check", "reason"):
        frame[name] = frame[name].str.replace("\x00", NUL_REPLACEMENT, regex=False)
    frame["row"] = (
        frame["row"]
        .str.replace(_JSON_NUL, r"\1\\ufffd", regex=True)
        .str.replace("\x00", NUL_REPLACEMENT, regex=False)
    )
    no_id = frame["record_id"].isna()
    keys = frame["record_id"].copy()
    if no_id.any():
        keys[no_id] = [snapshot_key(None if pd.isna(r) else str(r)) for r in frame.loc[no_id, "row"]]
    frame["record_key"] = keys.astype("string")
    return frame.drop_duplicates(subset=list(KEY), keep="last").reset_index(drop=True)


# -- statements -------------------------------------------------------------------------------------


def _payload_rows(conn: sa.Connection, payload: str) -> sa.Subquery:
    """The rows of a JSON array of arrays (in _PAYLOAD order) as a subquery, on either backend."""
    param = sa.bindparam("payload", payload, type_=sa.Text())
    if conn.dialect.name == "sqlite":
        each = sa.func.json_each(param).table_valued("value").alias("p")

        def field(i: int) -> sa.ColumnElement[Any]:
            return sa.func.json_extract(each.c.value, f"$[{i}]")

        row: sa.ColumnElement[Any] = sa.func.json(field(6))
    elif conn.dialect.name == "postgresql":
        each = sa.func.json_array_elements(sa.cast(param, sa.JSON())).table_valued("value").alias("p")

        def field(i: int) -> sa.ColumnElement[Any]:
            return each.c.value.op("->>")(sa.literal_column(str(i)))

        row = sa.cast(field(6), quarantine_table.c.row.type)
    else:
        raise ValueError(f"unsupported state-store backend {conn.dialect.name!r}")
    columns = [sa.type_coerce(field(i), sa.Text()).label(name) for i, name in enumerate(_PAYLOAD[:-1])]
    # The WHERE keeps SQLite from reading the upsert's ON CONFLICT as a join condition.
    return (
        sa.select(*columns, sa.type_coerce(row, quarantine_table.c.row.type).label("row"))
        .where(each.c.value.is_not(None))
        .subquery("incoming")
    )


def _merge_counting_inserts(
    conn: sa.Connection, source: sa.Subquery, params: dict[str, Any], *, rows: int
) -> int:
    """Run the merge of `source` (`rows` rows, unique keys); returns how many were new entries."""
    merge = _merge(conn, source)
    if conn.dialect.name == "postgresql":
        # One statement: RETURNING tells inserted rows (xmax = 0) from updated ones. A separate
        # count join against the JSON rows would be planned for 100 rows and can go quadratic.
        merged = merge.returning(sa.literal_column("(xmax = 0)", sa.Boolean()).label("inserted")).cte(
            "merged"
        )
        counted = sa.select(sa.func.count().filter(merged.c.inserted)).select_from(merged)
        return int(conn.execute(counted, params).scalar_one())
    # SQLite has no DML in a WITH; it counts the known keys first (a probe of the unique index each).
    q = quarantine_table.c
    on = sa.and_(*(q[name] == source.c[name] for name in KEY))
    known_rows = int(
        conn.execute(
            sa.select(sa.func.count()).select_from(source.join(quarantine_table, on)), params
        ).scalar_one()
    )
    conn.execute(merge, params)
    return rows - known_rows


def _merge(conn: sa.Connection, source: sa.Subquery) -> Any:
    q = quarantine_table.c
    run = sa.bindparam("run_id", type_=sa.Text())
    now = sa.bindparam("now", type_=UtcDateTime())
    selected = {
        **{name: source.c[name] for name in _PAYLOAD},
        "status": sa.literal("open", sa.Text()),
        "first_seen_run": run,
        "last_seen_run": run,
        "first_seen_at": now,
        "last_seen_at": now,
        "times_seen": sa.literal(1, sa.Integer()),
    }
    insert = dialect_insert(conn, quarantine_table).from_select(
        list(selected), sa.select(*selected.values()).where(source.c.stage.is_not(None))
    )
    seen = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "record_id": seen.record_id,
            "reason": seen.reason,
            "row": seen.row,
            "last_seen_run": seen.last_seen_run,
            "last_seen_at": seen.last_seen_at,
            # One sighting per run: a retried task that records the same rows again counts once.
            "times_seen": q.times_seen + sa.case((q.last_seen_run == seen.last_seen_run, 0), else_=1),
            "status": "open",
            "resolved_run": None,
            "resolved_at": None,
        },
    )


def _resolve(
    conn: sa.Connection, stage: str, table_name: str, ids: Iterable[str], *, run_id: str, now: datetime
) -> int:
    """Resolve the open entries of `ids` in (stage, table_name) that this run did not raise."""
    checked = pd.Series(list(ids), dtype="string").dropna().str.replace("\x00", NUL_REPLACEMENT, regex=False)
    if checked.empty:
        return 0
    param = sa.bindparam(
        "ids", checked.drop_duplicates().to_json(orient="values", force_ascii=False), sa.Text()
    )
    q = quarantine_table.c
    stmt = (
        sa.update(quarantine_table)
        .where(q.stage == stage, q.table_name == table_name, q.status == "open", q.last_seen_run != run_id)
        .values(status="resolved", resolved_run=run_id, resolved_at=sa.bindparam("now", now, UtcDateTime()))
    )
    if conn.dialect.name == "sqlite":
        # SQLite builds a temporary index of the IN list once, then probes it per entry.
        ids = sa.select(sa.func.json_each(param).table_valued("value").c.value).scalar_subquery()
        stmt = stmt.where(q.record_id.in_(ids))
    else:
        # UPDATE … FROM a distinct list: a hash or index join. (`IN (SELECT json_…)` lets the planner
        # re-expand the whole array for every entry: quadratic.)
        elements = sa.func.json_array_elements_text(sa.cast(param, sa.JSON())).table_valued("value")
        ids = sa.select(elements.c.value).distinct().subquery("checked")
        stmt = stmt.where(q.record_id == ids.c.value)
    return int(conn.execute(stmt).rowcount)


def _count_open(conn: sa.Connection, pairs: set[tuple[str, str]]) -> int:
    if not pairs:
        return 0
    q = quarantine_table.c
    touched = sa.or_(*(sa.and_(q.stage == s, q.table_name == t) for s, t in sorted(pairs)))
    stmt = sa.select(sa.func.count()).select_from(quarantine_table).where(q.status == "open", touched)
    return int(conn.execute(stmt).scalar_one())
