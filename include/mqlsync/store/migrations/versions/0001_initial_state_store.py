"""Initial state store: runs, watermarks, people, events, quarantine, identities, scores,
sync_ledger, raw_files.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of mqlsync.store.types: a migration must not change when the library does.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("asset_id", sa.Text(), nullable=True),
        sa.Column("campaign_id", sa.Text(), nullable=True),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("first_seen_run", sa.Text(), nullable=True),
        sa.Column("updated_run", sa.Text(), nullable=True),
        sa.Column("stored_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_occurred_at"), "events", ["occurred_at"], unique=False)
    op.create_index(
        op.f("ix_events_record_id_occurred_at"), "events", ["record_id", "occurred_at"], unique=False
    )
    op.create_index(op.f("ix_events_updated_run"), "events", ["updated_run"], unique=False)

    op.create_table(
        "people",
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("email_domain", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("organization_type", sa.Text(), nullable=True),
        sa.Column("job_function", sa.Text(), nullable=True),
        sa.Column("therapeutic_areas", sa.Text(), nullable=True),
        sa.Column("program_stage", sa.Text(), nullable=True),
        sa.Column("employees", sa.BigInteger(), nullable=True),
        sa.Column("lead_source", sa.Text(), nullable=True),
        sa.Column("timeline", sa.Text(), nullable=True),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("crm_status", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("is_converted", sa.Boolean(), nullable=False),
        sa.Column("first_seen_run", sa.Text(), nullable=True),
        sa.Column("updated_run", sa.Text(), nullable=True),
        sa.Column("stored_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_people")),
    )
    op.create_index(op.f("ix_people_email"), "people", ["email"], unique=False)
    op.create_index(op.f("ix_people_updated_run"), "people", ["updated_run"], unique=False)

    op.create_table(
        "runs",
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("dag_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("data_interval_start", TIMESTAMP, nullable=True),
        sa.Column("data_interval_end", TIMESTAMP, nullable=True),
        sa.Column("counts", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'success', 'failed')", name=op.f("ck_runs_status")),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
    )
    op.create_index(op.f("ix_runs_dag_id_started_at"), "runs", ["dag_id", "started_at"], unique=False)

    op.create_table(
        "watermarks",
        sa.Column("system", sa.Text(), nullable=False),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column("value", TIMESTAMP, nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("system", "object", name=op.f("pk_watermarks")),
    )
    op.create_table(
        "identities",
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=False),
        sa.Column("match_rule", sa.Text(), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_identities_run_id_runs")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_identities")),
    )
    op.create_index(op.f("ix_identities_person_id"), "identities", ["person_id"], unique=False)

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

    op.create_table(
        "raw_files",
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("status IN ('landed', 'loaded', 'failed')", name=op.f("ck_raw_files_status")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_raw_files_run_id_runs")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_raw_files")),
    )
    op.create_index(op.f("ix_raw_files_run_id"), "raw_files", ["run_id"], unique=False)

    op.create_table(
        "scores",
        sa.Column("person_id", sa.Text(), nullable=False),
        sa.Column("as_of", TIMESTAMP, nullable=False),
        sa.Column("model_version", sa.Text(), nullable=False),
        sa.Column("segment", sa.Text(), nullable=True),
        sa.Column("fit_score", sa.BigInteger(), nullable=False),
        sa.Column("intent_score", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("fit_grade", sa.Text(), nullable=False),
        sa.Column("intent_level", sa.BigInteger(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("mql_status", sa.Text(), nullable=False),
        sa.Column("reason_codes", JSON, nullable=False),
        sa.Column("disqualify_reason", sa.Text(), nullable=True),
        sa.Column("routing_queue", sa.Text(), nullable=True),
        sa.Column("nurture_track", sa.Text(), nullable=True),
        sa.Column("mql_at", TIMESTAMP, nullable=True),
        sa.Column("sla_due_at", TIMESTAMP, nullable=True),
        sa.Column("handoff_summary", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("stored_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_scores_run_id_runs")),
        sa.PrimaryKeyConstraint("person_id", "as_of", "model_version", name=op.f("pk_scores")),
    )
    op.create_index(op.f("ix_scores_as_of"), "scores", ["as_of"], unique=False)
    op.create_index(op.f("ix_scores_run_id"), "scores", ["run_id"], unique=False)

    op.create_table(
        "sync_ledger",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("system", sa.Text(), nullable=False),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column("crm_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Text(), nullable=True),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("value_as_of", TIMESTAMP, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("error_code", sa.Text(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'sent', 'confirmed', 'failed', 'skipped')",
            name=op.f("ck_sync_ledger_status"),
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_sync_ledger_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_ledger")),
        sa.UniqueConstraint(
            "run_id",
            "system",
            "object",
            "crm_id",
            "field",
            name=op.f("uq_sync_ledger_run_id_system_object_crm_id_field"),
        ),
    )
    op.create_index(op.f("ix_sync_ledger_run_id_status"), "sync_ledger", ["run_id", "status"], unique=False)
    op.create_index(
        op.f("ix_sync_ledger_system_object_status_crm_id_field_value_as_of"),
        "sync_ledger",
        ["system", "object", "status", "crm_id", "field", "value_as_of"],
        unique=False,
    )


def downgrade() -> None:
    # Dependants first; dropping a table drops its indexes.
    op.drop_table("sync_ledger")
    op.drop_table("scores")
    op.drop_table("raw_files")
    op.drop_table("quarantine")
    op.drop_table("identities")
    op.drop_table("watermarks")
    op.drop_table("runs")
    op.drop_table("people")
    op.drop_table("events")
