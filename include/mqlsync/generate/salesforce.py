"""Salesforce-shaped tables: Lead, Contact, CampaignMember, Task and Opportunity per chunk, and the
world-level User, Account and Campaign. Field names and picklist labels are Salesforce's own."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import places, roles
from mqlsync.generate import strings as s
from mqlsync.generate import tables as t
from mqlsync.generate.catalog import CAMPAIGN_KINDS, CAMPAIGN_TYPES, DAY_MS, SEGMENT_LABEL, Catalog
from mqlsync.generate.events import ET
from mqlsync.generate.orgs import COUNTRY_CODES, INDUSTRIES
from mqlsync.schemas import ORGANIZATION_TYPES, THERAPEUTIC_AREAS

F64, I64, BOOL = pa.float64(), pa.int64(), pa.bool_()
SYSTEM = [("Id", pa.string()), ("IsDeleted", BOOL), ("CreatedDate", t.TS), ("LastModifiedDate", t.TS),
          ("SystemModstamp", t.TS)]  # fmt: skip
MQL_FIELDS = [("MQL_Status__c", pa.string()), ("Lead_Score__c", F64), ("Fit_Score__c", F64),
              ("Intent_Score__c", F64), ("Lead_Tier__c", pa.string()), ("MQL_Reason_Codes__c", pa.string()),
              ("MQL_Date__c", t.TS), ("Routing_Queue__c", pa.string()), ("SLA_Due__c", t.TS),
              ("Scoring_Model_Version__c", pa.string()), ("MQL_Handoff_Summary__c", pa.string())]  # fmt: skip
PERSON_CUSTOM = [("Organization_Type__c", pa.string()), ("Therapeutic_Areas__c", pa.string()),
                 ("Program_Stage__c", pa.string()), ("Evaluation_Timeline__c", pa.string()),
                 ("Consent_Status__c", pa.string())]  # fmt: skip
LEAD = [*SYSTEM, *t.strs("FirstName", "LastName", "Email", "Title", "Company", "Phone", "Street", "City", "State",
        "PostalCode", "Country", "Industry"), ("NumberOfEmployees", I64), *t.strs("LeadSource", "Status", "OwnerId"),
        ("IsConverted", BOOL), ("ConvertedDate", pa.date32()), *t.strs("ConvertedContactId", "ConvertedAccountId",
        "MasterRecordId"), ("HasOptedOutOfEmail", BOOL), ("DoNotCall", BOOL), *PERSON_CUSTOM,
        ("First_Touch_Date__c", pa.date32()), ("Description", pa.string()), *MQL_FIELDS]  # fmt: skip
CONTACT = [*SYSTEM, *t.strs("AccountId", "FirstName", "LastName", "Email", "Title", "Phone", "MailingStreet",
           "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry", "LeadSource", "OwnerId",
           "MasterRecordId"), ("HasOptedOutOfEmail", BOOL), ("DoNotCall", BOOL), *PERSON_CUSTOM,
           ("First_Touch_Date__c", pa.date32()), ("Description", pa.string()), *MQL_FIELDS]  # fmt: skip
ORG_LABELS = {"academic_medical_center": "Academic Medical Center", "university": "University", "cro": "CRO",
              "biotech": "Biotech", "pharma": "Pharma", "medtech": "Medtech", "diagnostics_lab": "Diagnostics Lab",
              "hospital": "Hospital", "community_practice": "Community Practice", "government": "Government",
              "other": "Other"}  # fmt: skip
STAGE_LABELS = ("Discovery", "Preclinical", "Phase 1", "Phase 2", "Phase 3", "Commercial", "Not Applicable")
TIMELINE_LABELS = ("0-3 months", "3-6 months", "6-12 months", "12+ months", "Unknown")
LEAD_SOURCES = ("Web", "Trade Show", "Webinar", "Content Syndication", "Purchased List", "Partner Referral",
                "Employee Referral", "Other")  # fmt: skip
STREETS = (
    "Main St",
    "Science Park",
    "Research Blvd",
    "Hauptstraße",
    "Innovation Way",
    "Campus Dr",
    "Hospital Rd",
)


def ids(prefix: str, counters: np.ndarray) -> pa.Array:
    return s.salesforce_ids(prefix, np.asarray(counters, dtype=np.int64) + 1)


@lru_cache(maxsize=8)
def _id_range(prefix: str, n: int) -> pa.Array:
    return ids(prefix, np.arange(n))


def _id_lookup(prefix: str, index: np.ndarray) -> pa.Array:
    index = np.asarray(index, dtype=np.int64)
    size = 1 << max(10, int(index.max(initial=0)).bit_length())  # few distinct sizes, so the cache hits
    return _id_range(prefix, size).take(pa.array(index))


def user_ids(cat: Catalog) -> pa.Array:
    return _id_range("005", len(cat.users.role))


def account_ids(org: np.ndarray) -> pa.Array:
    return _id_lookup("001", org)


def campaign_ids(campaign: np.ndarray) -> pa.Array:
    return _id_lookup("701", campaign)


def therapeutic_labels(values: pa.Array) -> pa.Array:
    out = values
    for ta in THERAPEUTIC_AREAS:
        out = pc.replace_substring(out, ta, ta.replace("_", " ").title())
    return out


def country_text(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    """Country as people type it: `Germany`, `DE`, `Deutschland`."""
    variants = [places.COUNTRIES[c][3] for c in COUNTRY_CODES]
    flat = [v for vs in variants for v in vs]
    count = np.array([len(v) for v in variants])
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    first_form = rng.random(len(country)) < 0.55
    slot = np.where(first_form, 0, (rng.random(len(country)) * count[country]).astype(np.int64))
    return s.pick(flat, start[country] + slot)


def person_fields(cat: Catalog, p, rec, rng: np.random.Generator) -> dict[str, object]:
    """Columns Lead and Contact share, in Salesforce's labels."""
    take = pa.array(rec.person)
    consent = p.consent[rec.person]
    return {
        "FirstName": rec.first_name, "LastName": rec.last_name, "Email": rec.email,
        "Title": p.title.take(take), "Phone": p.phone.take(take),
        "HasOptedOutOfEmail": p.do_not_contact[rec.person],
        "DoNotCall": p.do_not_contact[rec.person] & (rng.random(len(rec)) < 0.5),
        "Organization_Type__c": s.pick([ORG_LABELS[o] for o in ORGANIZATION_TYPES], cat.orgs.org_type[rec.org]),
        "Therapeutic_Areas__c": therapeutic_labels(p.therapeutic_areas.take(take)),
        "Program_Stage__c": s.pick(STAGE_LABELS, p.program_stage[rec.person]),
        "Evaluation_Timeline__c": s.where(rng.random(len(rec)) < 0.4, None,
                                          s.pick(TIMELINE_LABELS, p.timeline[rec.person])),
        "Consent_Status__c": s.where(consent == 2, None, s.pick(["Opt In", "Opt Out", ""], consent)),
    }  # fmt: skip


def address(cat: Catalog, org: np.ndarray, rng: np.random.Generator) -> dict[str, pa.Array]:
    n = len(org)
    street = s.join(s.numbers(rng.integers(1, 2000, n)), " ", s.pick_random(rng, STREETS, n))
    return {
        "Street": s.where(rng.random(n) < 0.4, None, street),
        "City": cat.orgs.city.take(pa.array(org)),
        "State": cat.orgs.state.take(pa.array(org)),
        "PostalCode": s.where(rng.random(n) < 0.4, None, s.numbers(rng.integers(1000, 99999, n), width=5)),
    }


def users_table(cat: Catalog) -> pa.Table:
    u = cat.users
    n = len(u.role)
    first, last = pa.array(u.first_name), pa.array(u.last_name)
    email = s.join(pc.utf8_lower(s.ascii_slug(first)), ".", s.ascii_slug(last), s.numbers(np.arange(n)),
                   "@example-lifesci.com")  # fmt: skip
    created = np.full(n, cat.start_ms - 400 * DAY_MS)
    spec = [*SYSTEM, *t.strs("FirstName", "LastName", "Name", "Email", "Username"), ("IsActive", BOOL),
            *t.strs("Department", "Title", "UserRoleName")]  # fmt: skip
    return t.build(spec, n, Id=user_ids(cat), IsDeleted=np.zeros(n, bool), CreatedDate=t.ts(created),
                   LastModifiedDate=t.ts(created), SystemModstamp=t.ts(created), FirstName=first, LastName=last,
                   Name=s.join(first, last, sep=" "), Email=email, Username=s.join(email, ".mqlsync"),
                   IsActive=np.arange(n) % 17 != 16, Department=pa.array(u.department), Title=pa.array(u.role),
                   UserRoleName=pa.array(u.role))  # fmt: skip


def accounts_table(cat: Catalog) -> pa.Table:
    o = cat.orgs
    n = len(o)
    rng = np.random.Generator(np.random.PCG64([cat.seed, 0xACC7]))
    created = rng.integers(cat.start_ms - 900 * DAY_MS, cat.start_ms, n)
    acct_type = s.where(
        o.is_customer, "Customer", s.where(o.is_partner, "Partner", pa.array(["Prospect"] * n))
    )
    spec = [*SYSTEM, *t.strs("Name", "Website", "Industry", "Type"), ("NumberOfEmployees", I64),
            *t.strs("BillingCountry", "BillingState", "BillingCity", "OwnerId", "Organization_Type__c")]  # fmt: skip
    owner = user_ids(cat).take(pa.array(rng.integers(0, len(cat.users.role), n)))
    return t.build(spec, n, Id=account_ids(np.arange(n)), IsDeleted=np.zeros(n, bool), CreatedDate=t.ts(created),
                   LastModifiedDate=t.ts(created), SystemModstamp=t.ts(created), Name=o.name,
                   Website=s.join("https://www.", o.domain), Type=acct_type,
                   Industry=s.pick([INDUSTRIES[x] for x in ORGANIZATION_TYPES], o.org_type),
                   NumberOfEmployees=o.employees, BillingCountry=country_text(rng, o.country),
                   BillingState=o.state, BillingCity=o.city, OwnerId=owner,
                   Organization_Type__c=s.pick([ORG_LABELS[x] for x in ORGANIZATION_TYPES], o.org_type))  # fmt: skip


def campaigns_table(cat: Catalog) -> pa.Table:
    c = cat.campaigns
    n = len(c.name)
    created = c.start_ms - 21 * DAY_MS
    status = s.where(
        c.end_ms < cat.as_of_ms,
        "Completed",
        s.where(c.start_ms > cat.as_of_ms, pa.array(["Planned"] * n), pa.array(["In Progress"] * n)),
    )
    asset = pa.array([*cat.assets.asset_id, None]).take(
        pa.array(np.where(c.asset < 0, len(cat.assets.asset_id), c.asset))
    )
    spec = [*SYSTEM, *t.strs("Name", "Type", "Status"), ("IsActive", BOOL), ("StartDate", pa.date32()),
            ("EndDate", pa.date32()), ("Asset_Id__c", pa.string()), ("Product_Line__c", pa.string())]  # fmt: skip
    return t.build(spec, n, Id=campaign_ids(np.arange(n)), IsDeleted=np.zeros(n, bool), CreatedDate=t.ts(created),
                   LastModifiedDate=t.ts(np.minimum(c.end_ms, cat.as_of_ms - 1)),
                   SystemModstamp=t.ts(np.minimum(c.end_ms, cat.as_of_ms - 1)), Name=pa.array(c.name),
                   Type=s.pick([CAMPAIGN_TYPES[k] for k in CAMPAIGN_KINDS], c.kind), Status=status,
                   IsActive=c.end_ms >= cat.as_of_ms, StartDate=t.date(c.start_ms), EndDate=t.date(c.end_ms),
                   Asset_Id__c=asset, Product_Line__c=s.pick(list(roles.SEGMENTS), c.segment))  # fmt: skip


MEMBER_STATUS = ("Sent", "Registered", "Downloaded", "Responded", "Attended")
_STATUS_OF = np.full(len(ET), 3, dtype=np.int64)
_STATUS_OF[[ET["email_open"], ET["unsubscribe"]]] = 0
_STATUS_OF[ET["webinar_registered"]] = 1
_STATUS_OF[ET["content_download"]] = 2
_STATUS_OF[[ET["webinar_attended"], ET["event_attended"]]] = 4
SEGMENT_NAMES = [SEGMENT_LABEL[g] for g in roles.SEGMENTS]
