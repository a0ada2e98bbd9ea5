"""Ground truth: the people as they really are, every CRM record's owner person, every true event
and where it was recorded. Tests and the pipeline's evaluations compare against these."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import places, roles
from mqlsync.generate import strings as s
from mqlsync.generate import tables as t
from mqlsync.generate.catalog import Catalog
from mqlsync.generate.events import Events
from mqlsync.generate.orgs import COUNTRY_CODES
from mqlsync.generate.outcomes import DISQUALIFY_REASONS, Outcomes
from mqlsync.generate.people import CONSENT, People
from mqlsync.generate.records import Routing, SystemRecords
from mqlsync.generate.salesforce import campaign_ids, user_ids
from mqlsync.schemas import EVENT_TYPES, JOB_FUNCTIONS, ORGANIZATION_TYPES, PROGRAM_STAGES, TIMELINES

SYSTEM_OBJECT = {"sf_lead": ("salesforce", "Lead"), "sf_contact": ("salesforce", "Contact"),
                 "hubspot": ("hubspot", "contacts"), "marketo": ("marketo", "leads"),
                 "pardot": ("pardot", "prospects")}  # fmt: skip
PEOPLE = [*t.strs("person_id", "persona", "first_name", "last_name", "email", "personal_email", "title", "phone",
                  "company", "organization_type", "job_function", "buying_role", "therapeutic_areas",
                  "program_stage", "country", "region", "consent"), ("do_not_contact", pa.bool_()),
          ("employees", pa.int64()), ("segment", pa.string()), ("is_customer", pa.bool_()), ("timeline", pa.string()),
          ("owner_user_id", pa.string()), ("first_touch_at", t.TS), ("accepted_at", t.TS), ("sql_at", t.TS),
          ("opportunity_id", pa.string()), ("won_at", t.TS), ("disqualified_reason", pa.string()),
          ("disqualified_at", t.TS), ("recycled_at", t.TS)]  # fmt: skip
RECORDS = [*t.strs("record_id", "system", "object", "crm_id", "person_id"), ("is_within_crm_duplicate", pa.bool_()),
           ("variation", pa.string()), ("is_deleted", pa.bool_()), ("master_record_id", pa.string())]  # fmt: skip
EVENTS = [*t.strs("event_id", "person_id", "event_type", "asset_id", "campaign_id"), ("occurred_at", t.TS),
          ("recorded_in", pa.string())]  # fmt: skip


def people_table(cat: Catalog, p: People, out: Outcomes, opportunity_id: pa.Array) -> pa.Table:
    n = len(p)
    buying = [roles.BUYING_ROLES[j] for j in JOB_FUNCTIONS]
    return t.build(
        PEOPLE, n, person_id=p.person_id, persona=s.pick([x.name for x in roles.PERSONAS], p.persona),
        first_name=p.first_name, last_name=p.last_name, email=p.email, personal_email=p.personal_email,
        title=p.title, phone=p.phone, company=cat.orgs.name.take(pa.array(p.org)),
        organization_type=s.pick(list(ORGANIZATION_TYPES), p.org_type),
        job_function=s.pick(list(JOB_FUNCTIONS), p.job_function), buying_role=s.pick(buying, p.job_function),
        therapeutic_areas=p.therapeutic_areas, program_stage=s.pick(list(PROGRAM_STAGES), p.program_stage),
        country=s.pick(list(COUNTRY_CODES), p.country),
        region=s.pick([places.COUNTRIES[c][1] for c in COUNTRY_CODES], p.country),
        consent=s.pick(list(CONSENT), p.consent), do_not_contact=p.do_not_contact,
        employees=cat.orgs.employees[p.org], segment=s.pick(list(roles.SEGMENTS), p.segment),
        is_customer=p.is_customer, timeline=s.pick(list(TIMELINES), p.timeline),
        owner_user_id=s.where(out.owner < 0, None, user_ids(cat).take(pa.array(np.maximum(out.owner, 0)))),
        first_touch_at=t.ts(out.first_touch_ms), accepted_at=t.ts(out.accepted_ms), sql_at=t.ts(out.sql_ms),
        opportunity_id=opportunity_id, won_at=t.ts(out.won_ms),
        disqualified_reason=s.where(out.disqualified_reason < 0, None,
                                    s.pick(DISQUALIFY_REASONS, np.maximum(out.disqualified_reason, 0))),
        disqualified_at=t.ts(out.disqualified_ms), recycled_at=t.ts(out.recycled_ms),
    )  # fmt: skip


def records_table(p: People, recs: dict[str, SystemRecords]) -> pa.Table:
    parts = []
    for name, rec in recs.items():
        system, obj = SYSTEM_OBJECT[name]
        m = len(rec)
        rid = rec.record_id
        parts.append(t.build(
            RECORDS, m, record_id=rid, system=system, object=obj, crm_id=rec.crm_id,
            person_id=p.person_id.take(pa.array(rec.person)), is_within_crm_duplicate=rec.ordinal > 0,
            variation=rec.variation_names(), is_deleted=rec.is_deleted,
            master_record_id=s.where(rec.master_row < 0, None, rid.take(pa.array(np.maximum(rec.master_row, 0)))),
        ))  # fmt: skip
    return pa.concat_tables(parts)


def events_table(cat: Catalog, p: People, ev: Events, route: Routing, recs: dict[str, SystemRecords],
                 chunk: int) -> pa.Table:  # fmt: skip
    m = len(ev)
    mk = pa.nulls(m, pa.string())
    for i, name in enumerate(("hubspot", "marketo", "pardot"), start=1):
        sel = route.mk_system == i
        if sel.any():
            mk = s.where(sel, recs[name].record_id.take(pa.array(np.where(sel, route.mk_row, 0))), mk)
    sf = pa.nulls(m, pa.string())
    for i, name in enumerate(("sf_lead", "sf_contact"), start=1):
        sel = route.sf_system == i
        if sel.any():
            sf = s.where(sel, recs[name].record_id.take(pa.array(np.where(sel, route.sf_row, 0))), sf)
    both = s.join(mk, sf, sep=";")
    recorded = pc.coalesce(both, mk, sf)
    assets = pa.array([*cat.assets.asset_id, None], pa.string())
    return t.build(
        EVENTS, m, event_id=s.numbers(chunk * 1_000_000_000 + np.arange(m), prefix="E", width=13),
        person_id=p.person_id.take(pa.array(ev.person)), event_type=s.pick(list(EVENT_TYPES), ev.event_type),
        asset_id=assets.take(pa.array(np.where(ev.asset < 0, len(cat.assets.asset_id), ev.asset))),
        campaign_id=s.where(ev.campaign < 0, None, campaign_ids(np.maximum(ev.campaign, 0))),
        occurred_at=t.ts(ev.occurred_ms), recorded_in=recorded,
    )  # fmt: skip
