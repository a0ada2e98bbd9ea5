"""The canonical table contracts of DESIGN.md section 3: people, events, scores, and quarantine.

One definition per table, used everywhere: pyarrow types for Parquet and the state store, closed
vocabularies for the columns that have one. `check_frame` reports every problem at once with sample
record ids; `conform_frame` coerces a frame to the contract's dtypes after it passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from mqlsync.errors import SchemaError

EVENT_TYPES: tuple[str, ...] = (
    "page_view",
    "email_open",
    "email_click",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "event_attended",
    "form_submit",
    "demo_request",
    "evaluation_request",
    "trial_matching_request",
    "evidence_request",
    "sample_request",
    "pricing_request",
    "meeting_request",
    "unsubscribe",
)
SOURCES: tuple[str, ...] = ("salesforce", "hubspot", "marketo", "pardot")
CONSENT_VALUES: tuple[str, ...] = ("opt_in", "opt_out", "unknown")
MQL_STATUSES: tuple[str, ...] = ("new", "nurture", "mql", "disqualified")
SALES_OWNED_STATUSES: tuple[str, ...] = ("working", "accepted", "sql", "converted", "closed")
ROUTING_QUEUES: tuple[str, ...] = (
    "sales",
    "sdr_review",
    "clinical_operations",
    "medical_affairs",
    "partnerships",
    "customer_success",
    "nurture",
)
NURTURE_TRACKS: tuple[str, ...] = ("education", "evidence", "trial", "partnership")
FIT_GRADES: tuple[str, ...] = ("A", "B", "C", "D")

# Canonical values of the people columns that normalization maps every source onto.
ORGANIZATION_TYPES: tuple[str, ...] = (
    "academic_medical_center",
    "university",
    "cro",
    "biotech",
    "pharma",
    "medtech",
    "diagnostics_lab",
    "hospital",
    "community_practice",
    "government",
    "other",
)
JOB_FUNCTIONS: tuple[str, ...] = (
    "principal_investigator",
    "lab_manager",
    "scientist",
    "postdoc",
    "clinical_research_coordinator",
    "clinical_operations_director",
    "procurement",
    "medical_science_liaison",
    "physician",
    "executive",
    "business_development",
    "regulatory_affairs",
    "student",
    "consultant",
    "other",
)
THERAPEUTIC_AREAS: tuple[str, ...] = (
    "oncology",
    "neurology",
    "cardiovascular",
    "immunology",
    "infectious_disease",
    "rare_disease",
    "metabolic",
    "respiratory",
    "ophthalmology",
    "hematology",
)
PROGRAM_STAGES: tuple[str, ...] = (
    "discovery",
    "preclinical",
    "phase_1",
    "phase_2",
    "phase_3",
    "commercial",
    "not_applicable",
)
TIMELINES: tuple[str, ...] = ("0_3_months", "3_6_months", "6_12_months", "12_plus_months", "unknown")
CONTENT_STAGES: tuple[str, ...] = ("early", "mid", "late")
# The stages that can quarantine a row (see QUARANTINE); a new stage adds its name here.
QUARANTINE_STAGES: tuple[str, ...] = ("normalize", "validate", "resolve", "score", "writeback")

UTC_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    doc: str = ""


@dataclass(frozen=True)
class TableContract:
    """A named table: its columns in order and the column that identifies a row in messages."""

    name: str
    columns: tuple[Column, ...]
    id_column: str
    doc: str = ""
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def column(self, name: str) -> Column:
        return self._by_name[name]


PEOPLE = TableContract(
    name="people",
    id_column="record_id",
    doc="One row per source record before identity resolution.",
    columns=(
        Column("record_id", pa.string(), nullable=False, doc="source-qualified, e.g. sf_lead:00Q…"),
        Column("source", pa.string(), nullable=False, allowed=SOURCES),
        Column("email", pa.string()),
        Column("first_name", pa.string()),
        Column("last_name", pa.string()),
        Column("title", pa.string()),
        Column("company", pa.string()),
        Column("email_domain", pa.string()),
        Column("phone", pa.string()),
        Column("country", pa.string(), doc="ISO 3166-1 alpha-2"),
        Column("state", pa.string()),
        Column("organization_type", pa.string()),
        Column("job_function", pa.string()),
        Column("therapeutic_areas", pa.string(), doc="';'-separated"),
        Column("program_stage", pa.string()),
        Column("employees", pa.int64()),
        Column("lead_source", pa.string()),
        Column("timeline", pa.string()),
        Column("consent", pa.string(), nullable=False, allowed=CONSENT_VALUES),
        Column("do_not_contact", pa.bool_(), nullable=False),
        Column("crm_status", pa.string()),
        Column("owner_id", pa.string()),
        Column("created_at", UTC_TS),
        Column("updated_at", UTC_TS),
        Column("is_deleted", pa.bool_(), nullable=False),
        Column("is_converted", pa.bool_(), nullable=False),
    ),
)

EVENTS = TableContract(
    name="events",
    id_column="event_id",
    doc="Engagement; attached to a record_id or, failing that, an email.",
    columns=(
        Column("event_id", pa.string(), nullable=False),
        Column("record_id", pa.string()),
        Column("email", pa.string()),
        Column("event_type", pa.string(), nullable=False, allowed=EVENT_TYPES),
        Column("asset_id", pa.string()),
        Column("campaign_id", pa.string()),
        Column("occurred_at", UTC_TS, nullable=False),
        Column("source", pa.string(), nullable=False, allowed=SOURCES),
    ),
)

SCORES = TableContract(
    name="scores",
    id_column="person_id",
    doc="One row per person per run.",
    columns=(
        Column("person_id", pa.string(), nullable=False),
        Column("as_of", UTC_TS, nullable=False),
        Column("model_version", pa.string(), nullable=False),
        Column("segment", pa.string()),
        Column("fit_score", pa.int64(), nullable=False),
        Column("intent_score", pa.int64(), nullable=False),
        Column("score", pa.int64(), nullable=False),
        Column("fit_grade", pa.string(), nullable=False, allowed=FIT_GRADES),
        Column("intent_level", pa.int64(), nullable=False),
        Column("tier", pa.string(), nullable=False),
        Column("mql_status", pa.string(), nullable=False, allowed=MQL_STATUSES),
        Column("reason_codes", pa.list_(pa.string()), nullable=False, doc="ordered, signed, with points"),
        Column("disqualify_reason", pa.string()),
        Column("routing_queue", pa.string(), allowed=ROUTING_QUEUES),
        Column("nurture_track", pa.string(), allowed=NURTURE_TRACKS),
        Column("mql_at", UTC_TS),
        Column("sla_due_at", UTC_TS),
        Column("handoff_summary", pa.string()),
    ),
)

QUARANTINE = TableContract(
    name="quarantine",
    id_column="record_id",
    doc="Rows a stage could not accept (or kept with a note): which check, why, and the row as it was.",
    columns=(
        Column("stage", pa.string(), nullable=False, allowed=QUARANTINE_STAGES),
        Column("table_name", pa.string(), nullable=False, doc="the contract the row was meant for"),
        Column("record_id", pa.string(), doc="source-qualified id; null when the row has none"),
        Column("check", pa.string(), nullable=False, doc="stable upper-case code, e.g. MALFORMED_TIMESTAMP"),
        Column("reason", pa.string(), nullable=False, doc="human-readable: what was seen, what is allowed"),
        Column("row", pa.string(), doc="JSON text snapshot of the row, each value cut to a maximum length"),
    ),
)
QUARANTINE_COLUMNS: tuple[str, ...] = tuple(QUARANTINE.names)

CONTRACTS: dict[str, TableContract] = {c.name: c for c in (PEOPLE, EVENTS, SCORES, QUARANTINE)}

_SAMPLE = 5


def _sample(ids: Iterable[object]) -> list[str]:
    return [str(i) for i in list(ids)[:_SAMPLE]]


def _type_problem(series: pd.Series, col: Column) -> str | None:
    """Why `series` cannot hold `col`'s type, or None when it can (after coercion)."""
    t = col.type
    s = series.dropna()
    if s.empty:
        return None
    if pa.types.is_timestamp(t):
        if pd.api.types.is_datetime64_any_dtype(series):
            return None
        parsed = pd.to_datetime(s, errors="coerce", utc=True, format="mixed")
        bad = int(parsed.isna().sum())
        return f"{bad} values are not timestamps" if bad else None
    if pa.types.is_integer(t):
        if pd.api.types.is_integer_dtype(series):
            return None
        num = pd.to_numeric(s, errors="coerce")
        bad = int((num.isna() | (num % 1 != 0)).sum())
        return f"{bad} values are not whole numbers" if bad else None
    if pa.types.is_boolean(t):
        if pd.api.types.is_bool_dtype(series):
            return None
        bad = int((~s.isin([True, False])).sum())
        return f"{bad} values are not booleans" if bad else None
    if pa.types.is_list(t):
        bad = int((~s.map(lambda v: isinstance(v, list | tuple) or hasattr(v, "tolist"))).sum())
        return f"{bad} values are not lists" if bad else None
    return None


def check_frame(df: pd.DataFrame, contract: TableContract, *, allow_extra: bool = False) -> None:
    """Raise SchemaError naming every problem (missing, extra, nulls, types, vocabularies) at once."""
    problems: list[str] = []
    samples: list[str] = []
    missing = [n for n in contract.names if n not in df.columns]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    extra = [str(c) for c in df.columns if c not in contract._by_name]
    if extra and not allow_extra:
        problems.append(f"unexpected columns: {', '.join(extra)} (drop them or map them first)")
    ids = df[contract.id_column] if contract.id_column in df.columns else pd.Series(df.index, index=df.index)
    for col in contract.columns:
        if col.name not in df.columns:
            continue
        series = df[col.name]
        nulls = series.isna()
        if not col.nullable and nulls.any():
            problems.append(f"{col.name}: {int(nulls.sum())} empty values in a required column")
            samples += _sample(ids[nulls])
        why = _type_problem(series, col)
        if why:
            problems.append(f"{col.name}: {why} (expected {col.type})")
        if col.allowed is not None:
            bad = ~series.isin(col.allowed) & ~nulls
            if bad.any():
                seen = sorted({str(v) for v in series[bad].unique()[:_SAMPLE]})
                problems.append(
                    f"{col.name}: {int(bad.sum())} values outside the vocabulary, e.g. {seen}; "
                    f"allowed: {', '.join(col.allowed)}"
                )
                samples += _sample(ids[bad])
    if problems:
        raise SchemaError(contract.name, problems, sample_ids=list(dict.fromkeys(samples))[:_SAMPLE])


def conform_frame(df: pd.DataFrame, contract: TableContract) -> pd.DataFrame:
    """Check, then return a copy with the contract's columns, in order, in their pandas dtypes."""
    check_frame(df, contract, allow_extra=True)
    out = pd.DataFrame(index=df.index)
    for col in contract.columns:
        s = df[col.name]
        t = col.type
        if pa.types.is_timestamp(t):
            out[col.name] = pd.to_datetime(s, utc=True, format="mixed").astype("datetime64[us, UTC]")
        elif pa.types.is_integer(t):
            out[col.name] = pd.to_numeric(s).astype("Int64")
        elif pa.types.is_boolean(t):
            out[col.name] = s.astype("boolean") if col.nullable else s.astype(bool)
        elif pa.types.is_list(t):
            out[col.name] = s
        else:
            out[col.name] = s.astype("string")
    return out


def empty_frame(contract: TableContract) -> pd.DataFrame:
    """A zero-row frame with the contract's columns and dtypes."""
    return contract.arrow_schema.empty_table().to_pandas()
