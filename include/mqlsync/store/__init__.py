"""The state store: what mqlsync remembers between runs (see DESIGN.md section 1).

SQLite under the data directory by default, PostgreSQL when `state_store_url` says so; the schema is
managed by Alembic migrations shipped in this package (`mqlsync db upgrade`). Every function takes an
open `sa.Connection` and never commits: wrap a step's writes in `with engine.begin() as conn:` so
they land together or not at all.
"""

from __future__ import annotations

from mqlsync.store.engine import create_store_engine, normalize_url
from mqlsync.store.frames import insert_frame, read_frame, read_query, upsert_frame
from mqlsync.store.identities import read_identities, record_identities
from mqlsync.store.ledger import (
    PlanCounts,
    latest_confirmed_values,
    ledger_mark_result,
    ledger_mark_sent,
    ledger_plan,
    ledger_rows,
)
from mqlsync.store.migrate import downgrade_store, head_revision, store_revision, upgrade_store
from mqlsync.store.quarantine import QuarantineCounts, read_quarantine, record_quarantine
from mqlsync.store.raw_files import claim_raw_file, mark_raw_file
from mqlsync.store.runs import add_run_counts, finish_run, get_run, start_run
from mqlsync.store.scores import latest_scores, record_scores, record_scoring_run, score_history
from mqlsync.store.tables import metadata
from mqlsync.store.validation import read_validation_results, record_validation_results
from mqlsync.store.watermarks import Watermark, get_watermark, set_watermark

__all__ = [
    "PlanCounts",
    "QuarantineCounts",
    "Watermark",
    "add_run_counts",
    "claim_raw_file",
    "create_store_engine",
    "downgrade_store",
    "finish_run",
    "get_run",
    "get_watermark",
    "head_revision",
    "insert_frame",
    "latest_confirmed_values",
    "latest_scores",
    "ledger_mark_result",
    "ledger_mark_sent",
    "ledger_plan",
    "ledger_rows",
    "mark_raw_file",
    "metadata",
    "normalize_url",
    "read_frame",
    "read_identities",
    "read_quarantine",
    "read_query",
    "read_validation_results",
    "record_identities",
    "record_quarantine",
    "record_scores",
    "record_scoring_run",
    "record_validation_results",
    "score_history",
    "set_watermark",
    "start_run",
    "store_revision",
    "upgrade_store",
    "upsert_frame",
]
