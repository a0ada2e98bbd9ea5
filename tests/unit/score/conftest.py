"""Small inline worlds for scoring tests: a person/event factory and the default model.

`make_people` fills every PEOPLE column with a plausible value so each test states only what it is
about; the default model is loaded once with a small inline taxonomy so tests do not depend on the
generator's taxonomy file changing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from mqlsync.score.model import ScoringModel
from mqlsync.score.modelfile import load_model
from mqlsync.score.taxonomy import taxonomy_frame
from mqlsync.settings import DEFAULT_MODEL_PATH

AS_OF = pd.Timestamp("2026-11-02T15:00:00Z")  # a Monday

ASSETS = [
    {
        "asset_id": "brochure",
        "title": "Company brochure",
        "kind": "brochure",
        "topic": "cro_services",
        "therapeutic_area": "general",
        "product_line": "cro_services",
        "stage": "early",
    },
    {
        "asset_id": "checklist",
        "title": "Clinical workflow checklist",
        "kind": "checklist",
        "topic": "site_feasibility",
        "therapeutic_area": "general",
        "product_line": "cro_services",
        "stage": "late",
    },
    {
        "asset_id": "casestudy",
        "title": "Phase 2 oncology case study",
        "kind": "case_study",
        "topic": "trial_design",
        "therapeutic_area": "oncology",
        "product_line": "cro_services",
        "stage": "mid",
    },
    {
        "asset_id": "rt-blog",
        "title": "Single-cell primer",
        "kind": "blog",
        "topic": "single_cell",
        "therapeutic_area": "general",
        "product_line": "research_tools",
        "stage": "early",
    },
    {
        "asset_id": "rt-pricing",
        "title": "Single-cell kit pricing",
        "kind": "pricing_page",
        "topic": "single_cell",
        "therapeutic_area": "general",
        "product_line": "research_tools",
        "stage": "late",
    },
    {
        "asset_id": "mt-evidence",
        "title": "Medical information request: CGM",
        "kind": "evidence_request_page",
        "topic": "diabetes_tech",
        "therapeutic_area": "metabolic",
        "product_line": "medtech_devices",
        "stage": "late",
    },
    {
        "asset_id": "mt-demo",
        "title": "Robotic system demonstration",
        "kind": "demo_page",
        "topic": "surgical_robotics",
        "therapeutic_area": "general",
        "product_line": "medtech_devices",
        "stage": "late",
    },
    {
        "asset_id": "bd-meeting",
        "title": "Request a partnering meeting",
        "kind": "meeting_page",
        "topic": "licensing",
        "therapeutic_area": "general",
        "product_line": "partnering",
        "stage": "late",
    },
    {
        "asset_id": "bd-pipeline",
        "title": "Oncology pipeline assets",
        "kind": "pipeline",
        "topic": "licensing",
        "therapeutic_area": "oncology",
        "product_line": "partnering",
        "stage": "mid",
    },
    {
        "asset_id": "trial-page",
        "title": "Find a trial: oncology",
        "kind": "trial_page",
        "topic": "trial_matching",
        "therapeutic_area": "oncology",
        "product_line": "cro_services",
        "stage": "late",
    },
    {
        "asset_id": "careers",
        "title": "Careers",
        "kind": "page",
        "topic": "careers",
        "therapeutic_area": "general",
        "product_line": "corporate",
        "stage": "early",
    },
    {
        "asset_id": "press",
        "title": "Press releases",
        "kind": "page",
        "topic": "press",
        "therapeutic_area": "general",
        "product_line": "corporate",
        "stage": "early",
    },
]

BASE_PERSON: dict[str, Any] = {
    "source": "salesforce",
    "email": None,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "title": "Director, Clinical Operations",
    "company": "Acme Bio",
    "email_domain": None,
    "phone": None,
    "country": "US",
    "state": "MA",
    "organization_type": "pharma",
    "job_function": "clinical_operations_director",
    "therapeutic_areas": "oncology",
    "program_stage": "phase_2",
    "employees": 250,
    "lead_source": "web",
    "timeline": "3_6_months",
    "consent": "opt_in",
    "do_not_contact": False,
    "crm_status": None,
    "owner_id": None,
    "created_at": pd.Timestamp("2025-01-01T00:00:00Z"),
    "updated_at": pd.Timestamp("2026-01-01T00:00:00Z"),
    "is_deleted": False,
    "is_converted": False,
}


def make_people(*rows: dict[str, Any]) -> pd.DataFrame:
    """People rows: record_id p1, p2... and email pN@acmebio.com unless given."""
    out = []
    for i, row in enumerate(rows, start=1):
        rec = {**BASE_PERSON, "record_id": f"sf_lead:p{i}", "email": f"p{i}@acmebio.com", **row}
        out.append(rec)
    return pd.DataFrame(out)


def make_events(*rows: tuple[Any, ...] | dict[str, Any]) -> pd.DataFrame:
    """Events as (record_id, event_type, asset_id, days_before_as_of) tuples or full dicts."""
    out = []
    for i, row in enumerate(rows, start=1):
        if isinstance(row, tuple):
            record_id, etype, asset, days = row
            row = {
                "record_id": record_id,
                "event_type": etype,
                "asset_id": asset,
                "occurred_at": AS_OF - pd.Timedelta(days=days),
            }
        out.append({"event_id": f"e{i}", "email": None, "campaign_id": None, "source": "salesforce", **row})
    cols = [
        "event_id",
        "record_id",
        "email",
        "event_type",
        "asset_id",
        "campaign_id",
        "occurred_at",
        "source",
    ]
    frame = pd.DataFrame(out, columns=cols)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    return frame


NO_EVENTS = make_events()


@pytest.fixture(scope="session")
def model() -> ScoringModel:
    return load_model(DEFAULT_MODEL_PATH, with_taxonomy=False).with_taxonomy(taxonomy_frame(ASSETS))


def score(people: pd.DataFrame, events: pd.DataFrame, model: ScoringModel, **kw: Any) -> pd.DataFrame:
    """Score with the fixed AS_OF unless given; rows keep the input order of p1, p2, ..."""
    from mqlsync.score.engine import score_people

    kw.setdefault("as_of", AS_OF)
    return score_people(people, events, model, **kw).set_index("person_id", drop=False)


def codes(row: pd.Series) -> dict[str, int]:
    """A row's reason codes as {code: points} (0 for codes without points)."""
    from mqlsync.score.reasons import parse_code

    return dict(parse_code(c) for c in row["reason_codes"])
