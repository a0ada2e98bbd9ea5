"""One chunk of the world, end to end: people, engagement, outcomes, records, rendered tables.

Every random stream is seeded from (seed, chunk index, stage), so a chunk's bytes do not depend on
which process builds it or in what order, and changing one stage leaves the others' draws alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from mqlsync.generate import defects, exports, hubspot, records, truth
from mqlsync.generate import salesforce_records as sfr
from mqlsync.generate.catalog import Catalog
from mqlsync.generate.events import ET, generate_events
from mqlsync.generate.outcomes import decide_outcomes
from mqlsync.generate.people import sample_people

STAGES = ("people", "events", "systems", "outcomes", "records", "routing", "render", "defects", "exports")

SF_FIELDS = {"email": "Email", "first_name": "FirstName", "last_name": "LastName", "country": "Country",
             "title": "Title", "long_text": "Description", "future_date": "First_Touch_Date__c"}  # fmt: skip
HS_FIELDS = {"email": "email", "required": "email", "first_name": "firstname", "last_name": "lastname",
             "country": "country", "title": "jobtitle", "future_date": "first_conversion_date"}  # fmt: skip


@dataclass
class ChunkOutput:
    tables: dict[str, pa.Table]  # relative Parquet path -> rows
    exports: dict[str, pa.Table]  # "marketo" / "pardot" -> rows with a _day column


def rng_for(seed: int, chunk: int, stage: str) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64([seed, chunk, STAGES.index(stage)]))


def _first_last(ev_person: np.ndarray, when: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    # Events are sorted by (person, time): reversed assignment keeps the first, forward keeps the last.
    first[ev_person[::-1]] = when[::-1]
    last[ev_person] = when
    return first, last


def build_chunk(cat: Catalog, chunk: int, chunks: int, start: int, n: int) -> ChunkOutput:
    seed = cat.seed
    p = sample_people(cat, rng_for(seed, chunk, "people"), start, n, chunk, chunks)
    ev = generate_events(cat, p, rng_for(seed, chunk, "events"))
    unsubscribed = np.zeros(n, dtype=bool)
    unsubscribed[ev.person[ev.event_type == ET["unsubscribe"]]] = True
    p.consent = np.where(unsubscribed, 1, p.consent)
    p.do_not_contact = p.do_not_contact | unsubscribed

    member = records.memberships(cat, p, rng_for(seed, chunk, "systems"))
    in_sf = member["sf_lead"] | member["sf_contact"]
    out = decide_outcomes(cat, p, ev, in_sf, rng_for(seed, chunk, "outcomes"))
    member["sf_contact"] = member["sf_contact"] | (member["sf_lead"] & (out.sql_ms >= 0))
    rng = rng_for(seed, chunk, "records")
    recs = {k: records.build_records(cat, p, k, member[k], chunk, rng) for k in records.SYSTEMS}
    route = records.route_events(recs, ev.person, ev.campaign, n, rng_for(seed, chunk, "routing"))

    rng = rng_for(seed, chunk, "render")
    first_ms, last_ms = _first_last(ev.person, ev.occurred_ms, n)
    times = {k: sfr.record_times(cat, recs[k], first_ms, last_ms, rng) for k in records.SYSTEMS}
    lead, contact = recs["sf_lead"], recs["sf_contact"]
    who = sfr.who_ids(p, lead, contact)
    contact_ids = sfr.who_ids(p, records.SystemRecords("sf_lead", *_empty(lead)), contact)
    opps, opp_id = sfr.opportunities(cat, p, out, contact_ids, chunk, rng)
    tables: dict[str, pa.Table] = {
        "salesforce/Lead.parquet": sfr.leads(cat, p, out, lead, contact, times["sf_lead"], rng),
        "salesforce/Contact.parquet": sfr.contacts_table(cat, p, out, contact, times["sf_contact"], rng),
        "salesforce/CampaignMember.parquet": sfr.campaign_members(ev, route, lead, contact, chunk),
        "salesforce/Task.parquet": sfr.tasks(cat, p, out, who, chunk, rng),
        "salesforce/Opportunity.parquet": opps,
        "hubspot/contacts.parquet": hubspot.contacts(
            cat, p, out, recs["hubspot"], ev, route, times["hubspot"], rng
        ),
        **hubspot.activity(cat, recs["hubspot"], ev, route, rng),
        **hubspot.engagements(p, out, recs["hubspot"], chunk),
    }
    rng = rng_for(seed, chunk, "defects")
    found = []
    targets = (("salesforce/Lead.parquet", "sf_lead", {**SF_FIELDS, "required": "Company"}),
               ("salesforce/Contact.parquet", "sf_contact", {**SF_FIELDS, "required": "LastName",
                                                              "country": "MailingCountry"}),
               ("hubspot/contacts.parquet", "hubspot", HS_FIELDS))  # fmt: skip
    for path, system, fields in targets:
        tables[path], d = defects.inject(tables[path], recs[system].record_id, fields, cat.config.dirty,
                                         cat.as_of_ms, rng)  # fmt: skip
        found.append(d)
    rng = rng_for(seed, chunk, "exports")
    mkto, mkto_defects = exports.marketo(cat, recs["marketo"], ev, route, chunk, rng)
    prd, prd_defects = exports.pardot(cat, recs["pardot"], ev, route, chunk, rng)
    found += [mkto_defects.drop_columns(["locator"]), prd_defects.drop_columns(["locator"])]
    tables["truth/people.parquet"] = truth.people_table(cat, p, out, opp_id)
    tables["truth/records.parquet"] = truth.records_table(p, recs)
    tables["truth/events.parquet"] = truth.events_table(cat, p, ev, route, recs, chunk)
    locators = [pa.nulls(len(d), pa.string()) for d in found[:3]]
    locators += [mkto_defects.column("locator"), prd_defects.column("locator")]
    tables["truth/defects.parquet"] = pa.concat_tables(
        [d.append_column("locator", loc.cast(pa.string())) for d, loc in zip(found, locators, strict=True)]
    )
    return ChunkOutput(tables, {"marketo": mkto, "pardot": prd})


def _empty(rec: records.SystemRecords) -> tuple:
    e = np.zeros(0, dtype=np.int64)
    z = pa.array([], pa.string())
    return e, e, e, np.zeros(0, bool), e, z, z, z, z, e
