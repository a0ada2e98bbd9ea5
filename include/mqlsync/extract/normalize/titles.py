"""Job title -> job_function (schemas.JOB_FUNCTIONS) by ordered rules: the first rule that matches wins.

Order matters and encodes what a title says about the person's work: a "VP Clinical Operations" runs
clinical operations (before the generic executive rule), a "Consultant Physician" is a physician
(before consultant), a "Value Analysis Coordinator" buys for a hospital (before the generic
coordinator), a "Medical Student" is a student (before physician). Matching is case-insensitive on
whole words, over the distinct titles of a column. A title that matches no rule maps to `other`;
an empty title maps to null (we do not know).
"""

from __future__ import annotations

import re

import pandas as pd

from mqlsync.schemas import JOB_FUNCTIONS

# (job_function, pattern); patterns are matched with re.search on the lower-cased title.
TITLE_RULES: tuple[tuple[str, str], ...] = (
    (
        "student",
        r"\bstudent\b|\bph\.?d\.? candidate\b|\bundergrad|\bgraduate researcher\b|\bmsc\b|\bintern\b|\btrainee\b",
    ),
    ("postdoc", r"\bpost[- ]?doc|\bresearch fellow\b"),
    (
        "clinical_operations_director",
        r"clinical (development )?op(eration)?s\b|\bclin ?ops\b|\bclinical program director\b|\bhead of clinical\b",
    ),
    (
        "clinical_research_coordinator",
        r"\bcrc\b|\bcra\b|clinical (research|trial) (coordinator|associate)|\bstudy coordinator\b|research nurse",
    ),
    (
        "medical_science_liaison",
        r"\bmsl\b|medical science liaison|\bmedical affairs\b|\bfield medical\b|medical scientific|\bmedical advisor\b",
    ),
    ("regulatory_affairs", r"\bregulatory\b|\bra specialist\b|\bquality (and|&) regulatory\b"),
    (
        "procurement",
        r"\bbuyer\b|\bpurchas|\bprocurement\b|\bsourcing\b|\bsupply chain\b|\bcategory manager\b|\bvalue analysis\b|\bmaterials manager\b|\bcontracts? manager\b",
    ),
    (
        "business_development",
        r"business development|\bbd\b|\blicens|search (&|and) evaluation|\balliance|corporate development|\bpartnering\b",
    ),
    (
        "principal_investigator",
        r"\bprincipal investigator\b|\bpi\b|\bprofessor\b|\bgroup leader\b|\blab head\b|\bhead of (the )?lab|\bfaculty\b|\bchair\b",
    ),
    (
        "physician",
        r"\bphysician\b|\bm\.?d\.?\b|\bdoctor\b|\bsurgeon\b|\bsurgery\b|\bchief of\b|ologist\b|\bclinician\b|\bresident\b|\bhospitalist\b|\bpediatrician\b",
    ),
    (
        "executive",
        r"\bceo\b|\bcso\b|\bcmo\b|\bcoo\b|\bcfo\b|\bcto\b|\bchief\b|\bpresident\b|\bfounder\b|\b(s|e)?vp\b|vice president|\bmanaging director\b|\bgeneral manager\b|\bowner\b",
    ),
    (
        "lab_manager",
        r"\blab(oratory)? (manager|supervisor|director|operations)|\bcore (facility|manager|director)|\bmanager,? .*\bcore\b|\blab ops\b|\bfacility manager\b",
    ),
    (
        "scientist",
        r"\bscientist\b|\bresearch associate\b|\bresearcher\b|\bbiologist\b|\bchemist\b|\bbioinformatic|\btechnician\b|\bresearch\b",
    ),
    ("consultant", r"\bconsultant\b|\badvis[oe]r\b|\bconsulting\b"),
)
_COMPILED = tuple((fn, re.compile(p)) for fn, p in TITLE_RULES)
assert all(fn in JOB_FUNCTIONS for fn, _ in TITLE_RULES), "a title rule names an unknown job function"


def job_function(title: str) -> str:
    """The job function of one title (`other` when no rule matches)."""
    text = title.casefold()
    for fn, pattern in _COMPILED:
        if pattern.search(text):
            return fn
    return "other"


def job_functions(titles: pd.Series) -> pd.Series:
    """job_function per row; null where the title is null. Rules run once per distinct title."""
    text = titles.astype("string")
    lookup = {t: job_function(t) for t in text.dropna().unique()}
    return text.map(lookup).astype("string")
