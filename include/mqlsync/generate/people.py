"""Who is in the world: persona first, then role, organisation, country, names, emails and interests.

One call draws one chunk of people. Organisations are split across chunks (org index modulo chunk
count), so everybody who works at the same place is drawn together and work emails can be made
unique without looking at other chunks; personal emails carry the global person index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import names, places, roles
from mqlsync.generate import strings as s
from mqlsync.generate.catalog import Catalog
from mqlsync.generate.orgs import COUNTRY_CODES
from mqlsync.schemas import JOB_FUNCTIONS, ORGANIZATION_TYPES, THERAPEUTIC_AREAS

TRADITIONS = tuple(names.FIRST_NAMES)
TRADITION_MIX = {"anglo": 3, "indian": 1.5, "chinese": 1.5, "spanish": 1, "korean": 0.5, "german": 0.5,
                 "italian": 0.5, "french": 0.5, "japanese": 0.3, "hebrew": 0.3, "portuguese": 0.3,
                 "nordic": 0.2, "dutch": 0.2}  # fmt: skip
CONSENT = ("opt_in", "opt_out", "unknown")
# Stage weights by organisation type, in PROGRAM_STAGES order.
_STAGE_ACADEMIC = (4, 3, 1, 1, 0.5, 0, 3)
_STAGE_CARE = (0, 0, 0.5, 0.5, 1, 3, 4)
STAGE_WEIGHTS = {"academic_medical_center": _STAGE_ACADEMIC, "university": _STAGE_ACADEMIC,
                 "government": _STAGE_ACADEMIC, "biotech": (3, 3, 2, 2, 1, 0.5, 0.5),
                 "pharma": (1, 1, 2, 2, 3, 2, 0.5), "cro": (0, 1, 2, 3, 3, 1, 1),
                 "medtech": (0, 0.5, 1, 1, 1, 4, 1), "diagnostics_lab": _STAGE_CARE, "hospital": _STAGE_CARE,
                 "community_practice": _STAGE_CARE, "other": (1, 1, 1, 1, 1, 1, 4)}  # fmt: skip
DIAL_CODES = {"US": "1", "CA": "1", "DE": "49", "GB": "44", "FR": "33", "JP": "81", "CN": "86", "CH": "41",
              "NL": "31", "SE": "46", "IT": "39", "ES": "34", "KR": "82", "AU": "61", "IN": "91", "BR": "55",
              "IL": "972", "DK": "45", "BE": "32", "IE": "353", "AT": "43", "SG": "65", "MX": "52", "PL": "48",
              "FI": "358", "NO": "47"}  # fmt: skip


@dataclass
class People:
    """One chunk of people; integer columns index the vocabularies named in their comments."""

    index: np.ndarray  # global person index
    person_id: pa.Array
    persona: np.ndarray  # roles.PERSONAS
    job_function: np.ndarray  # JOB_FUNCTIONS
    org: np.ndarray  # catalog.orgs
    org_type: np.ndarray  # ORGANIZATION_TYPES
    segment: np.ndarray  # roles.SEGMENTS
    country: np.ndarray  # COUNTRY_CODES
    consent: np.ndarray  # CONSENT
    do_not_contact: np.ndarray
    is_customer: np.ndarray
    program_stage: np.ndarray
    timeline: np.ndarray
    first_name: pa.Array
    last_name: pa.Array
    title: pa.Array
    email: pa.Array
    work_email: pa.Array
    personal_email: pa.Array
    phone: pa.Array
    therapeutic_areas: pa.Array

    def __len__(self) -> int:
        return len(self.index)


def _cdf(rows: list[list[float]]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float64)
    return np.cumsum(m / m.sum(axis=1, keepdims=True), axis=1)


def _names(rng: np.random.Generator, tradition: np.ndarray, pools: dict[str, tuple[str, ...]]) -> pa.Array:
    flat = [x for t in TRADITIONS for x in pools[t]]
    count = np.array([len(pools[t]) for t in TRADITIONS])
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return s.pick(flat, start[tradition] + (rng.random(len(tradition)) * count[tradition]).astype(np.int64))


def _pick_orgs(
    rng: np.random.Generator, cat: Catalog, org_type: np.ndarray, chunk: int, chunks: int
) -> np.ndarray:
    orgs = cat.orgs
    out = np.zeros(len(org_type), dtype=np.int64)
    own = np.arange(len(orgs)) % chunks == chunk
    for t in range(len(ORGANIZATION_TYPES)):
        rows = np.flatnonzero(org_type == t)
        pool = np.flatnonzero(own & (orgs.org_type == t))
        if not len(pool):
            pool = np.flatnonzero(own)
        cdf = np.cumsum(orgs.employees[pool] ** 0.6)
        out[rows] = pool[np.minimum(np.searchsorted(cdf, rng.random(len(rows)) * cdf[-1]), len(pool) - 1)]
    return out


def _unique_work_emails(local: pa.Array, domain: pa.Array) -> pa.Array:
    """first.last@org, with 2, 3... appended for the second, third namesake at the same org."""
    email = s.join(local, "@", domain)
    values = np.asarray(email.to_numpy(zero_copy_only=False), dtype=object)
    order = np.argsort(values, kind="stable")
    sorted_vals = values[order]
    new_group = np.r_[True, sorted_vals[1:] != sorted_vals[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(values)), 0))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values)) - group_start
    suffix = s.where(rank == 0, "", s.numbers(rank + 1))
    return s.join(local, suffix, "@", domain)


def sample_people(
    cat: Catalog, rng: np.random.Generator, start: int, n: int, chunk: int, chunks: int
) -> People:
    """n people with global indices start..start+n-1."""
    personas = roles.PERSONAS
    persona = s.choose_by_weight(rng, [p.weight for p in personas], n)
    job_function = s.choose_rows(
        rng, _cdf([[p.job_functions.get(j, 0) for j in JOB_FUNCTIONS] for p in personas]), persona
    )
    org_type = s.choose_rows(
        rng, _cdf([[p.org_types.get(o, 0) for o in ORGANIZATION_TYPES] for p in personas]), persona
    )
    segment = s.choose_rows(
        rng, _cdf([[p.segments.get(g, 0) for g in roles.SEGMENTS] for p in personas]), persona
    )
    org = _pick_orgs(rng, cat, org_type, chunk, chunks)
    country = np.where(
        rng.random(n) < 0.85,
        cat.orgs.country[org],
        s.choose_by_weight(rng, [places.COUNTRIES[c][0] for c in COUNTRY_CODES], n),
    )
    home = np.array([TRADITIONS.index(places.COUNTRIES[c][2]) for c in COUNTRY_CODES])[country]
    mixed = s.choose_by_weight(rng, [TRADITION_MIX.get(t, 0.1) for t in TRADITIONS], n)
    tradition = np.where(rng.random(n) < places.NAME_MIX_SHARE, mixed, home)
    first = _names(rng, tradition, names.FIRST_NAMES)
    last = _names(rng, tradition, names.LAST_NAMES)
    f_slug, l_slug = s.ascii_slug(first), s.ascii_slug(last)
    pattern = s.choose_by_weight(rng, [5, 2, 1, 1, 1], n)
    f_initial = pc.utf8_slice_codeunits(f_slug, 0, 1)
    candidates = [s.join(f_slug, l_slug, sep="."), s.join(f_initial, l_slug), s.join(f_slug, l_slug, sep="_"),
                  s.join(l_slug, f_initial), s.join(f_slug, pc.utf8_slice_codeunits(l_slug, 0, 1))]  # fmt: skip
    local = candidates[0]
    for k in range(1, len(candidates)):
        local = s.where(pattern == k, candidates[k], local)
    work_email = _unique_work_emails(local, cat.orgs.domain.take(pa.array(org)))
    index = np.arange(start, start + n, dtype=np.int64)
    cc = list(COUNTRY_CODES)
    flat_domains = [
        d for c in cc for d in names.PERSONAL_EMAIL_DOMAINS.get(c, names.PERSONAL_EMAIL_DOMAINS["default"])
    ]
    d_count = np.array(
        [len(names.PERSONAL_EMAIL_DOMAINS.get(c, names.PERSONAL_EMAIL_DOMAINS["default"])) for c in cc]
    )
    d_start = np.concatenate([[0], np.cumsum(d_count)[:-1]])
    personal_domain = s.pick(
        flat_domains, d_start[country] + (rng.random(n) * d_count[country]).astype(np.int64)
    )
    personal_email = s.join(s.where(rng.random(n) < 0.5, f_initial, s.join(f_slug, ".")), l_slug,
                            s.numbers(index), "@", personal_domain)  # fmt: skip
    p_personal = np.array(
        [{"student_job_seeker": 0.4, "tire_kicker": 0.35}.get(p.name, 0.08) for p in personas]
    )
    email = s.where(rng.random(n) < p_personal[persona], personal_email, work_email)
    consent_opt_in = np.isin(np.array(cc), sorted(places.OPT_IN_COUNTRIES))[country]
    consent = np.where(
        consent_opt_in,
        s.choose_by_weight(rng, [0.55, 0.10, 0.35], n),
        s.choose_by_weight(rng, [0.35, 0.05, 0.60], n),
    )
    customer_rate = np.array([p.customer_rate for p in personas])[persona]
    is_customer = (rng.random(n) < customer_rate) | (cat.orgs.is_customer[org] & (rng.random(n) < 0.15))
    return People(
        index=index,
        person_id=s.numbers(index, prefix="P", width=8),
        persona=persona,
        job_function=job_function,
        org=org,
        org_type=org_type,
        segment=segment,
        country=country,
        consent=consent,
        do_not_contact=(consent == 1) | (rng.random(n) < 0.01),
        is_customer=is_customer,
        program_stage=s.choose_rows(
            rng, _cdf([list(STAGE_WEIGHTS[o]) for o in ORGANIZATION_TYPES]), org_type
        ),
        timeline=s.choose_by_weight(rng, [0.15, 0.2, 0.25, 0.15, 0.25], n),
        first_name=first,
        last_name=last,
        title=_titles(rng, job_function),
        email=email,
        work_email=work_email,
        personal_email=personal_email,
        phone=_phones(rng, country),
        therapeutic_areas=_therapeutic_areas(rng, n),
    )


def _titles(rng: np.random.Generator, job_function: np.ndarray) -> pa.Array:
    pools = {j: roles.JOB_TITLES[j] for j in JOB_FUNCTIONS}
    flat = [t for j in JOB_FUNCTIONS for t in pools[j]]
    count = np.array([len(pools[j]) for j in JOB_FUNCTIONS])
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return s.pick(
        flat, start[job_function] + (rng.random(len(job_function)) * count[job_function]).astype(np.int64)
    )


def _phones(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    n = len(country)
    dial = s.pick([DIAL_CODES[c] for c in COUNTRY_CODES], country)
    area = s.numbers(rng.integers(200, 990, n))
    line = s.numbers(rng.integers(0, 10_000_000, n), width=7)
    intl = s.join("+", dial, " ", area, " ", line)
    nanp = s.join(
        "(", area, ") ", pc.utf8_slice_codeunits(line, 0, 3), "-", pc.utf8_slice_codeunits(line, 3, 7)
    )
    is_nanp = (country == COUNTRY_CODES.index("US")) | (country == COUNTRY_CODES.index("CA"))
    out = s.where(is_nanp & (rng.random(n) < 0.6), nanp, intl)
    return s.where(rng.random(n) < 0.3, None, out)


def _therapeutic_areas(rng: np.random.Generator, n: int) -> pa.Array:
    """One to three areas, `;`-separated in vocabulary order; a fifth of people state none."""
    k = s.choose_by_weight(rng, [0.2, 0.45, 0.25, 0.1], n)
    chosen = np.argsort(rng.random((n, len(THERAPEUTIC_AREAS))), axis=1)[:, :3]
    chosen = np.where(np.arange(3)[None, :] < k[:, None], chosen, len(THERAPEUTIC_AREAS))
    chosen.sort(axis=1)
    vocab = pa.array([*THERAPEUTIC_AREAS, ""], type=pa.string())
    slots = [vocab.take(pa.array(chosen[:, i])) for i in range(3)]
    joined = slots[0]
    for i in (1, 2):
        joined = s.where(k > i, s.join(joined, slots[i], sep=";"), joined)
    return s.where(k == 0, None, joined)
