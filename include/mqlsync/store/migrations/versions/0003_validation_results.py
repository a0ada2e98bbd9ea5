"""validation_results: per run, suite and check, what the validate stage evaluated and decided.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Frozen copy of mqlsync.store.types: a migration must not change when the library does.
TIMESTAMP = sa.DateTime(timezone=True)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "validation_results",
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("suite", sa.Text(), nullable=False),
        sa.Column("check", sa.Text(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("expectation", sa.Text(), nullable=False),
        sa.Column("column", sa.Text(), nullable=True),
        sa.Column("evaluated", sa.BigInteger(), nullable=False),
        sa.Column("failed", sa.BigInteger(), nullable=False),
        sa.Column("gate", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("gate_failed", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_validation_results_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "suite", "check", name=op.f("pk_validation_results")),
    )
    op.create_index(
        op.f("ix_validation_results_suite_check_created_at"),
        "validation_results",
        ["suite", "check", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_validation_results_suite_check_created_at"), table_name="validation_results")
    op.drop_table("validation_results")
