"""The state store's tables (SQLAlchemy Core), one MetaData that the migrations are checked against.

people, events and scores take their columns from the contracts in `mqlsync.schemas`, so a column is
defined once; the store adds bookkeeping columns after them. Column `info` tells `upsert_frame` how
to treat a bookkeeping column:

- `fill="run_id"`: set from the `run_id` argument of the write;
- `fill="now"`: set to the time of the write;
- `insert_only=True`: written when the row is inserted, never changed by an update.

Every time is an aware UTC instant (`UtcDateTime`). Lists and row snapshots are JSON (JSONB on
PostgreSQL). Vocabularies are checked in Python by `schemas.check_frame`, not by CHECK constraints, so
adding a routing queue needs no migration; statuses the store itself drives are CHECK-constrained.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa

from mqlsync.schemas import EVENTS, PEOPLE, SCORES, TableContract
from mqlsync.store.types import BigId, JsonValue, UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

RUN_STATUSES = ("running", "success", "failed")
LEDGER_STATUSES = ("planned", "sent", "confirmed", "failed", "skipped")
RAW_FILE_STATUSES = ("landed", "loaded", "failed")
QUARANTINE_STATUSES = ("open", "resolved")


def sql_type(arrow_type: pa.DataType) -> sa.types.TypeEngine:
    """The store type of a contract column's pyarrow type."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return sa.Text()
    if pa.types.is_integer(arrow_type):
        return sa.BigInteger()
    if pa.types.is_floating(arrow_type):
        return sa.Float()
    if pa.types.is_boolean(arrow_type):
        return sa.Boolean()
    if pa.types.is_timestamp(arrow_type):
        return UtcDateTime()
    if pa.types.is_list(arrow_type):
        return JsonValue()
    raise TypeError(f"no store type for {arrow_type}")


def contract_columns(contract: TableContract, *, key: tuple[str, ...]) -> list[sa.Column]:
    return [
        sa.Column(c.name, sql_type(c.type), primary_key=c.name in key, nullable=c.nullable)
        for c in contract.columns
    ]


def _in(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


def _run_fk(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "run_id", sa.Text(), sa.ForeignKey("runs.run_id"), nullable=nullable, info={"fill": "run_id"}
    )


def _bookkeeping() -> list[sa.Column]:
    """first_seen_run / updated_run / stored_at for canonical tables written by many runs."""
    return [
        sa.Column("first_seen_run", sa.Text(), info={"fill": "run_id", "insert_only": True}),
        sa.Column("updated_run", sa.Text(), info={"fill": "run_id"}),
        sa.Column("stored_at", UtcDateTime(), nullable=False, info={"fill": "now"}),
    ]


runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.Text(), primary_key=True),
    sa.Column("dag_id", sa.Text(), nullable=False),
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime()),
    sa.Column("data_interval_start", UtcDateTime()),
    sa.Column("data_interval_end", UtcDateTime()),
    sa.Column("counts", JsonValue(), nullable=False),
    sa.Column("error", sa.Text()),
    _in("status", RUN_STATUSES, "status"),
    sa.Index(None, "dag_id", "started_at"),
)

watermarks = sa.Table(
    "watermarks",
    metadata,
    sa.Column("system", sa.Text(), primary_key=True),
    sa.Column("object", sa.Text(), primary_key=True),
    sa.Column("value", UtcDateTime(), nullable=False),
    sa.Column("cursor", sa.Text(), doc="tie-break id at `value` (read inclusively, overlap dropped)"),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("run_id", sa.Text()),
)

people = sa.Table(
    "people",
    metadata,
    *contract_columns(PEOPLE, key=("record_id",)),
    *_bookkeeping(),
    sa.Index(None, "email"),
    sa.Index(None, "updated_run"),
)

events = sa.Table(
    "events",
    metadata,
    *contract_columns(EVENTS, key=("event_id",)),
    *_bookkeeping(),
    sa.Index(None, "record_id", "occurred_at"),
    sa.Index(None, "occurred_at"),
    sa.Index(None, "updated_run"),
)

# One entry per (stage, table_name, record_key, check), however many runs raise it (see
# store/quarantine.py): record_key is the record_id, or "row:<sha256 prefix>" of the snapshot for
# rows without one. An entry is `open` until a run checks its record again and it passes.
quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", BigId(), primary_key=True, autoincrement=True),
    sa.Column("stage", sa.Text(), nullable=False),
    sa.Column("table_name", sa.Text(), nullable=False),
    sa.Column("record_id", sa.Text()),
    sa.Column("record_key", sa.Text(), nullable=False),
    sa.Column("check", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("row", JsonValue()),
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("first_seen_run", sa.Text(), sa.ForeignKey("runs.run_id"), nullable=False),
    sa.Column("last_seen_run", sa.Text(), sa.ForeignKey("runs.run_id"), nullable=False),
    sa.Column("resolved_run", sa.Text(), sa.ForeignKey("runs.run_id")),
    sa.Column("first_seen_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("resolved_at", UtcDateTime()),
    sa.Column("times_seen", sa.Integer(), nullable=False),
    _in("status", QUARANTINE_STATUSES, "status"),
    sa.UniqueConstraint("stage", "table_name", "record_key", "check"),
    # `mqlsync quarantine list --open --check C`, and what one run raised.
    sa.Index(None, "status", "check"),
    sa.Index(None, "last_seen_run"),
    sa.Index(None, "first_seen_run"),
    # Resolving: the open entries of one stage and table whose record was checked again.
    sa.Index(None, "stage", "table_name", "record_id"),
)

identities = sa.Table(
    "identities",
    metadata,
    sa.Column("record_id", sa.Text(), primary_key=True),
    sa.Column("person_id", sa.Text(), nullable=False),
    sa.Column("match_rule", sa.Text()),
    sa.Column("match_score", sa.Float()),
    _run_fk(),
    sa.Column("updated_at", UtcDateTime(), nullable=False, info={"fill": "now"}),
    sa.Index(None, "person_id"),
)

scores = sa.Table(
    "scores",
    metadata,
    *contract_columns(SCORES, key=("person_id", "as_of", "model_version")),
    _run_fk(),
    sa.Column("stored_at", UtcDateTime(), nullable=False, info={"fill": "now"}),
    sa.Index(None, "as_of"),
    sa.Index(None, "run_id"),
)

sync_ledger = sa.Table(
    "sync_ledger",
    metadata,
    sa.Column("id", BigId(), primary_key=True, autoincrement=True),
    _run_fk(),
    sa.Column("system", sa.Text(), nullable=False),
    sa.Column("object", sa.Text(), nullable=False),
    sa.Column("crm_id", sa.Text(), nullable=False),
    sa.Column("person_id", sa.Text()),
    sa.Column("field", sa.Text(), nullable=False),
    sa.Column("old_value", sa.Text()),
    sa.Column("new_value", sa.Text()),
    sa.Column("value_as_of", UtcDateTime(), nullable=False),
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("error_code", sa.Text()),
    sa.Column("error_message", sa.Text()),
    sa.Column("attempt", sa.Integer(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    _in("status", LEDGER_STATUSES, "status"),
    # One plan row per run and field: re-planning inside a retried task cannot duplicate a write.
    sa.UniqueConstraint("run_id", "system", "object", "crm_id", "field"),
    # "Latest confirmed value per crm_id + field" walks this index backwards.
    sa.Index(None, "system", "object", "status", "crm_id", "field", "value_as_of"),
    sa.Index(None, "run_id", "status"),
)

raw_files = sa.Table(
    "raw_files",
    metadata,
    sa.Column("sha256", sa.Text(), primary_key=True),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("rows", sa.BigInteger()),
    sa.Column("status", sa.Text(), nullable=False),
    _run_fk(),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    _in("status", RAW_FILE_STATUSES, "status"),
    sa.Index(None, "run_id"),
)

TABLES: dict[str, sa.Table] = dict(metadata.tables)


def table(name: str) -> sa.Table:
    """The store table called `name`; a clear error lists the known ones."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no store table {name!r}; the tables are: {', '.join(sorted(TABLES))}") from None


# One row per run, suite and check (a check code names one expectation of a suite): what the
# validate stage evaluated, how many rows failed, the gate and the verdict (see mqlsync.validate).
validation_results = sa.Table(
    "validation_results",
    metadata,
    sa.Column("run_id", sa.Text(), sa.ForeignKey("runs.run_id"), primary_key=True),
    sa.Column("suite", sa.Text(), primary_key=True),
    sa.Column("check", sa.Text(), primary_key=True),
    sa.Column("table_name", sa.Text(), nullable=False),
    sa.Column("expectation", sa.Text(), nullable=False, doc="the GX expectation type"),
    sa.Column("column", sa.Text()),
    sa.Column("evaluated", sa.BigInteger(), nullable=False),
    sa.Column("failed", sa.BigInteger(), nullable=False),
    sa.Column("gate", sa.Float()),
    sa.Column("passed", sa.Boolean(), nullable=False),
    sa.Column("gate_failed", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False, info={"fill": "now"}),
    sa.Index(None, "suite", "check", "created_at"),
)
TABLES["validation_results"] = validation_results
