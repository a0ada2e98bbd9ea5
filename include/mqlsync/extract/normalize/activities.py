"""Marketo and Account Engagement (Pardot) activity export rows -> EVENTS (docs/activity-exports.md).

Each platform has its own activity vocabulary; these tables say what each known activity means in
ours. An activity type that is not listed is quarantined (UNKNOWN_EVENT_TYPE), never guessed, and a
type that records a send (Marketo `Send Email`, Pardot `Sent`) as NOT_ENGAGEMENT. Form fills on a
request page (content taxonomy kind) become that request.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from mqlsync.extract.normalize.cleaning import Normalized, QuarantineLog, column, ids_as_text, require_columns
from mqlsync.extract.normalize.events import build_events, refine_form_types
from mqlsync.extract.normalize.vocab import vocab_key

MARKETO_COLUMNS: tuple[str, ...] = (
    "marketoGUID", "leadId", "email", "activityDate", "activityTypeId", "activityTypeName", "campaignId",
    "primaryAttributeValueId", "primaryAttributeValue", "attributes",
)  # fmt: skip
PARDOT_COLUMNS: tuple[str, ...] = (
    "id",
    "prospect_id",
    "prospect_email",
    "type",
    "type_name",
    "details",
    "campaign_id",
    "created_at",
)
MARKETO_REQUIRED: tuple[str, ...] = ("marketoGUID", "leadId", "email", "activityDate", "activityTypeId")
PARDOT_REQUIRED: tuple[str, ...] = ("id", "prospect_id", "prospect_email", "type", "created_at")

# Marketo activityTypeId -> event type ("program" : decided by the program status change below).
MARKETO_TYPES: dict[int, str | None] = {
    1: "page_view", 2: "form_submit", 3: "email_click", 9: "unsubscribe", 10: "email_open", 11: "email_click",
    6: None, 7: None, 8: None, 104: "program", 113: "content_download", 34: "webinar_registered",
}  # fmt: skip
# Pardot visitor activity (type, type_name key) -> event type; (type, "") is the fallback when the name
# is blank or unlisted and the type id alone is unambiguous.
PARDOT_TYPES: dict[tuple[int, str], str | None] = {
    (1, "email_tracker"): "email_click", (1, "file"): "content_download", (1, "custom_redirect"): "email_click",
    (2, "visit"): "page_view", (2, ""): "page_view", (4, "form"): "form_submit", (4, "form_handler"): "form_submit",
    (4, ""): "form_submit", (6, "email"): None, (6, ""): None, (11, "email"): "email_open", (11, ""): "email_open",
    (12, "email"): "unsubscribe", (12, ""): "unsubscribe", (24, "webinar"): "webinar_attended",
    (24, ""): "webinar_attended", (25, "webinar"): "webinar_registered", (25, ""): "webinar_registered",
    (36, "event"): "event_attended", (36, ""): "event_attended",
}  # fmt: skip
_ASSET_IN_DETAILS = re.compile(r"\[([A-Za-z0-9][\w.-]{0,99})\]")


def _lookup_types(keys: pd.Series, table: dict) -> tuple[pd.Series, pd.Series]:
    """(event type or null; mask of keys in the table) over distinct keys."""
    uniq = keys.dropna().unique()
    known = keys.map({k: k in table for k in uniq}).fillna(False).astype(bool)
    mapped = keys.map({k: table.get(k) for k in uniq}).astype("string")
    return mapped, known


def _program_status_type(primary: pd.Series, attributes: pd.Series) -> pd.Series:
    """A Marketo program status change: `Attended` on a webinar program -> webinar_attended, on any other
    program (conference, trade show, event) -> event_attended; `Registered` on a webinar -> webinar_registered."""

    def decide(pair: tuple[str, str]) -> str | None:
        program, attrs = pair
        try:
            parsed = json.loads(attrs) if attrs else {}
        except ValueError:
            parsed = {}
        parsed = parsed if isinstance(parsed, dict) else {}
        status = str(parsed.get("New Status", "")).casefold()
        name = str(parsed.get("Program", "") or program).casefold()
        if "webinar" in name:
            return "webinar_registered" if "regist" in status else "webinar_attended"
        if "attend" in status or not status:
            return "event_attended"
        return None

    pairs = list(zip(primary.fillna("").astype(str), attributes.fillna("").astype(str), strict=True))
    lookup = {p: decide(p) for p in set(pairs)}
    return pd.Series([lookup[p] for p in pairs], index=primary.index, dtype="string")


def normalize_marketo_activities(rows: pd.DataFrame, *, asset_kinds: pd.Series | None = None) -> Normalized:
    """Marketo activity export rows (strings) -> EVENTS: `marketo:<marketoGUID>` on `marketo:<leadId>`."""
    require_columns(rows, MARKETO_REQUIRED, table="marketo activities")
    raw = rows.reset_index(drop=True)
    type_id = pd.to_numeric(raw["activityTypeId"], errors="coerce").astype("Int64")
    mapped, known = _lookup_types(type_id, MARKETO_TYPES)
    program = mapped.eq("program").fillna(False)
    primary = column(raw, "primaryAttributeValue").astype("string")
    if program.any():
        mapped[program] = _program_status_type(primary[program], column(raw, "attributes")[program])
    asset = primary.where(~program)
    lead = ids_as_text(raw["leadId"])
    fields = pd.DataFrame(
        {
            "event_id": ("marketo:" + ids_as_text(raw["marketoGUID"])).astype("string"),
            "record_id": ("marketo:" + lead).astype("string"),
            "email": raw["email"],
            "event_type": refine_form_types(mapped, asset, asset_kinds),
            "asset_id": asset,
            "campaign_id": ids_as_text(column(raw, "campaignId")),
            "occurred_at": raw["activityDate"],
            "source": "marketo",
        },
        index=raw.index,
    )
    log = QuarantineLog(raw, table_name="events", record_ids=fields["event_id"])
    name = column(raw, "activityTypeName").astype("string").fillna("").str.slice(0, 80)
    type_text = raw["activityTypeId"].astype("string").fillna("(empty)").str.slice(0, 20)
    log.add(
        ~known,
        "UNKNOWN_EVENT_TYPE",
        "activityTypeId " + type_text + " (" + name + ") is not in the event vocabulary",
        drop=True,
    )
    log.add(
        known & fields["event_type"].isna() & ~program,
        "NOT_ENGAGEMENT",
        "activity " + name + " records a send, not engagement",
        drop=True,
    )
    log.add(
        program & fields["event_type"].isna(),
        "UNKNOWN_EVENT_TYPE",
        "program status change that is neither registration nor attendance",
        drop=True,
    )
    return build_events(fields, log)


def normalize_pardot_activities(rows: pd.DataFrame, *, asset_kinds: pd.Series | None = None) -> Normalized:
    """Account Engagement visitor activity rows (strings) -> EVENTS: `pardot:<id>` on `pardot:<prospect_id>`.
    The asset id is the `[...]` tag in `details`."""
    require_columns(rows, PARDOT_REQUIRED, table="pardot visitor activities")
    raw = rows.reset_index(drop=True)
    type_id = pd.to_numeric(raw["type"], errors="coerce").astype("Int64")
    name_key = column(raw, "type_name").astype("string").fillna("").map(vocab_key)
    type_text = type_id.astype("string").fillna("?")
    table = {f"{t}|{n}": v for (t, n), v in PARDOT_TYPES.items()}
    exact, known = _lookup_types(type_text + "|" + name_key, table)
    fallback, known_id = _lookup_types(type_text + "|", table)
    mapped = exact.where(known, fallback)
    known = known | known_id
    details = column(raw, "details").astype("string")
    asset = details.str.extract(_ASSET_IN_DETAILS, expand=False).astype("string")
    fields = pd.DataFrame(
        {
            "event_id": ("pardot:" + ids_as_text(raw["id"])).astype("string"),
            "record_id": ("pardot:" + ids_as_text(raw["prospect_id"])).astype("string"),
            "email": raw["prospect_email"],
            "event_type": refine_form_types(mapped, asset, asset_kinds),
            "asset_id": asset,
            "campaign_id": ids_as_text(column(raw, "campaign_id")),
            "occurred_at": raw["created_at"],
            "source": "pardot",
        },
        index=raw.index,
    )
    log = QuarantineLog(raw, table_name="events", record_ids=fields["event_id"])
    type_text = raw["type"].astype("string").fillna("(empty)").str.slice(0, 20)
    name = column(raw, "type_name").astype("string").fillna("").str.slice(0, 80)
    log.add(
        ~known,
        "UNKNOWN_EVENT_TYPE",
        "type " + type_text + " (" + name + ") is not in the event vocabulary",
        drop=True,
    )
    log.add(
        known & fields["event_type"].isna(),
        "NOT_ENGAGEMENT",
        "activity " + name + " records a send, not engagement",
        drop=True,
    )
    return build_events(fields, log)
