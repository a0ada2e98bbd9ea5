"""HubSpot-shaped tables: contacts with their analytics properties, form submissions, web events,
owners and engagements. Enumeration properties carry HubSpot internal values (snake_case)."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import strings as s
from mqlsync.generate import tables as t
from mqlsync.generate.catalog import Catalog
from mqlsync.generate.events import ET, Events
from mqlsync.generate.outcomes import Outcomes
from mqlsync.generate.people import People
from mqlsync.generate.records import ID_STRIDE, Routing, SystemRecords
from mqlsync.generate.salesforce import campaign_ids, country_text
from mqlsync.schemas import EVENT_TYPES, ORGANIZATION_TYPES, PROGRAM_STAGES, TIMELINES

F64, I64, BOOL = pa.float64(), pa.int64(), pa.bool_()
FORM_NAMES = {"form_submit": "Contact Us", "webinar_registered": "Webinar Registration",
              "demo_request": "Demo Request", "evaluation_request": "Evaluation Request",
              "trial_matching_request": "Trial Matching Inquiry", "evidence_request": "Medical Information Request",
              "sample_request": "Sample Request", "pricing_request": "Pricing Request",
              "meeting_request": "Meeting Request"}  # fmt: skip
WEB_EVENT_TYPES = {"page_view": "e_visited_page", "email_open": "e_opened_email", "email_click": "e_clicked_email",
                   "content_download": "e_downloaded_asset", "webinar_attended": "e_attended_webinar",
                   "event_attended": "e_attended_event", "unsubscribe": "e_unsubscribed"}  # fmt: skip
FORM_IDS = {k: str(hashlib.md5(k.encode()).hexdigest()) for k in FORM_NAMES}
FORM_IDS = {k: f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}" for k, v in FORM_IDS.items()}
MQL_PROPS = [("mql_status", pa.string()), ("lead_score", F64), ("fit_score", F64), ("intent_score", F64),
             ("lead_tier", pa.string()), ("mql_reason_codes", pa.string()), ("mql_date", t.TS),
             ("routing_queue", pa.string()), ("sla_due", t.TS), ("scoring_model_version", pa.string()),
             ("mql_handoff_summary", pa.string())]  # fmt: skip
CONTACT = [("id", pa.string()), ("archived", BOOL), ("createdAt", t.TS), ("updatedAt", t.TS),
           *t.strs("email", "firstname", "lastname", "jobtitle", "company", "phone", "country", "state", "city",
                   "industry"), ("numemployees", I64), *t.strs("lifecyclestage", "hs_lead_status", "hubspot_owner_id"),
           ("createdate", t.TS), ("lastmodifieddate", t.TS), ("hs_object_id", pa.string()), ("hs_email_optout", BOOL),
           *t.strs("hs_legal_basis", "organization_type", "therapeutic_areas", "program_stage", "evaluation_timeline",
                   "hs_analytics_source"), ("hs_analytics_num_page_views", I64), ("hs_analytics_num_visits", I64),
           ("hs_analytics_last_visit_timestamp", t.TS), ("hs_email_last_open_date", t.TS),
           ("hs_email_last_click_date", t.TS), ("num_conversion_events", I64), ("first_conversion_event_name", pa.string()),
           ("first_conversion_date", t.TS), ("recent_conversion_event_name", pa.string()), ("recent_conversion_date", t.TS),
           ("hs_merged_object_ids", pa.string()), *MQL_PROPS]  # fmt: skip
OWNER_BASE = 70_000_000


def owner_ids(users: np.ndarray) -> pa.Array:
    return s.numbers(OWNER_BASE + users)


def owners_table(cat: Catalog) -> pa.Table:
    u = cat.users
    n = len(u.role)
    first, last = pa.array(u.first_name), pa.array(u.last_name)
    email = s.join(pc.utf8_lower(s.ascii_slug(first)), ".", s.ascii_slug(last), s.numbers(np.arange(n)),
                   "@example-lifesci.com")  # fmt: skip
    spec = [*t.strs("id", "email", "firstName", "lastName", "userId", "teams"), ("archived", BOOL)]
    return t.build(spec, n, id=owner_ids(np.arange(n)), email=email, firstName=first, lastName=last,
                   userId=s.numbers(9_100_000 + np.arange(n)), teams=pa.array(u.department),
                   archived=np.arange(n) % 17 == 16)  # fmt: skip


def _per_record(rows: np.ndarray, values: np.ndarray, m: int, how: str) -> np.ndarray:
    out = np.full(m, -1, dtype=np.int64)
    if how == "max":
        np.maximum.at(out, rows, values)
    else:
        out[:] = np.iinfo(np.int64).max
        np.minimum.at(out, rows, values)
        out[out == np.iinfo(np.int64).max] = -1
    return out


def contacts(cat: Catalog, p: People, out: Outcomes, rec: SystemRecords, ev: Events, route: Routing,
             times: tuple[np.ndarray, np.ndarray], rng: np.random.Generator) -> pa.Table:  # fmt: skip
    m = len(rec)
    created, modified = times
    sel = np.flatnonzero(route.mk_system == 1)
    row, et, when = route.mk_row[sel], ev.event_type[sel], ev.occurred_ms[sel]
    views = et == ET["page_view"]
    day = when // 86_400_000
    visit_key = np.unique(row[views] * 100_000 + day[views])
    is_conv = np.isin(et, [ET[k] for k in FORM_NAMES])
    conv_names = pa.array([FORM_NAMES.get(e) for e in EVENT_TYPES], pa.string())
    first_conv = _per_record(row[is_conv], when[is_conv], m, "min")
    last_conv = _per_record(row[is_conv], when[is_conv], m, "max")
    conv_rows, conv_when, conv_type = row[is_conv], when[is_conv], et[is_conv]
    order = np.lexsort((conv_when, conv_rows))
    first_type = np.zeros(m, dtype=np.int64)
    last_type = np.zeros(m, dtype=np.int64)
    last_type[conv_rows[order]] = conv_type[order]
    first_type[conv_rows[order][::-1]] = conv_type[order][::-1]
    primary = rec.ordinal == 0
    stage = np.where(out.sql_ms[rec.person] >= 0, 3, np.where(out.first_touch_ms[rec.person] >= 0, 2, 1))
    stage = np.where(p.is_customer[rec.person], 4, np.where(primary, stage, 0))
    lifecycle = s.pick(["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "customer"],
                       np.where(stage == 2, 1, stage))  # fmt: skip
    disq = out.disqualified_ms[rec.person] >= 0
    lead_status = s.where(disq, "UNQUALIFIED", s.where(out.first_touch_ms[rec.person] >= 0, "IN_PROGRESS",
                                                      pa.array(["NEW"] * m)))  # fmt: skip
    merged_ids = _merged_ids(rec)
    consent = p.consent[rec.person]
    legal = s.pick(["Freely given consent from contact", None, None], consent)
    legal = s.where((consent == 2) & (rng.random(m) < 0.5), "Legitimate interest - prospect/lead", legal)
    take = pa.array(rec.person)
    owner = out.owner[rec.person]
    hs_id = rec.crm_id
    return t.build(
        CONTACT, m, id=hs_id, archived=rec.is_deleted, createdAt=t.ts(created), updatedAt=t.ts(modified),
        email=rec.email, firstname=rec.first_name, lastname=rec.last_name, jobtitle=p.title.take(take),
        company=cat.orgs.name.take(pa.array(rec.org)), phone=p.phone.take(take),
        country=country_text(rng, p.country[rec.person]), state=cat.orgs.state.take(pa.array(rec.org)),
        city=cat.orgs.city.take(pa.array(rec.org)),
        numemployees=pa.array(cat.orgs.employees[rec.org], mask=rng.random(m) < 0.6), lifecyclestage=lifecycle,
        hs_lead_status=s.where(primary, lead_status, None),
        hubspot_owner_id=s.where(owner >= 0, owner_ids(np.maximum(owner, 0)), None),
        createdate=t.ts(created), lastmodifieddate=t.ts(modified), hs_object_id=hs_id,
        hs_email_optout=p.do_not_contact[rec.person], hs_legal_basis=legal,
        organization_type=s.pick(list(ORGANIZATION_TYPES), cat.orgs.org_type[rec.org]),
        therapeutic_areas=p.therapeutic_areas.take(take),
        program_stage=s.pick(list(PROGRAM_STAGES), p.program_stage[rec.person]),
        evaluation_timeline=s.pick(list(TIMELINES), p.timeline[rec.person]),
        hs_analytics_source=s.pick(["ORGANIC_SEARCH", "DIRECT_TRAFFIC", "EMAIL_MARKETING", "PAID_SEARCH",
                                    "SOCIAL_MEDIA", "REFERRALS", "OFFLINE"], rng.integers(0, 7, m)),
        hs_analytics_num_page_views=np.bincount(row[views], minlength=m).astype(np.int64),
        hs_analytics_num_visits=np.bincount(visit_key // 100_000, minlength=m).astype(np.int64),
        hs_analytics_last_visit_timestamp=t.ts(_per_record(row[views], when[views], m, "max")),
        hs_email_last_open_date=t.ts(_per_record(row[et == ET["email_open"]], when[et == ET["email_open"]], m, "max")),
        hs_email_last_click_date=t.ts(_per_record(row[et == ET["email_click"]], when[et == ET["email_click"]], m, "max")),
        num_conversion_events=np.bincount(row[is_conv], minlength=m).astype(np.int64),
        first_conversion_event_name=s.where(first_conv >= 0, conv_names.take(pa.array(first_type)), None),
        first_conversion_date=t.ts(first_conv),
        recent_conversion_event_name=s.where(last_conv >= 0, conv_names.take(pa.array(last_type)), None),
        recent_conversion_date=t.ts(last_conv), hs_merged_object_ids=merged_ids,
    )  # fmt: skip


def _merged_ids(rec: SystemRecords) -> pa.Array:
    """`;`-joined ids merged into each surviving record (at most two per person here)."""
    m = len(rec)
    out = pa.nulls(m, pa.string())
    merged = np.flatnonzero(rec.master_row >= 0)
    # Rows of one person are contiguous and ordered, so the first and second merged row per master suffice.
    masters, first = np.unique(rec.master_row[merged], return_index=True)
    counts = np.bincount(rec.master_row[merged], minlength=m)[masters]
    one = rec.crm_id.take(pa.array(merged[first]))
    two = rec.crm_id.take(pa.array(merged[np.minimum(first + 1, len(merged) - 1)])) if len(merged) else one
    joined = s.where(counts > 1, s.join(one, two, sep=";"), one)
    spread = np.zeros(m, dtype=np.int64)
    spread[masters] = np.arange(len(masters))
    has = np.zeros(m, dtype=bool)
    has[masters] = True
    return s.where(has, joined.take(pa.array(spread)), out) if len(masters) else out


def activity(
    cat: Catalog, rec: SystemRecords, ev: Events, route: Routing, rng: np.random.Generator
) -> dict[str, pa.Table]:
    sel = np.flatnonzero(route.mk_system == 1)
    et = ev.event_type[sel]
    contact = rec.crm_id.take(pa.array(route.mk_row[sel])) if len(rec) else pa.nulls(len(sel), pa.string())
    asset = ev.asset[sel]
    asset_ids = pa.array([*cat.assets.asset_id, None], pa.string()).take(
        pa.array(np.where(asset < 0, len(cat.assets.url), asset))
    )
    urls = pa.array([*cat.assets.url, None], pa.string()).take(
        pa.array(np.where(asset < 0, len(cat.assets.url), asset))
    )
    camp = ev.campaign[sel]
    camp_ids = s.where(camp < 0, None, campaign_ids(np.maximum(camp, 0)))
    is_form = np.isin(et, [ET[k] for k in FORM_NAMES])
    f = np.flatnonzero(is_form)
    form_spec = [
        *t.strs("contact_id", "form_id", "form_name", "asset_id"),
        ("submitted_at", t.TS),
        ("page_url", pa.string()),
    ]
    take = pa.array(f)
    forms = t.build(form_spec, len(f), contact_id=contact.take(take),
                    form_id=pa.array([FORM_IDS.get(e) for e in EVENT_TYPES], pa.string()).take(pa.array(et[f])),
                    form_name=pa.array([FORM_NAMES.get(e) for e in EVENT_TYPES], pa.string()).take(pa.array(et[f])),
                    asset_id=asset_ids.take(take), submitted_at=t.ts(ev.occurred_ms[sel][f]),
                    page_url=urls.take(take))  # fmt: skip
    w = np.flatnonzero(~is_form)
    take = pa.array(w)
    web_spec = [
        *t.strs("id", "objectId", "eventType"),
        ("occurredAt", t.TS),
        *t.strs("hs_url", "asset_id", "campaign_id"),
    ]
    web = t.build(web_spec, len(w), id=s.guids(rng, len(w)), objectId=contact.take(take),
                  eventType=pa.array([WEB_EVENT_TYPES.get(e) for e in EVENT_TYPES], pa.string()).take(pa.array(et[w])),
                  occurredAt=t.ts(ev.occurred_ms[sel][w]), hs_url=urls.take(take), asset_id=asset_ids.take(take),
                  campaign_id=camp_ids.take(take))  # fmt: skip
    return {"hubspot/form_submissions.parquet": forms, "hubspot/web_events.parquet": web}


def engagements(p: People, out: Outcomes, rec: SystemRecords, chunk: int) -> dict[str, pa.Table]:
    """Sales activity on the primary HubSpot record: the first touch as a call and an email, a meeting
    on acceptance, a note with the disqualification reason, a task when the lead is recycled."""
    prim = np.flatnonzero(rec.ordinal == 0)
    person = rec.person[prim]
    base = [("id", pa.string()), ("hs_timestamp", t.TS), ("hubspot_owner_id", pa.string()), ("hs_createdate", t.TS),
            ("hs_lastmodifieddate", t.TS)]  # fmt: skip
    kinds = {
        "emails": (out.first_touch_ms, [("hs_email_subject", "Following up on your request"), ("hs_email_direction", "EMAIL")]),
        "calls": (out.first_touch_ms, [("hs_call_title", "Intro call"), ("hs_call_direction", "OUTBOUND")]),
        "meetings": (out.accepted_ms, [("hs_meeting_title", "Discovery meeting"), ("hs_meeting_outcome", "COMPLETED")]),
        "notes": (out.disqualified_ms, [("hs_note_body", "Disqualified after qualification call")]),
        "tasks": (out.recycled_ms, [("hs_task_subject", "Recycle: re-engage in next quarter"), ("hs_task_status", "NOT_STARTED")]),
    }  # fmt: skip
    tables = {}
    for k, (name, (when_all, props)) in enumerate(kinds.items()):
        when = when_all[person]
        has = np.flatnonzero(when >= 0)
        n = len(has)
        cols = {key: pa.array([val] * n, pa.string()) for key, val in props}
        spec = [*base, *t.strs(*[key for key, _ in props]), ("contact_ids", pa.string())]
        tables[f"hubspot/engagements_{name}.parquet"] = t.build(
            spec, n, id=s.numbers(30_000_000_000 + k * 1_000_000_000 + chunk * ID_STRIDE + np.arange(n)),
            hs_timestamp=t.ts(when[has]), hubspot_owner_id=owner_ids(np.maximum(out.owner[person[has]], 0)),
            hs_createdate=t.ts(when[has]), hs_lastmodifieddate=t.ts(when[has]), **cols,
            contact_ids=rec.crm_id.take(pa.array(prim[has])),
        )  # fmt: skip
    return tables
