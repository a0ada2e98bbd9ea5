"""Quarantine entries: one row per (stage, table_name, record_key, check) across runs, open or resolved.

Existing rows that repeat a (stage, table_name, record, check) collapse into one entry: first seen =
the earliest row's run and time, last seen = the latest row's (its reason and snapshot are kept),
times_seen = the number of runs that stored it. Rows without a record_id are told apart by their
snapshot ("row:" + sha256 prefix, as mqlsync.store.quarantine.snapshot_key). Every entry starts open.
Downgrading gives one 0001 row per entry (its last sighting).

Both directions copy the table aside, recreate it and fill it with one INSERT … SELECT, the same on
SQLite (which cannot alter constraints in place) and PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of mqlsync.store.types: a migration must not change when the library does.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY_COLUMNS = ("stage", "table_name", "record_key", '"check"')
KEY = ", ".join(KEY_COLUMNS)


def _same_key(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} = {b}.{c}" for c in KEY_COLUMNS)


def _snapshot_key(value: Any) -> str:
    """Frozen copy of mqlsync.store.quarantine.snapshot_key, on an already decoded snapshot."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "row:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _create_entries_table() -> None:
    op.create_table(
        "quarantine",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("record_key", sa.Text(), nullable=False),
        sa.Column("check", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("row", JSON, nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("first_seen_run", sa.Text(), nullable=False),
        sa.Column("last_seen_run", sa.Text(), nullable=False),
        sa.Column("resolved_run", sa.Text(), nullable=True),
        sa.Column("first_seen_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
        sa.Column("times_seen", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_quarantine_status")),
        sa.ForeignKeyConstraint(
            ["first_seen_run"], ["runs.run_id"], name=op.f("fk_quarantine_first_seen_run_runs")
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_run"], ["runs.run_id"], name=op.f("fk_quarantine_last_seen_run_runs")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_run"], ["runs.run_id"], name=op.f("fk_quarantine_resolved_run_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
        sa.UniqueConstraint(
            "stage",
            "table_name",
            "record_key",
            "check",
            name=op.f("uq_quarantine_stage_table_name_record_key_check"),
        ),
    )
    op.create_index(op.f("ix_quarantine_status_check"), "quarantine", ["status", "check"], unique=False)
    op.create_index(op.f("ix_quarantine_last_seen_run"), "quarantine", ["last_seen_run"], unique=False)
    op.create_index(op.f("ix_quarantine_first_seen_run"), "quarantine", ["first_seen_run"], unique=False)
    op.create_index(
        op.f("ix_quarantine_stage_table_name_record_id"),
        "quarantine",
        ["stage", "table_name", "record_id"],
        unique=False,
    )


def _create_rows_table() -> None:
    """The 0001 shape: one row per run that stored a problem."""
    op.create_table(
        "quarantine",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("check", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("row", JSON, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_quarantine_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    op.create_index(
        op.f("ix_quarantine_run_id_table_name"), "quarantine", ["run_id", "table_name"], unique=False
    )
    op.create_index(
        op.f("ix_quarantine_table_name_record_id"), "quarantine", ["table_name", "record_id"], unique=False
    )


def upgrade() -> None:
    conn = op.get_bind()
    op.execute("CREATE TABLE quarantine_0001 AS SELECT q.*, q.record_id AS record_key FROM quarantine q")
    copy = sa.table("quarantine_0001", sa.column("id"), sa.column("row", JSON), sa.column("record_key"))
    # Rows without a record id are few (a source row that had none): keyed one by one, in Python,
    # because SQLite has no sha256.
    keyless = conn.execute(sa.select(copy.c.id, copy.c.row).where(copy.c.record_key.is_(None))).all()
    if keyless:
        conn.execute(
            sa.update(copy).where(copy.c.id == sa.bindparam("b_id")).values(record_key=sa.bindparam("b_key")),
            [{"b_id": row_id, "b_key": _snapshot_key(row)} for row_id, row in keyless],
        )
    op.drop_table("quarantine")
    _create_entries_table()
    op.execute(
        f"""
        WITH ranked AS (
            SELECT c.*,
                ROW_NUMBER() OVER (PARTITION BY {KEY} ORDER BY created_at, id) AS first_rank,
                ROW_NUMBER() OVER (PARTITION BY {KEY} ORDER BY created_at DESC, id DESC) AS last_rank
            FROM quarantine_0001 c
        ),
        runs_seen AS (
            SELECT {KEY}, COUNT(DISTINCT run_id) AS times_seen FROM quarantine_0001 GROUP BY {KEY}
        )
        INSERT INTO quarantine (stage, table_name, record_id, record_key, "check", reason, "row", status,
            first_seen_run, last_seen_run, first_seen_at, last_seen_at, times_seen)
        SELECT l.stage, l.table_name, l.record_id, l.record_key, l."check", l.reason, l."row", 'open',
            f.run_id, l.run_id, f.created_at, l.created_at, n.times_seen
        FROM ranked l
        JOIN ranked f ON f.first_rank = 1 AND {_same_key("f", "l")}
        JOIN runs_seen n ON {_same_key("n", "l")}
        WHERE l.last_rank = 1
        ORDER BY l.id
        """
    )
    op.drop_table("quarantine_0001")


def downgrade() -> None:
    op.execute("CREATE TABLE quarantine_0002 AS SELECT * FROM quarantine")
    op.drop_table("quarantine")
    _create_rows_table()
    op.execute(
        """
        INSERT INTO quarantine (run_id, stage, table_name, record_id, "check", reason, "row", created_at)
        SELECT last_seen_run, stage, table_name, record_id, "check", reason, "row", last_seen_at
        FROM quarantine_0002 ORDER BY id
        """
    )
    op.drop_table("quarantine_0002")
