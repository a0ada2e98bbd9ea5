"""Picklist values of each source -> the canonical vocabularies of mqlsync.schemas.

Salesforce sends picklist labels (`Academic Medical Center`, `Phase 2`, `6-12 months`), HubSpot its
internal values (`academic_medical_center`, `phase_2`, `6_12_months`). Both reduce to one key
(lower case, runs of non-letters as `_`), which is either a canonical value or a listed synonym.
A value that is neither maps to null and is noted (UNMAPPED_VALUE): never forced into `other`.
"""

from __future__ import annotations

import re

import pandas as pd

from mqlsync.schemas import ORGANIZATION_TYPES, PROGRAM_STAGES, THERAPEUTIC_AREAS, TIMELINES

_NON_WORD = re.compile(r"[^0-9a-z+]+")

ORGANIZATION_SYNONYMS: dict[str, str] = {
    "amc": "academic_medical_center", "academic_medical_centre": "academic_medical_center",
    "teaching_hospital": "academic_medical_center", "academic": "university", "college": "university",
    "research_institute": "university", "contract_research_organization": "cro",
    "contract_research_organisation": "cro", "biotechnology": "biotech", "biopharma": "biotech",
    "pharmaceutical": "pharma", "pharmaceuticals": "pharma", "medical_devices": "medtech",
    "medical_device": "medtech", "diagnostics": "diagnostics_lab", "clinical_lab": "diagnostics_lab",
    "reference_lab": "diagnostics_lab", "health_system": "hospital", "hospital_health_system": "hospital",
    "private_practice": "community_practice", "clinic": "community_practice", "gov": "government",
    "public_sector": "government", "non_profit": "other", "nonprofit": "other",
}  # fmt: skip
THERAPEUTIC_SYNONYMS: dict[str, str] = {
    "cancer": "oncology", "onc": "oncology", "neuroscience": "neurology", "cns": "neurology",
    "cardiology": "cardiovascular", "cardiometabolic": "cardiovascular", "cv": "cardiovascular",
    "inflammation": "immunology", "autoimmune": "immunology", "i_i": "immunology",
    "infectious_diseases": "infectious_disease", "id": "infectious_disease", "vaccines": "infectious_disease",
    "rare_diseases": "rare_disease", "orphan": "rare_disease", "metabolism": "metabolic",
    "diabetes": "metabolic", "pulmonology": "respiratory", "eye": "ophthalmology", "blood": "hematology",
    "haematology": "hematology",
}  # fmt: skip
PROGRAM_STAGE_SYNONYMS: dict[str, str] = {
    "phase_i": "phase_1", "phase_ii": "phase_2", "phase_iii": "phase_3", "phase1": "phase_1",
    "phase2": "phase_2", "phase3": "phase_3", "ph1": "phase_1", "ph2": "phase_2", "ph3": "phase_3",
    "pre_clinical": "preclinical", "ind_enabling": "preclinical", "research": "discovery",
    "marketed": "commercial", "launched": "commercial", "phase_4": "commercial", "n_a": "not_applicable",
    "na": "not_applicable", "none": "not_applicable",
}  # fmt: skip
TIMELINE_SYNONYMS: dict[str, str] = {
    "0_3_months": "0_3_months", "less_than_3_months": "0_3_months", "immediately": "0_3_months",
    "this_quarter": "0_3_months", "3_6_months": "3_6_months", "6_12_months": "6_12_months",
    "12+_months": "12_plus_months", "12_months+": "12_plus_months", "more_than_12_months": "12_plus_months",
    "over_12_months": "12_plus_months", "not_sure": "unknown", "don_t_know": "unknown", "tbd": "unknown",
}  # fmt: skip
# Salesforce Lead Status and HubSpot hs_lead_status / lifecyclestage -> crm_status (lower case, the
# names score/lifecycle.py reads: sales-owned statuses and `closed`/`recycled`).
CRM_STATUSES: dict[str, str] = {
    "open_not_contacted": "open", "open": "open", "new": "open", "working_contacted": "working",
    "working": "working", "in_progress": "working", "attempted_to_contact": "working",
    "connected": "working", "open_deal": "sql", "closed_converted": "converted",
    "closed_not_converted": "closed", "unqualified": "closed", "bad_timing": "recycled",
    "recycled": "recycled", "accepted": "accepted", "sales_accepted": "accepted",
    "salesqualifiedlead": "sql", "opportunity": "sql", "customer": "converted", "evangelist": "converted",
}  # fmt: skip


def vocab_key(value: str) -> str:
    return _NON_WORD.sub("_", value.casefold()).strip("_")


def _lookup(canonical: tuple[str, ...], synonyms: dict[str, str]) -> dict[str, str]:
    return {**{c: c for c in canonical}, **synonyms}


def map_values(series: pd.Series, table: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(canonical value per row via vocab_key; mask of present values that map to nothing)."""
    text = series.astype("string").str.strip()
    text = text.mask(text == "")
    lookup = {v: table.get(vocab_key(v)) for v in text.dropna().unique()}
    out = text.map(lookup).astype("string")
    return out, (text.notna() & out.isna()).astype(bool)


def organization_types(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return map_values(series, _lookup(ORGANIZATION_TYPES, ORGANIZATION_SYNONYMS))


def program_stages(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return map_values(series, _lookup(PROGRAM_STAGES, PROGRAM_STAGE_SYNONYMS))


def timelines(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return map_values(series, _lookup(TIMELINES, TIMELINE_SYNONYMS))


def crm_statuses(series: pd.Series) -> pd.Series:
    """crm_status; an unlisted status is kept as its lower-case key (it is the CRM's, not ours)."""
    text = series.astype("string").str.strip()
    text = text.mask(text == "")
    lookup = {v: CRM_STATUSES.get(vocab_key(v), vocab_key(v) or None) for v in text.dropna().unique()}
    return text.map(lookup).astype("string")


def therapeutic_areas(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`;`-separated canonical areas in vocabulary order, duplicates removed; mask of rows where some
    listed area is unknown (the known ones are kept)."""
    table = _lookup(THERAPEUTIC_AREAS, THERAPEUTIC_SYNONYMS)
    order = {a: i for i, a in enumerate(THERAPEUTIC_AREAS)}
    text = series.astype("string")

    def convert(value: str) -> tuple[str | None, bool]:
        parts = [p for p in re.split(r"[;,|]", value) if p.strip()]
        mapped = [table.get(vocab_key(p)) for p in parts]
        known = sorted({m for m in mapped if m}, key=order.__getitem__)
        return (";".join(known) or None), any(m is None for m in mapped)

    converted = {v: convert(v) for v in text.dropna().unique()}
    out = text.map({v: c[0] for v, c in converted.items()}).astype("string")
    bad = text.map({v: c[1] for v, c in converted.items()}).fillna(False).astype(bool)
    return out, bad
