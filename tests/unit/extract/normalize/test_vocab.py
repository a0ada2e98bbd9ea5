"""Country, title and picklist mappings: each source's spellings -> the canonical vocabularies."""

from __future__ import annotations

import pandas as pd
import pytest

from mqlsync.extract.normalize import country_code, country_codes, job_function, job_functions
from mqlsync.extract.normalize.vocab import (
    crm_statuses,
    organization_types,
    program_stages,
    therapeutic_areas,
    timelines,
)
from mqlsync.schemas import JOB_FUNCTIONS


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("United States", "US"), ("U.S.A.", "US"), ("usa", "US"), ("United States of America", "US"),
        ("Deutschland", "DE"), ("germany", "DE"), ("UK", "GB"), ("England", "GB"), ("Great Britain", "GB"),
        ("中国", "CN"), ("PRC", "CN"), ("日本", "JP"), ("Schweiz", "CH"), ("Suisse", "CH"),
        ("Korea, Republic of", "KR"), ("대한민국", "KR"), ("Österreich", "AT"), ("België", "BE"),
        ("The Netherlands", "NL"), ("Holland", "NL"), ("México", "MX"), ("Polska", "PL"), ("  france ", "FR"),
        ("FR", "FR"), ("deu", "DE"), ("Germny", "DE"), ("Swizterland", "CH"), ("Côte d’Ivoire", "CI"),
    ],
)  # fmt: skip
def test_country_variants_typos_and_local_names_map_to_iso(typed, iso):
    assert country_code(typed) == iso


@pytest.mark.parametrize(
    "typed", ["Narnia", "XX", "Europe", "EU", "N/A", "123", "Earth", "--", "", "<script>"]
)
def test_values_that_are_not_countries_stay_unknown(typed):
    assert country_code(typed) is None


def test_country_column_maps_and_flags_unknowns_without_touching_nulls():
    codes, unknown = country_codes(pd.Series(["USA", None, "Narnia", "USA"], dtype="string"))
    assert codes.tolist()[0] == "US"
    assert pd.isna(codes[1])
    assert pd.isna(codes[2])
    assert unknown.tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    ("title", "function"),
    [
        ("Principal Investigator", "principal_investigator"), ("PI, Translational Oncology", "principal_investigator"),
        ("Professor & Chair", "principal_investigator"), ("Lab Manager", "lab_manager"),
        ("Manager, Genomics Core", "lab_manager"), ("Sr. Scientist II", "scientist"),
        ("Research Associate II", "scientist"), ("Postdoc", "postdoc"), ("Research Fellow", "postdoc"),
        ("Clinical Research Coordinator", "clinical_research_coordinator"), ("CRC", "clinical_research_coordinator"),
        ("Director, Clinical Operations", "clinical_operations_director"),
        ("VP Clinical Operations", "clinical_operations_director"), ("Sr. Buyer, Lab Supplies", "procurement"),
        ("Purchasing Agent", "procurement"), ("Value Analysis Coordinator", "procurement"),
        ("MSL", "medical_science_liaison"), ("Medical Science Liaison", "medical_science_liaison"),
        ("MD", "physician"), ("Consultant Physician", "physician"), ("Medical Oncologist", "physician"),
        ("CEO", "executive"), ("CSO", "executive"), ("VP R&D", "executive"), ("SVP, Research", "executive"),
        ("Head of Licensing", "business_development"), ("BD Manager", "business_development"),
        ("Regulatory Affairs Specialist", "regulatory_affairs"), ("PhD Candidate", "student"),
        ("Medical Student", "student"), ("Independent Consultant", "consultant"), ("Analyst", "other"),
        ("<b>Scientist</b>", "scientist"), ("DIRECTOR, CLINICAL OPERATIONS", "clinical_operations_director"),
    ],
)  # fmt: skip
def test_titles_map_to_job_functions_first_rule_wins(title, function):
    assert job_function(title) == function


def test_every_job_function_is_reachable_and_null_titles_stay_null():
    assert {job_function(t) for t in ("Professor", "Lab Supervisor", "Scientist", "Postdoc", "CRC",
            "Head of Clinical Operations", "Buyer", "MSL", "Physician", "CEO", "Alliance Manager",
            "Head of Regulatory", "Student", "Advisor", "Assistant")} == set(JOB_FUNCTIONS)  # fmt: skip
    out = job_functions(pd.Series(["CEO", None], dtype="string"))
    assert out[0] == "executive"
    assert pd.isna(out[1])


@pytest.mark.parametrize(
    ("mapper", "raw", "canonical"),
    [
        (organization_types, "Academic Medical Center", "academic_medical_center"),
        (organization_types, "academic_medical_center", "academic_medical_center"),
        (organization_types, "CRO", "cro"), (organization_types, "Diagnostics Lab", "diagnostics_lab"),
        (organization_types, "Pharmaceuticals", "pharma"), (program_stages, "Phase 2", "phase_2"),
        (program_stages, "phase_3", "phase_3"), (program_stages, "Not Applicable", "not_applicable"),
        (program_stages, "Phase II", "phase_2"), (timelines, "6-12 months", "6_12_months"),
        (timelines, "12+ months", "12_plus_months"), (timelines, "12_plus_months", "12_plus_months"),
        (timelines, "Unknown", "unknown"),
    ],
)  # fmt: skip
def test_picklist_labels_and_internal_values_map_to_the_vocabulary(mapper, raw, canonical):
    out, unmapped = mapper(pd.Series([raw]))
    assert out[0] == canonical
    assert not unmapped[0]


def test_unmapped_picklist_value_is_null_and_flagged_never_forced_to_other():
    out, unmapped = organization_types(pd.Series(["Space Agency", None]))
    assert out.isna().all()
    assert unmapped.tolist() == [True, False]


def test_therapeutic_areas_are_canonical_ordered_and_deduplicated():
    out, bad = therapeutic_areas(pd.Series(["Rare Disease;Oncology;oncology", "Neurology;Astrology", None]))
    assert out[0] == "oncology;rare_disease"
    assert out[1] == "neurology"
    assert bad.tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("status", "crm"),
    [("Open - Not Contacted", "open"), ("Working - Contacted", "working"), ("Closed - Converted", "converted"),
     ("Closed - Not Converted", "closed"), ("IN_PROGRESS", "working"), ("UNQUALIFIED", "closed"),
     ("Custom Status", "custom_status")],
)  # fmt: skip
def test_lead_statuses_map_to_crm_status(status, crm):
    assert crm_statuses(pd.Series([status]))[0] == crm
