"""Small inline people and events that pass every shipped suite, and one-defect variants of them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from mqlsync.schemas import EVENTS, PEOPLE, conform_frame
from mqlsync.settings import PROJECT_ROOT

SUITES_DIR = PROJECT_ROOT / "expectations"
AS_OF = datetime(2026, 11, 21, 10, tzinfo=UTC)


def people(**changes: dict[int, Any]) -> pd.DataFrame:
    """Six good people (two of each record type); `changes` sets column -> {row: value}."""
    ts = pd.Timestamp("2026-11-20T08:00:00Z")
    frame = pd.DataFrame(
        {
            "record_id": ["sf_lead:00Q1", "sf_lead:00Q2", "sf_contact:0031", "sf_contact:0032", "hubspot:101",
                          "hubspot:102"],
            "source": ["salesforce"] * 4 + ["hubspot"] * 2,
            "email": ["ana.silva@genelab.com", "wei.chen@uni-heidelberg.de", "p.okafor@cro.org",
                      "m.tanaka@pharma.co.jp", "priya@biotech.io", "l.meyer@klinikum.de"],
            "first_name": ["Ana", "Wei", "Peter", "Mika", "Priya", "Lena"],
            "last_name": ["Silva", "Chen", "Okafor", "Tanaka", "Raman", "Meyer"],
            "title": ["Principal Investigator", "Lab Manager", "Director, Clinical Operations", "CSO",
                      "Scientist", "Physician"],
            "company": ["Genelab", "Heidelberg University", "Acme CRO", "Pharma KK", "Biotech Inc", "Klinikum"],
            "email_domain": ["genelab.com", "uni-heidelberg.de", "cro.org", "pharma.co.jp", "biotech.io",
                             "klinikum.de"],
            "phone": ["+1 617 555 0100", None, None, None, None, None],
            "country": ["US", "DE", "CA", "JP", "AU", "DE"],
            "state": ["MA", None, "ON", None, "NSW", "Bavaria"],
            "organization_type": ["biotech"] * 6,
            "job_function": ["scientist"] * 6,
            "therapeutic_areas": ["oncology"] * 6,
            "program_stage": ["phase_1"] * 6,
            "employees": [120, 5000, 800, 20000, 40, 3000],
            "lead_source": ["Web"] * 6,
            "timeline": ["unknown"] * 6,
            "consent": ["opt_in", "unknown", "opt_out", "unknown", "opt_in", "unknown"],
            "do_not_contact": [False, False, True, False, False, False],
            "crm_status": ["open"] * 6,
            "owner_id": ["005A"] * 6,
            "created_at": [pd.Timestamp("2025-03-01T00:00:00Z")] * 6,
            "updated_at": [ts] * 6,
            "is_deleted": [False] * 6,
            "is_converted": [False] * 6,
        }
    )  # fmt: skip
    frame = conform_frame(frame, PEOPLE)
    return _apply(frame, changes)


def events(**changes: dict[int, Any]) -> pd.DataFrame:
    """Four good events of the people above (one by email only)."""
    frame = pd.DataFrame(
        {
            "event_id": ["sf_cm:1", "sf_cm:2", "hubspot_form:a", "hubspot_form:b"],
            "record_id": ["sf_lead:00Q1", "sf_contact:0031", "hubspot:101", None],
            "email": [None, None, None, "priya@biotech.io"],
            "event_type": ["webinar_attended", "content_download", "demo_request", "form_submit"],
            "asset_id": ["a1", "a2", None, None],
            "campaign_id": ["701A", "701B", None, None],
            "occurred_at": [pd.Timestamp("2026-11-19T12:00:00Z")] * 4,
            "source": ["salesforce", "salesforce", "hubspot", "hubspot"],
        }
    )
    return _apply(conform_frame(frame, EVENTS), changes)


def _apply(frame: pd.DataFrame, changes: dict[str, dict[int, Any]]) -> pd.DataFrame:
    frame = frame.copy()
    for column, values in changes.items():
        for row, value in values.items():
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype) and isinstance(value, str):
                value = pd.Timestamp(value)
            frame.loc[row, column] = value
    return frame


# (id, table, changes, suite, check): one defect in an otherwise good sample, and what must catch it.
BAD: list[tuple[str, str, dict[str, dict[int, Any]], str, str]] = [
    ("missing record id", "people", {"record_id": {0: None}}, "people", "RECORD_ID_REQUIRED"),
    ("duplicate record id", "people", {"record_id": {1: "sf_lead:00Q1"}}, "people", "RECORD_ID_UNIQUE"),
    ("consent outside the set", "people", {"consent": {2: "maybe"}}, "people", "CONSENT_IN_SET"),
    ("email without @", "people", {"email": {0: "ana.silva.genelab.com"}}, "people", "EMAIL_SYNTAX"),
    ("email with a zero-width space", "people", {"email": {0: "ana\u200b@genelab.com"}}, "people", "EMAIL_SYNTAX"),
    ("test address", "people", {"email": {1: "test@genelab.com"}}, "people", "EMAIL_PLACEHOLDER"),
    ("example.com", "people", {"email": {1: "wei@example.com"}}, "people", "EMAIL_PLACEHOLDER"),
    ("noreply address", "people", {"email": {1: "noreply@genelab.com"}}, "people", "EMAIL_PLACEHOLDER"),
    ("role address", "people", {"email": {3: "info@pharma.co.jp"}}, "people", "EMAIL_ROLE_ADDRESS"),
    ("country not ISO 3166-1", "people", {"country": {1: "EU"}}, "people", "COUNTRY_ISO3166_1"),
    ("state not ISO 3166-2", "people", {"state": {0: "ZZ"}}, "people", "STATE_ISO3166_2"),
    ("created in the future", "people", {"created_at": {0: "2027-01-01T00:00:00Z"}}, "people", "CREATED_AT_RANGE"),
    ("created before the earliest date", "people", {"created_at": {0: "1970-01-02T00:00:00Z"}}, "people",
     "CREATED_AT_RANGE"),
    ("updated in the future", "people", {"updated_at": {1: "2026-12-01T00:00:00Z"}}, "people", "UPDATED_AT_RANGE"),
    ("formula in a name", "people", {"first_name": {0: '=HYPERLINK("http://x")'}}, "people",
     "FIRST_NAME_UNSAFE_TEXT"),
    ("NUL byte in a title", "people", {"title": {1: "Lab\x00Manager"}}, "people", "TITLE_UNSAFE_TEXT"),
    ("Salesforce last name missing", "people", {"last_name": {2: None}}, "people_salesforce", "SF_LAST_NAME_REQUIRED"),
    ("Salesforce first name over 40", "people", {"first_name": {0: "A" * 41}}, "people_salesforce",
     "SF_FIRST_NAME_LENGTH"),
    ("Salesforce last name over 80", "people", {"last_name": {0: "B" * 81}}, "people_salesforce",
     "SF_LAST_NAME_LENGTH"),
    ("Salesforce email over 80", "people", {"email": {0: "a" * 70 + "@genelab.com"}}, "people_salesforce",
     "SF_EMAIL_LENGTH"),
    ("Salesforce title over 128", "people", {"title": {0: "T" * 129}}, "people_salesforce", "SF_TITLE_LENGTH"),
    ("Salesforce company over 255", "people", {"company": {0: "C" * 256}}, "people_salesforce",
     "SF_COMPANY_LENGTH"),
    ("Salesforce source stale", "people", {"updated_at": {i: "2026-10-01T00:00:00Z" for i in range(4)}},
     "people_salesforce", "SOURCE_FRESHNESS"),
    ("Lead without company", "people", {"company": {1: None}}, "people_salesforce_lead", "SF_LEAD_COMPANY_REQUIRED"),
    ("HubSpot contact without email", "people", {"email": {4: None}}, "people_hubspot", "HS_EMAIL_REQUIRED"),
    ("HubSpot title over 65,536", "people", {"title": {5: "x" * 65_537}}, "people_hubspot", "HS_TITLE_LENGTH"),
    ("HubSpot source stale", "people", {"updated_at": {4: "2026-01-01T00:00:00Z", 5: "2026-01-01T00:00:00Z"}},
     "people_hubspot", "SOURCE_FRESHNESS"),
    ("missing event id", "events", {"event_id": {0: None}}, "events", "EVENT_ID_REQUIRED"),
    ("duplicate event id", "events", {"event_id": {1: "sf_cm:1"}}, "events", "EVENT_ID_UNIQUE"),
    ("unknown event type", "events", {"event_type": {2: "sent"}}, "events", "EVENT_TYPE_IN_SET"),
    ("unknown source", "events", {"source": {2: "zoho"}}, "events", "EVENT_SOURCE_IN_SET"),
    ("no occurred_at", "events", {"occurred_at": {3: None}}, "events", "OCCURRED_AT_REQUIRED"),
    ("event in the future", "events", {"occurred_at": {0: "2026-11-22T00:00:00Z"}}, "events", "OCCURRED_AT_RANGE"),
    ("event of an unknown person", "events", {"record_id": {1: "sf_contact:0039"}}, "events", "EVENT_PERSON_EXISTS"),
    ("event with no person at all", "events", {"email": {3: None}}, "events", "EVENT_PERSON_EXISTS"),
]  # fmt: skip


def bad_tables(table: str, changes: dict[str, dict[int, Any]]) -> dict[str, pd.DataFrame]:
    tables = {"people": people(), "events": events()}
    tables[table] = people(**changes) if table == "people" else events(**changes)
    return tables
