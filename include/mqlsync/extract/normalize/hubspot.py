"""HubSpot raw landing (contacts, form_submissions, web_events, engagements) -> canonical tables.

Property values arrive as strings on the wire (`"true"`, ISO-8601 or epoch-millisecond times) or typed
(generator Parquet); both are accepted.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from mqlsync.extract.normalize import vocab
from mqlsync.extract.normalize.cleaning import (
    Normalized,
    QuarantineLog,
    column,
    ids_as_text,
    parse_bools,
    require_columns,
)
from mqlsync.extract.normalize.events import (
    WEB_EVENT_TYPES,
    build_events,
    form_event_types,
    refine_form_types,
)
from mqlsync.extract.normalize.people import NormalizedPeople, build_people, link_rows
from mqlsync.extract.normalize.touches import build_touches, combine_touches

CONTACT_REQUIRED = ("id", "email", "firstname", "lastname", "jobtitle", "company", "country")
FORM_REQUIRED = ("contact_id", "form_name", "submitted_at")
WEB_REQUIRED = ("id", "objectId", "eventType", "occurredAt")
ENGAGEMENT_REQUIRED = ("id", "hs_timestamp", "contact_ids")
OPT_IN_BASES = ("freely given consent", "consent", "opt in", "opt-in")


def consent(raw: pd.DataFrame) -> pd.Series:
    """hs_email_optout -> opt_out (always wins); an explicit consent legal basis -> opt_in; legitimate
    interest, contract or nothing -> unknown (legitimate interest is not consent under GDPR)."""
    basis = column(raw, "hs_legal_basis").astype("string").str.lower()
    out = pd.Series("unknown", index=raw.index, dtype="string")
    is_consent = basis.str.contains("consent", regex=False) | basis.str.contains(r"opt[- ]?in", regex=True)
    out[is_consent.fillna(False).astype(bool)] = "opt_in"
    out[parse_bools(column(raw, "hs_email_optout"))] = "opt_out"
    return out


def crm_status(raw: pd.DataFrame) -> pd.Series:
    """hs_lead_status, unless the lifecycle stage says sales own the record (SQL, opportunity, customer)."""
    lead = vocab.crm_statuses(column(raw, "hs_lead_status"))
    stage = vocab.crm_statuses(column(raw, "lifecyclestage"))
    owned = stage.isin(["sql", "converted"]).fillna(False).astype(bool)
    return lead.where(~owned, stage)


def normalize_hubspot_contacts(contacts: pd.DataFrame) -> NormalizedPeople:
    """contacts -> PEOPLE (`hubspot:<id>`); archived -> is_deleted; hs_merged_object_ids -> links
    (`hubspot:<merged id>` merged_into `hubspot:<id>`). Rows leave only as MISSING_RECORD_ID/DUPLICATE_RECORD."""
    require_columns(contacts, CONTACT_REQUIRED, table="hubspot contacts")
    raw = contacts.reset_index(drop=True)
    ids = ids_as_text(raw["id"])
    record_id = ("hubspot:" + ids).astype("string")
    optout = parse_bools(column(raw, "hs_email_optout"))
    created = column(raw, "createdAt")
    updated = column(raw, "updatedAt")
    fields = pd.DataFrame(
        {
            "record_id": record_id,
            "source": "hubspot",
            "email": raw["email"],
            "first_name": raw["firstname"],
            "last_name": raw["lastname"],
            "title": raw["jobtitle"],
            "company": raw["company"],
            "phone": column(raw, "phone"),
            "country": raw["country"],
            "state": column(raw, "state"),
            "organization_type": column(raw, "organization_type"),
            "therapeutic_areas": column(raw, "therapeutic_areas"),
            "program_stage": column(raw, "program_stage"),
            "employees": column(raw, "numemployees"),
            "lead_source": column(raw, "hs_analytics_source"),
            "timeline": column(raw, "evaluation_timeline"),
            "consent": consent(raw),
            "do_not_contact": optout,
            "crm_status": crm_status(raw),
            "owner_id": column(raw, "hubspot_owner_id"),
            "created_at": created.where(created.notna(), column(raw, "createdate")),
            "updated_at": updated.where(updated.notna(), column(raw, "lastmodifieddate")),
            "is_deleted": parse_bools(column(raw, "archived")),
            "is_converted": pd.Series(False, index=raw.index),
        },
        index=raw.index,
    )
    accepted, log = build_people(fields, raw, table_name="people")
    merged = ids_as_text(column(raw, "hs_merged_object_ids")).str.split(";").explode().str.strip()
    merged = merged.mask(merged == "")
    survivor = record_id.loc[merged.index]
    links = link_rows(("hubspot:" + merged).astype("string"), survivor, "merged_into", "hubspot")
    return NormalizedPeople(accepted, log.frame(), links.reset_index(drop=True))


def normalize_form_submissions(forms: pd.DataFrame, *, asset_kinds: pd.Series | None = None) -> Normalized:
    """form_submissions -> EVENTS typed by form name (demo -> demo_request, pricing -> pricing_request, ...,
    other forms -> form_submit), refined by the asset's taxonomy kind when given. HubSpot has no id per
    submission: event_id is `hubspot_form:` + a hash of (contact, form, time), stable across runs."""
    require_columns(forms, FORM_REQUIRED, table="hubspot form_submissions")
    raw = forms.reset_index(drop=True)
    contact = ids_as_text(raw["contact_id"])
    form_key = ids_as_text(column(raw, "form_id")).fillna(raw["form_name"].astype("string").fillna(""))
    basis = contact.fillna("") + "|" + form_key + "|" + raw["submitted_at"].astype("string").fillna("")
    asset = column(raw, "asset_id")
    fields = pd.DataFrame(
        {
            "event_id": "hubspot_form:" + basis.map(lambda b: hashlib.sha1(b.encode()).hexdigest()[:24]),
            "record_id": ("hubspot:" + contact).astype("string"),
            "email": column(raw, "email"),
            "event_type": refine_form_types(form_event_types(raw["form_name"]), asset, asset_kinds),
            "asset_id": asset,
            "campaign_id": column(raw, "campaign_id"),
            "occurred_at": raw["submitted_at"],
            "source": "hubspot",
        },
        index=raw.index,
    )
    return build_events(fields, QuarantineLog(raw, table_name="events", record_ids=fields["event_id"]))


def normalize_web_events(web_events: pd.DataFrame) -> Normalized:
    """web_events -> EVENTS (`hubspot_web:<id>`) by eventType (WEB_EVENT_TYPES); others -> UNKNOWN_EVENT_TYPE."""
    require_columns(web_events, WEB_REQUIRED, table="hubspot web_events")
    raw = web_events.reset_index(drop=True)
    etype = raw["eventType"].astype("string").str.strip().str.lower()
    mapped = etype.map(WEB_EVENT_TYPES).astype("string")
    fields = pd.DataFrame(
        {
            "event_id": ("hubspot_web:" + ids_as_text(raw["id"])).astype("string"),
            "record_id": ("hubspot:" + ids_as_text(raw["objectId"])).astype("string"),
            "email": column(raw, "email"),
            "event_type": mapped,
            "asset_id": column(raw, "asset_id"),
            "campaign_id": column(raw, "campaign_id"),
            "occurred_at": raw["occurredAt"],
            "source": "hubspot",
        },
        index=raw.index,
    )
    log = QuarantineLog(raw, table_name="events", record_ids=fields["event_id"])
    log.add(
        mapped.isna(),
        "UNKNOWN_EVENT_TYPE",
        "eventType " + etype.fillna("(empty)").str.slice(0, 80) + " is not in the event vocabulary",
        drop=True,
    )
    return build_events(fields, log)


def hubspot_engagement_touches(frame: pd.DataFrame, kind: str) -> Normalized:
    """One engagement object (`email`, `call` or `meeting`) -> first_touches, a row per associated contact."""
    require_columns(frame, ENGAGEMENT_REQUIRED, table=f"hubspot engagements_{kind}s")
    raw = frame.reset_index(drop=True)
    contacts = ids_as_text(raw["contact_ids"]).str.split(";").explode().str.strip()
    rows = raw.loc[contacts.index].reset_index(drop=True)
    record_id = ("hubspot:" + contacts.mask(contacts == "").reset_index(drop=True)).astype("string")
    fields = pd.DataFrame(
        {
            "record_id": record_id,
            "owner_id": column(rows, "hubspot_owner_id"),
            "touched_at": rows["hs_timestamp"],
            "type": kind,
        }
    )
    log = QuarantineLog(rows, table_name="first_touches", record_ids=record_id)
    log.add(
        record_id.isna(), "NOT_A_PERSON", f"{kind} engagement is not associated with a contact", drop=True
    )
    return build_touches(fields, log)


def hubspot_first_touches(
    emails: pd.DataFrame | None = None,
    calls: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
) -> Normalized:
    """Engagements (emails, calls, meetings) -> first_touches, one row per associated contact."""
    kinds = (("email", emails), ("call", calls), ("meeting", meetings))
    return combine_touches([hubspot_engagement_touches(f, kind) for kind, f in kinds if f is not None])
