"""The sync ledger: every field mqlsync means to write to a CRM, and what became of it.

A row is planned, then sent, then confirmed, failed or skipped. Values are the text sent to the
CRM. `value_as_of` is the data_interval_end that produced the value, so a backfill of an old
interval can never overwrite a value a newer run already confirmed: `ledger_plan` turns such rows
into `skipped` (error_code `NEWER_VALUE_CONFIRMED`) before anything is pushed.

Re-planning inside the same run (a retried task) replaces rows still `planned` and leaves rows
already sent alone, so a retry never sends a field twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import NamedTuple

import pandas as pd
import sqlalchemy as sa

from mqlsync.store.frames import bind_values, dialect_insert, read_query
from mqlsync.store.tables import sync_ledger

PLAN_COLUMNS = ("system", "object", "crm_id", "person_id", "field", "old_value", "new_value")
RESULT_STATUSES = ("confirmed", "failed", "skipped")
STALE_CODE = "NEWER_VALUE_CONFIRMED"


class PlanCounts(NamedTuple):
    planned: int
    skipped: int


def ledger_plan(conn: sa.Connection, plan: pd.DataFrame, *, run_id: str, value_as_of: datetime) -> PlanCounts:
    """Store the planned field writes of `run_id` (columns PLAN_COLUMNS; optional `status` =
    planned | skipped with `error_code`/`error_message` saying why). Returns planned and skipped counts."""
    missing = [c for c in PLAN_COLUMNS if c not in plan.columns]
    if missing:
        raise ValueError(f"ledger plan needs columns {missing}")
    now = datetime.now(UTC)
    if not plan.empty:
        frame = plan.drop_duplicates(["system", "object", "crm_id", "field"], keep="last")
        columns = [*PLAN_COLUMNS, "status", "error_code", "error_message"]
        rows = {
            c: bind_values(frame[c], sync_ledger.c[c].type) if c in frame else [None] * len(frame)
            for c in columns
        }
        rows["status"] = [s or "planned" for s in rows["status"]]
        if not set(rows["status"]) <= {"planned", "skipped"}:
            raise ValueError("a plan row's status is planned or skipped")
        params = [
            {
                **dict(zip(columns, values, strict=True)),
                "run_id": run_id,
                "value_as_of": value_as_of,
                "attempt": 0,
                "created_at": now,
                "updated_at": now,
            }
            for values in zip(*(rows[c] for c in columns), strict=True)
        ]
        insert = dialect_insert(conn, sync_ledger)
        excluded = insert.excluded
        stmt = insert.on_conflict_do_update(
            index_elements=["run_id", "system", "object", "crm_id", "field"],
            set_={
                c: excluded[c]
                for c in (
                    "person_id",
                    "old_value",
                    "new_value",
                    "value_as_of",
                    "status",
                    "error_code",
                    "error_message",
                    "updated_at",
                )
            },
            where=sync_ledger.c.status == "planned",
        )
        conn.execute(stmt, params)
    _skip_stale(conn, run_id, now)
    counts = dict(
        conn.execute(
            sa.select(sync_ledger.c.status, sa.func.count())
            .where(sync_ledger.c.run_id == run_id, sync_ledger.c.status.in_(("planned", "skipped")))
            .group_by(sync_ledger.c.status)
        ).all()
    )
    return PlanCounts(planned=counts.get("planned", 0), skipped=counts.get("skipped", 0))


def _skip_stale(conn: sa.Connection, run_id: str, now: datetime) -> None:
    newer = sync_ledger.alias("newer")
    newer_confirmed = (
        sa.select(newer.c.id)
        .where(
            newer.c.status == "confirmed",
            newer.c.system == sync_ledger.c.system,
            newer.c.object == sync_ledger.c.object,
            newer.c.crm_id == sync_ledger.c.crm_id,
            newer.c.field == sync_ledger.c.field,
            newer.c.value_as_of > sync_ledger.c.value_as_of,
        )
        .exists()
    )
    conn.execute(
        sa.update(sync_ledger)
        .where(sync_ledger.c.run_id == run_id, sync_ledger.c.status == "planned", newer_confirmed)
        .values(
            status="skipped",
            error_code=STALE_CODE,
            error_message="a newer interval already wrote this field",
            updated_at=now,
        )
    )


def ledger_mark_sent(
    conn: sa.Connection, *, run_id: str, system: str, object: str, crm_ids: Iterable[str]
) -> int:
    """Mark the planned (or previously failed in this run) fields of `crm_ids` as sent, counting the
    attempt. Call it in its own transaction before the request goes out. Returns rows marked."""
    ids = list(crm_ids)
    if not ids:
        return 0
    result = conn.execute(
        sa.update(sync_ledger)
        .where(
            sync_ledger.c.run_id == run_id,
            sync_ledger.c.system == system,
            sync_ledger.c.object == object,
            sync_ledger.c.crm_id.in_(sa.bindparam("ids", expanding=True)),
            sync_ledger.c.status.in_(("planned", "failed", "sent")),
        )
        .values(
            status="sent",
            attempt=sync_ledger.c.attempt + 1,
            error_code=None,
            error_message=None,
            updated_at=datetime.now(UTC),
        ),
        {"ids": ids},
    )
    return int(result.rowcount)


def ledger_mark_result(
    conn: sa.Connection, results: pd.DataFrame, *, run_id: str, system: str, object: str
) -> int:
    """Record the CRM's answer per record: columns `crm_id`, `status` (confirmed | failed | skipped),
    optional `field` (default: every sent field of the record), `error_code`, `error_message`.
    Only rows in status `sent` change. Returns rows updated."""
    if results.empty:
        return 0
    bad = sorted(set(results["status"]) - set(RESULT_STATUSES))
    if bad:
        raise ValueError(f"result status must be one of {RESULT_STATUSES}, got {bad}")
    columns = ["crm_id", "status", "field", "error_code", "error_message"]
    values = {
        c: bind_values(results[c], sa.Text()) if c in results else [None] * len(results) for c in columns
    }
    now = datetime.now(UTC)
    params = [
        {f"b_{c}": v for c, v in zip(columns, row, strict=True)} | {"b_now": now}
        for row in zip(*(values[c] for c in columns), strict=True)
    ]
    field_matches = sa.or_(
        sa.bindparam("b_field", type_=sa.Text()).is_(None),
        sync_ledger.c.field == sa.bindparam("b_field", type_=sa.Text()),
    )
    stmt = (
        sa.update(sync_ledger)
        .where(
            sync_ledger.c.run_id == run_id,
            sync_ledger.c.system == system,
            sync_ledger.c.object == object,
            sync_ledger.c.crm_id == sa.bindparam("b_crm_id"),
            field_matches,
            sync_ledger.c.status == "sent",
        )
        .values(
            status=sa.bindparam("b_status"),
            error_code=sa.bindparam("b_error_code"),
            error_message=sa.bindparam("b_error_message"),
            updated_at=sa.bindparam("b_now"),
        )
    )
    result = conn.execute(stmt, params)
    return int(result.rowcount)


def latest_confirmed_values(conn: sa.Connection, system: str, object: str) -> pd.DataFrame:
    """Per crm_id and field, the value last confirmed in the CRM: the confirmed row with the newest
    `value_as_of` (not the newest run, so a late backfill does not count as newer). Columns:
    crm_id, person_id, field, value, value_as_of, run_id."""
    rank = (
        sa.func.row_number()
        .over(
            partition_by=(sync_ledger.c.crm_id, sync_ledger.c.field),
            order_by=(sync_ledger.c.value_as_of.desc(), sync_ledger.c.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        sa.select(
            sync_ledger.c.crm_id,
            sync_ledger.c.person_id,
            sync_ledger.c.field,
            sync_ledger.c.new_value.label("value"),
            sync_ledger.c.value_as_of,
            sync_ledger.c.run_id,
            rank,
        )
        .where(
            sync_ledger.c.system == system,
            sync_ledger.c.object == object,
            sync_ledger.c.status == "confirmed",
        )
        .subquery()
    )
    stmt = (
        sa.select(
            ranked.c.crm_id,
            ranked.c.person_id,
            ranked.c.field,
            ranked.c.value,
            ranked.c.value_as_of,
            ranked.c.run_id,
        )
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.crm_id, ranked.c.field)
    )
    return read_query(conn, stmt)


def ledger_rows(
    conn: sa.Connection,
    *,
    run_id: str,
    system: str | None = None,
    object: str | None = None,
    status: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """The ledger rows of a run (optionally of one system/object/status), in plan order."""
    conditions = [sync_ledger.c.run_id == run_id]
    if system is not None:
        conditions.append(sync_ledger.c.system == system)
    if object is not None:
        conditions.append(sync_ledger.c.object == object)
    if status is not None:
        conditions.append(sync_ledger.c.status.in_([status] if isinstance(status, str) else list(status)))
    return read_query(conn, sa.select(sync_ledger).where(*conditions).order_by(sync_ledger.c.id))
