"""Per-chunk Salesforce rows: Lead, Contact, CampaignMember, Task, Opportunity.

Lead Status follows the sales outcome; a converted lead points at the Contact and Account it became.
CampaignMember is unique per (campaign, lead or contact), as Salesforce enforces: several responses to
one campaign keep the furthest status and the first response date.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mqlsync.generate import strings as s
from mqlsync.generate import tables as t
from mqlsync.generate.catalog import DAY_MS, Catalog
from mqlsync.generate.events import Events
from mqlsync.generate.outcomes import Outcomes
from mqlsync.generate.people import People
from mqlsync.generate.records import ID_STRIDE, Routing, SystemRecords
from mqlsync.generate.salesforce import (
    _STATUS_OF,
    BOOL,
    CONTACT,
    LEAD,
    LEAD_SOURCES,
    MEMBER_STATUS,
    SEGMENT_NAMES,
    SYSTEM,
    account_ids,
    address,
    campaign_ids,
    country_text,
    ids,
    person_fields,
    user_ids,
)  # fmt: skip


def record_times(cat: Catalog, rec: SystemRecords, first_ms: np.ndarray, last_ms: np.ndarray,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(created, last modified) per record: created shortly before the person's first engagement,
    later copies created later; modified at the last engagement."""
    m = len(rec)
    first = first_ms[rec.person]
    base = np.where(first >= 0, first, rng.integers(cat.start_ms, cat.as_of_ms, m))
    created = base - (rng.uniform(0, 20, m) * DAY_MS).astype(np.int64)
    created += np.where(rec.ordinal > 0, (rng.uniform(0, 200, m) * DAY_MS).astype(np.int64), 0)
    created = np.clip(created, cat.start_ms - 60 * DAY_MS, cat.as_of_ms - 1)
    modified = np.clip(np.maximum(created, last_ms[rec.person]), created, cat.as_of_ms - 1)
    return created, modified


def _owner(cat: Catalog, out: Outcomes, person: np.ndarray) -> pa.Array:
    owner = out.owner[person]
    return user_ids(cat).take(pa.array(np.maximum(owner, 0)))


def leads(cat: Catalog, p: People, out: Outcomes, rec: SystemRecords, contacts: SystemRecords,
          times: tuple[np.ndarray, np.ndarray], rng: np.random.Generator) -> pa.Table:  # fmt: skip
    m = len(rec)
    created, modified = times
    primary = rec.ordinal == 0
    converted = primary & (out.sql_ms[rec.person] >= 0)
    touched = out.first_touch_ms[rec.person] >= 0
    closed = (out.disqualified_ms[rec.person] >= 0) & (out.recycled_ms[rec.person] < 0)
    status = s.where(touched & primary, "Working - Contacted", pa.array(["Open - Not Contacted"] * m))
    status = s.where(closed & primary, "Closed - Not Converted", status)
    status = s.where(converted, "Closed - Converted", status)
    con_first = np.full(len(p), 0, dtype=np.int64)
    con_first[contacts.person[::-1]] = np.arange(len(contacts))[::-1]
    converted_contact = contacts.crm_id.take(pa.array(con_first[rec.person]))
    master = rec.crm_id.take(pa.array(np.maximum(rec.master_row, 0)))
    cols = person_fields(cat, p, rec, rng)
    return t.build(
        LEAD, m, Id=rec.crm_id, IsDeleted=rec.is_deleted, CreatedDate=t.ts(created),
        LastModifiedDate=t.ts(modified), SystemModstamp=t.ts(modified), **cols,
        Company=cat.orgs.name.take(pa.array(rec.org)), **address(cat, rec.org, rng),
        Country=country_text(rng, p.country[rec.person]),
        Industry=s.where(rng.random(m) < 0.5, None, s.pick(["Biotechnology", "Pharmaceuticals", "Healthcare",
                         "Education", "Government", "Medical Devices", "Consulting"], rng.integers(0, 7, m))),
        NumberOfEmployees=pa.array(cat.orgs.employees[rec.org], mask=rng.random(m) < 0.5),
        LeadSource=s.pick(LEAD_SOURCES, s.choose_by_weight(rng, [5, 3, 3, 2, 1, 1, 0.5, 1], m)),
        Status=status, OwnerId=s.where(primary, _owner(cat, out, rec.person), user_ids(cat)[0].as_py()),
        IsConverted=converted, ConvertedDate=t.date(np.where(converted, out.sql_ms[rec.person], -1)),
        ConvertedContactId=s.where(converted, converted_contact, None),
        ConvertedAccountId=s.where(converted, account_ids(rec.org), None),
        MasterRecordId=s.where(rec.master_row >= 0, master, None),
        First_Touch_Date__c=t.date(np.where(primary, out.first_touch_ms[rec.person], -1)),
    )  # fmt: skip


def contacts_table(cat: Catalog, p: People, out: Outcomes, rec: SystemRecords,
                   times: tuple[np.ndarray, np.ndarray], rng: np.random.Generator) -> pa.Table:  # fmt: skip
    m = len(rec)
    created, modified = times
    primary = rec.ordinal == 0
    created = np.where(
        primary & (out.sql_ms[rec.person] >= 0), np.minimum(created, out.sql_ms[rec.person]), created
    )
    addr = address(cat, rec.org, rng)
    master = rec.crm_id.take(pa.array(np.maximum(rec.master_row, 0)))
    return t.build(
        CONTACT, m, Id=rec.crm_id, IsDeleted=rec.is_deleted, CreatedDate=t.ts(created),
        LastModifiedDate=t.ts(np.maximum(created, modified)), SystemModstamp=t.ts(np.maximum(created, modified)),
        AccountId=account_ids(rec.org), **person_fields(cat, p, rec, rng),
        MailingStreet=addr["Street"], MailingCity=addr["City"], MailingState=addr["State"],
        MailingPostalCode=addr["PostalCode"], MailingCountry=country_text(rng, p.country[rec.person]),
        LeadSource=s.pick(LEAD_SOURCES, s.choose_by_weight(rng, [5, 3, 3, 2, 1, 1, 0.5, 1], m)),
        OwnerId=_owner(cat, out, rec.person), MasterRecordId=s.where(rec.master_row >= 0, master, None),
        First_Touch_Date__c=t.date(np.where(primary, out.first_touch_ms[rec.person], -1)),
    )  # fmt: skip


def campaign_members(ev: Events, route: Routing, leads_rec: SystemRecords, contacts_rec: SystemRecords,
                     chunk: int) -> pa.Table:  # fmt: skip
    sel = np.flatnonzero(route.sf_system > 0)
    key = (ev.campaign[sel] << 32) | (route.sf_system[sel] << 30) | route.sf_row[sel]
    uniq, inv = np.unique(key, return_inverse=True)
    k = len(uniq)
    rank = np.zeros(k, dtype=np.int64)
    np.maximum.at(rank, inv, _STATUS_OF[ev.event_type[sel]])
    first = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first, inv, ev.occurred_ms[sel])
    responded_at = np.where(_STATUS_OF[ev.event_type[sel]] >= 2, ev.occurred_ms[sel], np.iinfo(np.int64).max)
    first_resp = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first_resp, inv, responded_at)
    last = np.zeros(k, dtype=np.int64)
    np.maximum.at(last, inv, ev.occurred_ms[sel])
    campaign, system, row = uniq >> 32, (uniq >> 30) & 3, uniq & ((1 << 30) - 1)
    is_contact = system == 2
    lead_id = (
        leads_rec.crm_id.take(pa.array(np.where(is_contact, 0, row)))
        if len(leads_rec)
        else pa.nulls(k, pa.string())
    )
    con_id = (
        contacts_rec.crm_id.take(pa.array(np.where(is_contact, row, 0)))
        if len(contacts_rec)
        else pa.nulls(k, pa.string())
    )
    spec = [*SYSTEM, *t.strs("CampaignId", "LeadId", "ContactId", "Status"), ("HasResponded", BOOL),
            ("FirstRespondedDate", pa.date32())]  # fmt: skip
    return t.build(
        spec, k, Id=ids("00v", chunk * ID_STRIDE + np.arange(k)), IsDeleted=np.zeros(k, bool),
        CreatedDate=t.ts(first), LastModifiedDate=t.ts(last), SystemModstamp=t.ts(last),
        CampaignId=campaign_ids(campaign), LeadId=s.where(is_contact, None, lead_id),
        ContactId=s.where(is_contact, con_id, None), Status=s.pick(MEMBER_STATUS, rank), HasResponded=rank >= 2,
        FirstRespondedDate=t.date(np.where(rank >= 2, first_resp, -1)),
    )  # fmt: skip


def who_ids(p: People, leads_rec: SystemRecords, contacts_rec: SystemRecords) -> pa.Array:
    """The primary Contact id per person, else the primary Lead id, else null."""
    n = len(p)
    out = pa.nulls(n, pa.string())
    for rec in (leads_rec, contacts_rec):
        prim = np.flatnonzero(rec.ordinal == 0)
        has = np.zeros(n, dtype=bool)
        has[rec.person[prim]] = True
        row = np.zeros(n, dtype=np.int64)
        row[rec.person[prim]] = prim
        if len(rec):
            out = s.where(has, rec.crm_id.take(pa.array(row)), out)
    return out


def tasks(
    cat: Catalog, p: People, out: Outcomes, who: pa.Array, chunk: int, rng: np.random.Generator
) -> pa.Table:
    """One completed call or email at the first touch, and a meeting when the lead was accepted."""
    touch = np.flatnonzero((out.first_touch_ms >= 0) & pc_valid(who))
    meet = np.flatnonzero((out.accepted_ms >= 0) & pc_valid(who))
    person = np.concatenate([touch, meet])
    when = np.concatenate([out.first_touch_ms[touch], out.accepted_ms[meet]])
    k = len(person)
    kind = np.concatenate([rng.integers(0, 2, len(touch)), np.full(len(meet), 2)])
    subject = s.pick(["Call: intro and qualification", "Email: follow-up on your request",
                      "Meeting: discovery call"], kind)  # fmt: skip
    spec = [*SYSTEM, *t.strs("WhoId", "WhatId", "OwnerId", "Subject", "Type", "TaskSubtype", "Status"),
            ("ActivityDate", pa.date32()), ("CompletedDateTime", t.TS)]  # fmt: skip
    return t.build(
        spec, k, Id=ids("00T", chunk * ID_STRIDE + np.arange(k)), IsDeleted=np.zeros(k, bool),
        CreatedDate=t.ts(when), LastModifiedDate=t.ts(when), SystemModstamp=t.ts(when),
        WhoId=who.take(pa.array(person)), OwnerId=user_ids(cat).take(pa.array(np.maximum(out.owner[person], 0))),
        Subject=subject, Type=s.pick(["Call", "Email", "Meeting"], kind),
        TaskSubtype=s.pick(["Call", "Email", "Task"], kind), Status="Completed", ActivityDate=t.date(when),
        CompletedDateTime=t.ts(when + 30 * 60_000),
    )  # fmt: skip


def pc_valid(arr: pa.Array) -> np.ndarray:
    return arr.is_valid().to_numpy(zero_copy_only=False)


def opportunities(cat: Catalog, p: People, out: Outcomes, contact_ids: pa.Array, chunk: int,
                  rng: np.random.Generator) -> tuple[pa.Table, pa.Array]:  # fmt: skip
    """Opportunity rows for people who reached SQL, and the opportunity id per person (or null)."""
    person = np.flatnonzero(out.sql_ms >= 0)
    k = len(person)
    opp_id = ids("006", chunk * ID_STRIDE + np.arange(k))
    won, lost = out.won_ms[person] >= 0, out.lost[person]
    open_stage = s.pick(["Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"],
                        rng.integers(0, 4, k))  # fmt: skip
    stage = s.where(won, "Closed Won", s.where(lost, "Closed Lost", open_stage))
    scale = np.array([40_000, 350_000, 180_000, 2_000_000.0])[p.segment[person]]
    amount = np.round(scale * np.exp(rng.normal(0, 0.6, k)), -2)
    close = np.where(won, out.won_ms[person], out.sql_ms[person] + 90 * DAY_MS)
    name = s.join(
        cat.orgs.name.take(pa.array(p.org[person])), " - ", s.pick(SEGMENT_NAMES, p.segment[person])
    )
    spec = [*SYSTEM, *t.strs("AccountId", "Name", "StageName"), ("IsClosed", BOOL), ("IsWon", BOOL),
            ("Amount", pa.float64()), ("CloseDate", pa.date32()), *t.strs("OwnerId", "Primary_Contact__c")]  # fmt: skip
    modified = np.minimum(
        np.maximum(out.sql_ms[person], np.where(won, out.won_ms[person], 0)), cat.as_of_ms - 1
    )
    table = t.build(
        spec, k, Id=opp_id, IsDeleted=np.zeros(k, bool), CreatedDate=t.ts(out.sql_ms[person]),
        LastModifiedDate=t.ts(modified), SystemModstamp=t.ts(modified), AccountId=account_ids(p.org[person]),
        Name=name, StageName=stage, IsClosed=won | lost, IsWon=won, Amount=amount, CloseDate=t.date(close),
        OwnerId=user_ids(cat).take(pa.array(np.maximum(out.owner[person], 0))),
        Primary_Contact__c=contact_ids.take(pa.array(person)),
    )  # fmt: skip
    per_person = pa.nulls(len(p), pa.string())
    idx = np.zeros(len(p), dtype=np.int64)
    idx[person] = np.arange(k)
    has = np.zeros(len(p), dtype=bool)
    has[person] = True
    if k:
        per_person = s.where(has, opp_id.take(pa.array(idx)), per_person)
    return table, per_person
