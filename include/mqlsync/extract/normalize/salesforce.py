"""Salesforce raw landing (Lead, Contact, CampaignMember + Campaign, Task) -> canonical tables.

Field names stop here (STYLE.md section 2). Values may be typed (generator Parquet) or wire strings
(`2024-05-01T12:00:00.000+0000`, `"true"`); Campaign fields may come joined as `Campaign.Type`.
"""

from __future__ import annotations

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
from mqlsync.extract.normalize.events import build_events, campaign_member_event_types
from mqlsync.extract.normalize.people import NormalizedPeople, build_people, empty_links, link_rows
from mqlsync.extract.normalize.touches import build_touches

LEAD_REQUIRED = ("Id", "IsDeleted", "Email", "FirstName", "LastName", "Title", "Company", "Country")
CONTACT_REQUIRED = ("Id", "IsDeleted", "Email", "FirstName", "LastName", "Title", "MailingCountry")
MEMBER_REQUIRED = ("Id", "CampaignId", "LeadId", "ContactId", "Status")
TASK_REQUIRED = ("Id", "WhoId", "OwnerId", "Type")
PREFIXES = {"00Q": "sf_lead:", "003": "sf_contact:"}


def consent(raw: pd.DataFrame) -> pd.Series:
    """Consent_Status__c (`Opt In`/`Opt Out`); the standard email opt-out flag always means opt_out
    (compliance first: a checkbox the person ticked beats a stale picklist)."""
    status = (
        column(raw, "Consent_Status__c")
        .astype("string")
        .str.strip()
        .str.lower()
        .str.replace(r"[\s_-]+", "", regex=True)
    )
    out = pd.Series("unknown", index=raw.index, dtype="string")
    out[status.isin(["optin", "yes", "granted", "consented"]).fillna(False).astype(bool)] = "opt_in"
    out[status.isin(["optout", "no", "withdrawn", "revoked"]).fillna(False).astype(bool)] = "opt_out"
    out[parse_bools(column(raw, "HasOptedOutOfEmail"))] = "opt_out"
    return out


def _people(raw: pd.DataFrame, *, prefix: str, lead: bool) -> NormalizedPeople:
    raw = raw.reset_index(drop=True)
    ids = ids_as_text(raw["Id"])
    record_id = (prefix + ids).astype("string")
    deleted = parse_bools(raw["IsDeleted"])
    master = ids_as_text(column(raw, "MasterRecordId"))
    converted = parse_bools(column(raw, "IsConverted")) if lead else pd.Series(False, index=raw.index)
    addr = "" if lead else "Mailing"
    fields = pd.DataFrame(
        {
            "record_id": record_id,
            "source": "salesforce",
            "email": raw["Email"],
            "first_name": raw["FirstName"],
            "last_name": raw["LastName"],
            "title": raw["Title"],
            "company": column(raw, "Company") if lead else column(raw, "Account.Name"),
            "phone": column(raw, "Phone"),
            "country": raw[f"{addr}Country"],
            "state": column(raw, f"{addr}State"),
            "organization_type": column(raw, "Organization_Type__c"),
            "therapeutic_areas": column(raw, "Therapeutic_Areas__c"),
            "program_stage": column(raw, "Program_Stage__c"),
            "employees": column(raw, "NumberOfEmployees" if lead else "Account.NumberOfEmployees"),
            "lead_source": column(raw, "LeadSource"),
            "timeline": column(raw, "Evaluation_Timeline__c"),
            "consent": consent(raw),
            "do_not_contact": parse_bools(column(raw, "DoNotCall"))
            | parse_bools(column(raw, "HasOptedOutOfEmail")),
            "crm_status": vocab.crm_statuses(column(raw, "Status"))
            if lead
            else pd.Series(pd.NA, index=raw.index, dtype="string"),
            "owner_id": column(raw, "OwnerId"),
            "created_at": column(raw, "CreatedDate"),
            "updated_at": column(raw, "SystemModstamp")
            if "SystemModstamp" in raw
            else column(raw, "LastModifiedDate"),
            # A merged-away record is deleted in Salesforce; it stays visible as deleted, never as live.
            "is_deleted": deleted | master.notna(),
            "is_converted": converted,
        },
        index=raw.index,
    )
    accepted, log = build_people(fields, raw, table_name="people")
    links = [link_rows(record_id, prefix + master, "merged_into", "salesforce")]
    if lead:
        contact = ids_as_text(column(raw, "ConvertedContactId"))
        links.append(
            link_rows(record_id.where(converted), "sf_contact:" + contact, "converted_to", "salesforce")
        )
    links_frame = pd.concat(links, ignore_index=True) if links else empty_links()
    return NormalizedPeople(accepted, log.frame(), links_frame)


def normalize_sf_leads(leads: pd.DataFrame) -> NormalizedPeople:
    """Lead -> PEOPLE (`sf_lead:<Id>`); merged (MasterRecordId) and converted leads are kept, flagged
    is_deleted / is_converted, and listed in `links`. Rows leave only as MISSING_RECORD_ID/DUPLICATE_RECORD."""
    require_columns(leads, LEAD_REQUIRED, table="salesforce Lead")
    return _people(leads, prefix="sf_lead:", lead=True)


def normalize_sf_contacts(contacts: pd.DataFrame) -> NormalizedPeople:
    """Contact -> PEOPLE (`sf_contact:<Id>`), as normalize_sf_leads."""
    require_columns(contacts, CONTACT_REQUIRED, table="salesforce Contact")
    return _people(contacts, prefix="sf_contact:", lead=False)


def who_record_ids(ids: pd.Series) -> pd.Series:
    """`sf_lead:`/`sf_contact:` record ids from polymorphic ids by key prefix; other objects -> null."""
    text = ids_as_text(ids)
    prefix = text.str.slice(0, 3).map(PREFIXES)
    return (prefix + text).astype("string")


def normalize_campaign_members(members: pd.DataFrame, campaigns: pd.DataFrame | None = None) -> Normalized:
    """CampaignMember -> EVENTS, one per member row (`sf_cm:<Id>`), typed by Campaign.Type and the member
    Status (see events.CAMPAIGN_MEMBER_TYPES). Campaign fields come from `Campaign.Type`/`Campaign.Asset_Id__c`
    columns or are joined from `campaigns`. `Sent` (or another non-response) is quarantined as
    NOT_ENGAGEMENT, an unlisted combination as UNKNOWN_EVENT_TYPE; time is when the status was reached
    (LastModifiedDate for responses, CreatedDate otherwise)."""
    require_columns(members, MEMBER_REQUIRED, table="salesforce CampaignMember")
    raw = members.reset_index(drop=True)
    campaign_id = ids_as_text(raw["CampaignId"])
    ctype, asset = column(raw, "Campaign.Type"), column(raw, "Campaign.Asset_Id__c")
    if campaigns is not None and "Campaign.Type" not in raw.columns:
        require_columns(campaigns, ("Id", "Type"), table="salesforce Campaign")
        info = (
            campaigns.assign(_id=ids_as_text(campaigns["Id"]))
            .drop_duplicates("_id", keep="last")
            .set_index("_id")
        )
        ctype = campaign_id.map(info["Type"]).astype("string")
        asset = campaign_id.map(column(info, "Asset_Id__c")).astype("string")
    lead, contact = ids_as_text(raw["LeadId"]), ids_as_text(raw["ContactId"])
    record_id = ("sf_contact:" + contact).fillna("sf_lead:" + lead).astype("string")
    event_type, known, engaged = campaign_member_event_types(ctype, column(raw, "Status"))
    responded = engaged & event_type.ne("webinar_registered").fillna(False)
    created = column(raw, "CreatedDate")
    modified = column(raw, "LastModifiedDate")
    when = created.where(~responded | modified.isna(), modified) if "LastModifiedDate" in raw else created
    fields = pd.DataFrame(
        {
            "event_id": ("sf_cm:" + ids_as_text(raw["Id"])).astype("string"),
            "record_id": record_id,
            "email": pd.NA,
            "event_type": event_type,
            "asset_id": asset,
            "campaign_id": campaign_id,
            "occurred_at": when,
            "source": "salesforce",
        },
        index=raw.index,
    )
    log = QuarantineLog(raw, table_name="events", record_ids=fields["event_id"])
    status = column(raw, "Status").astype("string").fillna("")
    ctext = ctype.astype("string").fillna("unknown")
    log.add(
        ~known,
        "UNKNOWN_EVENT_TYPE",
        "campaign type " + ctext + " with member status " + status + " has no event type",
        drop=True,
    )
    log.add(
        known & ~engaged,
        "NOT_ENGAGEMENT",
        "member status " + status + " records a send, not engagement",
        drop=True,
    )
    log.add(
        parse_bools(column(raw, "IsDeleted")),
        "DELETED_IN_SOURCE",
        "campaign member was deleted in Salesforce",
        drop=True,
    )
    return build_events(fields, log)


def salesforce_first_touches(tasks: pd.DataFrame) -> Normalized:
    """Task -> first_touches (record_id, owner_id, touched_at, type): the earliest completed sales touch
    per Lead/Contact. Tasks on other objects are quarantined (NOT_A_PERSON); deleted or open ones are ignored
    with a note (NOT_ENGAGEMENT)."""
    require_columns(tasks, TASK_REQUIRED, table="salesforce Task")
    raw = tasks.reset_index(drop=True)
    touched = column(raw, "CompletedDateTime")
    for fallback in ("ActivityDate", "CreatedDate"):
        touched = touched.where(touched.notna(), column(raw, fallback))
    fields = pd.DataFrame(
        {
            "record_id": who_record_ids(raw["WhoId"]),
            "owner_id": ids_as_text(raw["OwnerId"]),
            "touched_at": touched,
            "type": column(raw, "TaskSubtype").where(column(raw, "TaskSubtype").notna(), raw["Type"]),
        },
        index=raw.index,
    )
    log = QuarantineLog(raw, table_name="first_touches", record_ids=fields["record_id"])
    log.add(fields["record_id"].isna(), "NOT_A_PERSON", "task is not on a Lead or Contact (WhoId)", drop=True)
    status = column(raw, "Status").astype("string").str.lower()
    open_task = status.notna() & ~status.isin(["completed", "closed"]).fillna(False)
    log.add(
        open_task | parse_bools(column(raw, "IsDeleted")),
        "NOT_ENGAGEMENT",
        "task is open or deleted: not a touch yet",
        drop=True,
    )
    return build_touches(fields, log)
