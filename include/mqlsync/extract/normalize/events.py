"""Canonical Event rows (schemas.EVENTS): each source's activity vocabulary -> EVENT_TYPES, and assembly.

An event leaves the output only when it cannot be put into the contract: no type in our vocabulary
(UNKNOWN_EVENT_TYPE), a send that is not engagement (NOT_ENGAGEMENT), no time (MALFORMED_TIMESTAMP),
nobody to attach it to (MISSING_RECORD_ID), or a repeat of the same event id (DUPLICATE_RECORD).
A malformed email on an event that has a record id is set to null and noted (MALFORMED_EMAIL).
"""

from __future__ import annotations

import re

import pandas as pd

from mqlsync.extract.normalize.cleaning import (
    Normalized,
    QuarantineLog,
    clean_emails,
    clean_text,
    parse_timestamps,
)
from mqlsync.extract.normalize.vocab import vocab_key
from mqlsync.schemas import EVENT_TYPES, EVENTS, conform_frame

# (Campaign.Type key, member Status key) -> event type; None: a known status that is not engagement.
CAMPAIGN_MEMBER_TYPES: dict[tuple[str, str], str | None] = {
    ("webinar", "registered"): "webinar_registered", ("webinar", "responded"): "webinar_registered",
    ("webinar", "attended"): "webinar_attended", ("webinar", "downloaded"): "content_download",
    ("conference", "attended"): "event_attended", ("conference", "responded"): "event_attended",
    ("trade_show", "attended"): "event_attended", ("trade_show", "responded"): "event_attended",
    ("event", "attended"): "event_attended", ("event", "responded"): "event_attended",
    ("content_syndication", "downloaded"): "content_download", ("content_syndication", "responded"): "content_download",
    ("website", "downloaded"): "content_download", ("website", "responded"): "form_submit",
    ("email", "responded"): "email_click", ("email", "clicked"): "email_click", ("email", "opened"): "email_open",
    ("email", "downloaded"): "content_download", ("email", "unsubscribed"): "unsubscribe",
}  # fmt: skip
# Statuses that record a send or a plan, on any campaign type: known, but not engagement.
NOT_ENGAGED_STATUSES: frozenset[str] = frozenset(
    {"sent", "planned", "invited", "received", "no_show", "bounced"}
)
# Any campaign type: these statuses mean the same thing everywhere.
ANY_CAMPAIGN_TYPES: dict[str, str] = {"downloaded": "content_download", "unsubscribed": "unsubscribe"}

# HubSpot web analytics event types (`e_*` names and the event definitions' labels).
WEB_EVENT_TYPES: dict[str, str] = {
    "e_visited_page": "page_view", "pe_visited_page": "page_view", "e_opened_email": "email_open",
    "e_clicked_email": "email_click", "e_downloaded_asset": "content_download",
    "e_attended_webinar": "webinar_attended", "e_registered_webinar": "webinar_registered",
    "e_attended_event": "event_attended", "e_unsubscribed": "unsubscribe", "e_submitted_form": "form_submit",
}  # fmt: skip
# Form name -> request type, first match wins; every other form is a plain form_submit.
FORM_RULES: tuple[tuple[str, str], ...] = (
    (
        "trial_matching_request",
        r"trial match|patient (match|referral)|find a (trial|study)|site (feasibility|selection)",
    ),
    (
        "evidence_request",
        r"ask an? (scientist|expert)|medical info|evidence|scientific (question|inquiry)|\bmsl\b",
    ),
    ("demo_request", r"\bdemo"),
    ("pricing_request", r"pric|quote|\bcost\b|budget"),
    ("sample_request", r"\bsamples?\b"),
    ("evaluation_request", r"evaluat|\btrial (unit|device)|\bpilot\b"),
    ("meeting_request", r"meeting|contact sales|talk to sales|\bcda\b|partnering"),
    ("webinar_registered", r"webinar|register"),
    ("content_download", r"download|ebook|white ?paper|gated"),
)
_FORM_COMPILED = tuple((t, re.compile(p)) for t, p in FORM_RULES)
# Asset kinds of the content taxonomy whose form is itself a request (Marketo/Pardot form fills).
REQUEST_KIND_TYPES: dict[str, str] = {
    "demo_page": "demo_request", "evaluation_page": "evaluation_request", "sample_page": "sample_request",
    "pricing_page": "pricing_request", "quote": "pricing_request", "meeting_page": "meeting_request",
    "cda_page": "meeting_request", "trial_page": "trial_matching_request",
    "evidence_request_page": "evidence_request", "webinar": "webinar_registered",
}  # fmt: skip
assert set(WEB_EVENT_TYPES.values()) | {t for t, _ in FORM_RULES} | set(REQUEST_KIND_TYPES.values()) <= set(
    EVENT_TYPES
)


def campaign_member_event_types(
    campaign_type: pd.Series, status: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(event type or null; mask of known combinations; mask of those that are engagement)."""
    pairs = pd.DataFrame(
        {"t": campaign_type.astype("string").fillna(""), "s": status.astype("string").fillna("")}
    )
    uniq = pairs.drop_duplicates()
    decided: dict[tuple[str, str], tuple[str | None, bool, bool]] = {}
    for t, s in uniq.itertuples(index=False):
        tk, sk = vocab_key(t), vocab_key(s)
        if sk in NOT_ENGAGED_STATUSES:
            decided[(t, s)] = (None, True, False)
        elif (tk, sk) in CAMPAIGN_MEMBER_TYPES:
            decided[(t, s)] = (CAMPAIGN_MEMBER_TYPES[(tk, sk)], True, True)
        elif sk in ANY_CAMPAIGN_TYPES:
            decided[(t, s)] = (ANY_CAMPAIGN_TYPES[sk], True, True)
        else:
            decided[(t, s)] = (None, False, False)
    key = pd.MultiIndex.from_frame(pairs)
    table = pd.DataFrame(
        decided.values(), index=pd.MultiIndex.from_tuples(decided.keys()), columns=["e", "k", "g"]
    )
    found = table.reindex(key)
    return (
        pd.Series(found["e"].to_numpy(), index=status.index, dtype="string"),
        pd.Series(found["k"].to_numpy(dtype=bool), index=status.index),
        pd.Series(found["g"].to_numpy(dtype=bool), index=status.index),
    )


def form_event_type(form_name: str) -> str:
    text = form_name.casefold()
    for event_type, pattern in _FORM_COMPILED:
        if pattern.search(text):
            return event_type
    return "form_submit"


def form_event_types(form_names: pd.Series) -> pd.Series:
    """Event type per form submission by form name (null name -> form_submit)."""
    text = form_names.astype("string")
    lookup = {n: form_event_type(n) for n in text.dropna().unique()}
    return text.map(lookup).astype("string").fillna("form_submit")


def refine_form_types(event_type: pd.Series, asset_id: pd.Series, asset_kinds: pd.Series | None) -> pd.Series:
    """A plain form fill on a request page (taxonomy kind `demo_page`...) is that request."""
    if asset_kinds is None or asset_kinds.empty:
        return event_type
    kind_type = asset_id.astype("string").map(asset_kinds.map(REQUEST_KIND_TYPES)).astype("string")
    plain = event_type.eq("form_submit").fillna(False) & kind_type.notna()
    return event_type.where(~plain, kind_type)


def build_events(fields: pd.DataFrame, log: QuarantineLog) -> Normalized:
    """Clean `fields` (EVENTS column names, raw values) into EVENTS rows; apply the drop rules above.

    Rows already dropped in `log` (unknown type...) are not checked again."""
    out = pd.DataFrame(index=fields.index)
    out["event_id"], _ = clean_text(fields["event_id"])
    out["record_id"] = fields["record_id"].astype("string")
    email, bad_email = clean_emails(fields["email"])
    out["email"] = email
    out["event_type"] = fields["event_type"].astype("string")
    for name in ("asset_id", "campaign_id"):
        text, _ = clean_text(fields[name].astype("string"))
        out[name] = text.str.slice(0, 255)
    out["occurred_at"], bad_time = parse_timestamps(fields["occurred_at"])
    out["source"] = fields["source"]
    live = ~log.dropped
    log.add(live & out["event_id"].isna(), "MISSING_RECORD_ID", "the event has no id", drop=True)
    log.add(live & bad_time, "MALFORMED_TIMESTAMP", "occurred_at is not a timestamp", drop=True)
    log.add(
        live & ~bad_time & out["occurred_at"].isna(),
        "MALFORMED_TIMESTAMP",
        "occurred_at is missing",
        drop=True,
    )
    nobody = out["record_id"].isna() & out["email"].isna()
    log.add(
        ~log.dropped & nobody,
        "MISSING_RECORD_ID",
        "the event has neither a record id nor a valid email",
        drop=True,
    )
    log.add(
        ~log.dropped & bad_email,
        "MALFORMED_EMAIL",
        "email is not a valid address; kept the event on its record id",
        drop=False,
    )
    repeat = out["event_id"].where(~log.dropped).pipe(lambda s: s.notna() & s.duplicated(keep="last"))
    log.add(repeat, "DUPLICATE_RECORD", "the same event id appears again later in this batch", drop=True)
    kept = out[~log.dropped]
    return Normalized(conform_frame(kept[EVENTS.names], EVENTS), log.frame())
