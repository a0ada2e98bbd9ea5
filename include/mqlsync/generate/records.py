"""Which systems each person lives in, their within-CRM duplicates, and the variations copies carry.

A copy of a person in a second system (or a second copy in the same one) differs the way real
duplicates do: case, stray whitespace, a typo, a nickname, a personal address, a new employer.
Merged-away duplicates stay as deleted rows pointing at their master.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import strings as s
from mqlsync.generate.catalog import Catalog
from mqlsync.generate.names import NICKNAMES
from mqlsync.generate.people import People

SYSTEMS = ("sf_lead", "sf_contact", "hubspot", "marketo", "pardot")
VARIATIONS = ("case", "whitespace", "typo", "nickname", "personal_email", "changed_employer")
ID_STRIDE = 10_000_000  # rows per chunk and system; ids stay unique across chunks


@dataclass
class SystemRecords:
    """One system's records in a chunk, grouped by person (ordinal 0 is the primary)."""

    system: str
    person: np.ndarray
    ordinal: np.ndarray
    variation: np.ndarray  # bit mask over VARIATIONS
    is_deleted: np.ndarray
    master_row: np.ndarray  # row of the surviving record for merged-away rows, else -1
    crm_id: pa.Array
    first_name: pa.Array
    last_name: pa.Array
    email: pa.Array
    org: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    @property
    def record_id(self) -> pa.Array:
        prefix = {"sf_lead": "sf_lead:", "sf_contact": "sf_contact:"}.get(self.system, self.system + ":")
        return s.join(prefix, self.crm_id)

    def variation_names(self) -> pa.Array:
        parts = [s.where((self.variation >> b) & 1 == 1, v, pa.array([""] * len(self), pa.string()))
                 for b, v in enumerate(VARIATIONS)]  # fmt: skip
        joined = pc.binary_join_element_wise(*parts, ";")
        joined = pc.replace_substring_regex(joined, ";+", ";")
        joined = pc.utf8_trim(joined, ";")
        return s.where(self.variation == 0, None, joined)


def crm_ids(system: str, chunk: int, rows: int) -> pa.Array:
    counters = chunk * ID_STRIDE + np.arange(rows, dtype=np.int64)
    if system == "sf_lead":
        return s.salesforce_ids("00Q", counters + 1)
    if system == "sf_contact":
        return s.salesforce_ids("003", counters + 1)
    base = {"hubspot": 1001, "marketo": 100_001, "pardot": 5_001}[system]
    return s.numbers(counters + base)


def memberships(cat: Catalog, people: People, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Boolean membership per system, before conversions add contacts. Everyone lives somewhere."""
    cfg = cat.config.systems
    n = len(people)
    lead = rng.random(n) < np.where(people.is_customer, 0.3, cfg.salesforce_lead)
    contact = people.is_customer & (rng.random(n) < 0.9) | (rng.random(n) < cfg.salesforce_contact * 0.5)
    hubspot = rng.random(n) < cfg.hubspot
    marketo = (people.segment <= 1) & (rng.random(n) < cfg.marketo)
    pardot = (people.segment >= 2) & (rng.random(n) < cfg.pardot)
    hubspot |= ~(lead | contact | hubspot | marketo | pardot)
    return {"sf_lead": lead, "sf_contact": contact, "hubspot": hubspot, "marketo": marketo, "pardot": pardot}


def build_records(
    cat: Catalog, people: People, system: str, member: np.ndarray, chunk: int, rng: np.random.Generator
) -> SystemRecords:
    cfg = cat.config.systems
    members = np.flatnonzero(member)
    can_dup = system in ("sf_lead", "sf_contact", "hubspot")
    dups = np.zeros(len(members), dtype=np.int64)
    if can_dup:
        u = rng.random(len(members))
        dups = (u < cfg.within_crm_duplicate).astype(np.int64) + (u < cfg.within_crm_duplicate * 0.1)
    person = np.repeat(members, 1 + dups)
    m = len(person)
    first_row = np.concatenate([[0], np.cumsum(1 + dups)[:-1]])
    ordinal = np.arange(m) - np.repeat(first_row, 1 + dups)
    bits = 1 << rng.integers(0, len(VARIATIONS), m)
    extra = np.where(rng.random(m) < 0.4, 1 << rng.integers(0, len(VARIATIONS), m), 0)
    variation = np.where(
        ordinal > 0, bits | extra, np.where(rng.random(m) < cfg.cross_system_variation, bits, 0)
    )
    u = rng.random(m)
    merged = (ordinal > 0) & (u < cfg.merged_share)
    deleted = (ordinal > 0) & ~merged & (u < cfg.merged_share + cfg.deleted_share)
    master_row = np.where(merged, np.repeat(first_row, 1 + dups), -1)

    first = people.first_name.take(pa.array(person))
    last = people.last_name.take(pa.array(person))
    email = people.email.take(pa.array(person))
    org = people.org[person].copy()
    has_nick = pc.is_in(first, value_set=pa.array(list(NICKNAMES))).to_numpy(zero_copy_only=False)
    variation &= ~np.where(has_nick, 0, 1 << VARIATIONS.index("nickname"))
    on = {v: (variation >> b) & 1 == 1 for b, v in enumerate(VARIATIONS)}
    if on["nickname"].any():
        keys = pa.array(list(NICKNAMES))
        pos = pc.index_in(first, value_set=keys)
        nick = pa.array(list(NICKNAMES.values())).take(pc.fill_null(pos, 0))
        first = s.where(on["nickname"], nick, first)
    first = s.where(on["case"] & (rng.random(m) < 0.5), pc.utf8_upper(first), first)
    last = s.where(on["case"], pc.utf8_upper(last), last)
    email = s.where(on["case"], pc.utf8_upper(email), email)
    last = s.where(
        on["typo"], s.join(pc.utf8_slice_codeunits(last, 0, 2), pc.utf8_slice_codeunits(last, 3, 99)), last
    )
    first = s.where(on["whitespace"], s.join(first, " "), first)
    last = s.where(on["whitespace"], s.join(" ", last), last)
    email = s.where(on["whitespace"], s.join(" ", email, " "), email)
    email = s.where(on["personal_email"], people.personal_email.take(pa.array(person)), email)
    if on["changed_employer"].any():
        new_org = people.org[rng.integers(0, len(people), m)]
        org = np.where(on["changed_employer"], new_org, org)
        local = pc.utf8_slice_codeunits(pc.utf8_lower(people.work_email.take(pa.array(person))), 0, 200)
        local = pc.replace_substring_regex(local, "@.*$", "")
        moved = s.join(local, "@", cat.orgs.domain.take(pa.array(new_org)))
        email = s.where(on["changed_employer"], moved, email)
    return SystemRecords(system, person, ordinal, variation, merged | deleted, master_row,
                         crm_ids(system, chunk, m), first, last, email, org)  # fmt: skip


@dataclass
class Routing:
    """Where each true event was recorded: one marketing system record and maybe a Salesforce one."""

    mk_system: np.ndarray  # 0 none, 1 hubspot, 2 marketo, 3 pardot
    mk_row: np.ndarray
    sf_system: np.ndarray  # 0 none, 1 lead, 2 contact
    sf_row: np.ndarray


def _person_rows(rec: SystemRecords, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(first row, row count) per chunk person; count 0 when the person is not in the system."""
    count = np.bincount(rec.person, minlength=n)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return start, count


def route_events(recs: dict[str, SystemRecords], event_person: np.ndarray, campaign: np.ndarray, n: int,
                 rng: np.random.Generator) -> Routing:  # fmt: skip
    m = len(event_person)
    mk_systems = ("hubspot", "marketo", "pardot")
    rows = {k: _person_rows(recs[k], n) for k in recs}
    has = np.stack([rows[k][1][event_person] > 0 for k in mk_systems], axis=1)
    k = has.sum(axis=1)
    choice = (rng.random(m) * np.maximum(k, 1)).astype(np.int64)
    rank = np.cumsum(has, axis=1) - 1
    mk_system = np.where(k > 0, np.argmax((rank == choice[:, None]) & has, axis=1) + 1, 0)
    mk_row = np.full(m, -1, dtype=np.int64)
    u = rng.random(m)
    for i, name in enumerate(mk_systems, start=1):
        sel = np.flatnonzero(mk_system == i)
        start, count = rows[name]
        p = event_person[sel]
        row = start[p] + (u[sel] * count[p]).astype(np.int64)
        row = np.where(recs[name].is_deleted[row], start[p], row)
        mk_row[sel] = row
    lead_start, lead_count = rows["sf_lead"]
    con_start, con_count = rows["sf_contact"]
    p = event_person
    sf_system = np.where(campaign < 0, 0, np.where(con_count[p] > 0, 2, np.where(lead_count[p] > 0, 1, 0)))
    sf_row = np.where(sf_system == 2, con_start[p], np.where(sf_system == 1, lead_start[p], -1))
    return Routing(mk_system, mk_row, sf_system, sf_row)
