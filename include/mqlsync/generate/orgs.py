"""The organisations people work for: deterministic names from parts, domains, sizes and places.

One pool per world (about one organisation per 15 people); people pick from it by organisation type,
weighted by headcount, so big pharma and big universities hold many people and a small practice few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import places
from mqlsync.generate import strings as s
from mqlsync.generate.names import LAST_NAMES
from mqlsync.schemas import ORGANIZATION_TYPES

# fmt: off
PREFIXES = ("Acu", "Allo", "Amni", "Arca", "Avi", "Calyx", "Cel", "Cere", "Cyto", "Ena", "Evo", "Gen",
            "Helix", "Immu", "Kin", "Lumi", "Medi", "Neo", "Nova", "Nuc", "Omni", "Onco", "Ortho", "Pro",
            "Qura", "Rena", "Sera", "Syn", "Thera", "Vax", "Vera", "Vita", "Xen", "Zy", "Astra", "Bel")
SUFFIXES = ("gen", "tix", "via", "ra", "nix", "lytics", "bio", "cor", "sana", "vance", "thera", "zyme",
            "mune", "cyte", "genix", "leaf", "path", "sphere", "logix", "quest", "vant", "dex")
WORDS = ("Apex", "Summit", "Harbor", "Beacon", "Cascade", "Meridian", "Pinnacle", "Horizon", "Keystone",
         "Northstar", "Bluewater", "Granite", "Redwood", "Atlas", "Sentinel", "Catalyst", "Vanguard",
         "Evergreen", "Lighthouse", "Crescent", "Riverbend", "Silverline")
FIELDS = ("Cancer Research", "Neurological Disorders", "Infectious Diseases", "Health", "Biomedical Imaging",
          "Environmental Health", "Allergy and Immunology", "Drug Safety")
SAINTS = ("Mary", "Luke", "Joseph", "Vincent", "Elizabeth", "Francis", "Jude", "Anne")
# {P}{S} brand, {W} word, {C} city, {L}/{M} surnames, {F} research field, {T} saint
TEMPLATES: dict[str, tuple[str, ...]] = {
    "academic_medical_center": ("{C} University Medical Center", "{L} Medical Center", "{C} Cancer Institute",
                                "{L} Institute for Medical Research", "{C} Children's Research Hospital",
                                "{W} University Health"),
    "university": ("University of {C}", "{C} State University", "{L} University", "{C} Institute of Technology",
                   "{L} College of Medicine", "{W} University"),
    "cro": ("{P}{S} Clinical", "{W} Research Partners", "{P}{S} Clinical Research", "{W} Trials",
            "{P}{S} CRO Services", "{W} {P}{S} Clinical"),
    "biotech": ("{P}{S} Therapeutics", "{P}{S} Bio", "{P}{S} Biosciences", "{W} Biologics", "{P}{S} Genomics",
                "{W} {P}{S} Therapeutics", "{P}{S} Oncology"),
    "pharma": ("{L} Pharmaceuticals", "{P}{S} Pharma", "{L} & {M} Pharma", "{P}{S} Pharmaceuticals",
               "{W} Pharma Group"),
    "medtech": ("{P}{S} Medical", "{W} Surgical", "{P}{S} Devices", "{P}{S} Medtech", "{W} Cardio Systems",
                "{W} {P}{S} Medical"),
    "diagnostics_lab": ("{P}{S} Diagnostics", "{C} Reference Laboratories", "{W} Labs", "{P}{S} Dx",
                        "{W} Pathology Services"),
    "hospital": ("St. {T}'s Hospital", "{C} General Hospital", "{C} Regional Medical Center",
                 "{L} Memorial Hospital", "Mercy Health {C}", "{W} Health System"),
    "community_practice": ("{C} Family Medicine", "{L} Oncology Associates", "{C} Cardiology Group",
                           "{L} & {M} Medical Practice", "{C} Eye Clinic", "{W} Neurology Partners"),
    "government": ("National Institute of {F}", "{C} Public Health Laboratory", "Centre for {F}",
                   "{C} Department of Health", "Institute for {F}"),
    "other": ("{W} Consulting", "{L} Advisors", "{W} Capital", "{P}{S} Solutions", "{W} Media",
              "{L} & {M} LLP"),
}
# (median headcount, spread of log headcount, weight in the pool)
SIZES: dict[str, tuple[float, float, float]] = {
    "academic_medical_center": (8000, 0.7, 0.6), "university": (6000, 0.8, 1.0), "cro": (900, 1.6, 0.6),
    "biotech": (80, 1.3, 2.5), "pharma": (4000, 1.6, 0.6), "medtech": (300, 1.5, 0.8),
    "diagnostics_lab": (250, 1.2, 0.5), "hospital": (2500, 0.9, 1.2), "community_practice": (15, 0.8, 1.4),
    "government": (1500, 1.0, 0.2), "other": (30, 1.4, 1.0),
}
INDUSTRIES: dict[str, str] = {
    "academic_medical_center": "Healthcare", "university": "Education", "cro": "Pharmaceuticals",
    "biotech": "Biotechnology", "pharma": "Pharmaceuticals", "medtech": "Medical Devices",
    "diagnostics_lab": "Healthcare", "hospital": "Healthcare", "community_practice": "Healthcare",
    "government": "Government", "other": "Consulting",
}
ACADEMIC = ("academic_medical_center", "university")
# fmt: on
COUNTRY_CODES = tuple(places.COUNTRIES)


@dataclass(frozen=True)
class Organizations:
    """The world's organisation pool, one entry per index (also the Salesforce Account order)."""

    name: pa.Array
    domain: pa.Array
    org_type: np.ndarray  # index into ORGANIZATION_TYPES
    country: np.ndarray  # index into COUNTRY_CODES
    city: pa.Array
    state: pa.Array
    employees: np.ndarray
    is_customer: np.ndarray
    is_partner: np.ndarray

    def __len__(self) -> int:
        return len(self.org_type)


def _render(rng: np.random.Generator, template: str, city: pa.Array) -> pa.Array:
    n = len(city)
    brand = s.join(s.pick_random(rng, PREFIXES, n), pc.utf8_lower(s.pick_random(rng, SUFFIXES, n)))
    surnames = [x for k in ("anglo", "german", "italian", "french") for x in LAST_NAMES[k] if "'" not in x]
    parts = {
        "{P}{S}": brand,
        "{W}": s.pick_random(rng, WORDS, n),
        "{C}": city,
        "{L}": s.pick_random(rng, surnames, n),
        "{M}": s.pick_random(rng, surnames, n),
        "{F}": s.pick_random(rng, FIELDS, n),
        "{T}": s.pick_random(rng, SAINTS, n),
    }
    pieces: list[pa.Array | str] = []
    rest = template
    while rest:
        starts = [(rest.find(k), k) for k in parts if rest.find(k) >= 0]
        if not starts:
            pieces.append(rest)
            break
        pos, key = min(starts)
        if pos:
            pieces.append(rest[:pos])
        pieces.append(parts[key])
        rest = rest[pos + len(key) :]
    return s.join(*pieces) if len(pieces) > 1 else pieces[0]


def build_organizations(rng: np.random.Generator, n: int) -> Organizations:
    """A pool of n organisations with unique names and domains."""
    types = list(ORGANIZATION_TYPES)
    org_type = s.choose_by_weight(rng, [SIZES[t][2] for t in types], n)
    weights = [places.COUNTRIES[c][0] for c in COUNTRY_CODES]
    country = s.choose_by_weight(rng, weights, n)
    city_vocab = [(c, city) for c in COUNTRY_CODES for city in places.CITIES[c]]
    city_start = np.cumsum([0] + [len(places.CITIES[c]) for c in COUNTRY_CODES])
    city_count = np.diff(city_start)
    city_idx = city_start[country] + (rng.random(n) * city_count[country]).astype(np.int64)
    city = s.pick([c for _, c in city_vocab], city_idx)
    name = pa.nulls(n, type=pa.string())
    for t_idx, t in enumerate(types):
        rows = np.flatnonzero(org_type == t_idx)
        if not len(rows):
            continue
        tpl = rng.integers(0, len(TEMPLATES[t]), size=len(rows))
        sub_city = city.take(pa.array(rows))
        rendered = pa.nulls(len(rows), type=pa.string())
        for k, template in enumerate(TEMPLATES[t]):
            rendered = s.where(tpl == k, _render(rng, template, sub_city), rendered)
        name = _scatter(name, rows, rendered)
    name = _deduplicate(name, city)
    slug = pc.utf8_slice_codeunits(s.ascii_slug(name), 0, 28)
    tld_by_country = [places.TLDS.get(c, "com") for c in COUNTRY_CODES]
    acad_tld = [places.ACADEMIC_TLDS.get(c, places.TLDS.get(c, "edu")) for c in COUNTRY_CODES]
    is_acad = np.isin(org_type, [types.index(t) for t in ACADEMIC])
    tld = s.where(is_acad, s.pick(acad_tld, country), s.pick(tld_by_country, country))
    domain = s.join(slug, tld, sep=".")
    med = np.array([SIZES[t][0] for t in types])[org_type]
    spread = np.array([SIZES[t][1] for t in types])[org_type]
    employees = np.maximum(1, np.round(med * np.exp(rng.normal(0, spread)))).astype(np.int64)
    state_idx = (rng.random(n) * 1000).astype(np.int64)
    state = pa.nulls(n, type=pa.string())
    for c_idx, c in enumerate(COUNTRY_CODES):
        if c not in places.STATES:
            continue
        rows = np.flatnonzero(country == c_idx)
        vocab = places.STATES[c]
        state = _scatter(state, rows, s.pick(vocab, state_idx[rows] % len(vocab)))
    is_customer = rng.random(n) < np.where(org_type == types.index("other"), 0.02, 0.12)
    is_partner = ~is_customer & (rng.random(n) < 0.02)
    return Organizations(name, domain, org_type, country, city, state, employees, is_customer, is_partner)


def _scatter(target: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """target with target[rows] = values."""
    mask = np.zeros(len(target), dtype=bool)
    mask[rows] = True
    idx = np.zeros(len(target), dtype=np.int64)
    idx[rows] = np.arange(len(rows))
    spread = values.take(pa.array(idx)) if len(values) else pa.nulls(len(target), type=target.type)
    return pc.if_else(pa.array(mask), spread, target)


def _deduplicate(name: pa.Array, city: pa.Array) -> pa.Array:
    """Make names unique: add the city, then a number, to the later copies (first copy keeps its name)."""
    for attempt in range(3):
        values = np.asarray(name.to_numpy(zero_copy_only=False), dtype=object)
        _, first = np.unique(values, return_index=True)
        dup = np.ones(len(values), dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        suffix = s.join(" (", city, ")") if attempt == 0 else s.numbers(np.arange(len(values)), prefix=" #")
        name = s.where(dup, s.join(name, suffix), name)
    return name
