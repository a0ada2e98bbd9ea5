"""Small canonical frames for the store tests, conformed to the contracts in mqlsync.schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from mqlsync.schemas import EVENTS, PEOPLE, SCORES, conform_frame

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def people_frame(n: int = 3, *, start: int = 0) -> pd.DataFrame:
    ids = range(start, start + n)
    return conform_frame(
        pd.DataFrame(
            {
                "record_id": [f"sf_lead:00Q{i:012d}" for i in ids],
                "source": ["salesforce" if i % 2 else "hubspot" for i in ids],
                "email": [None if i % 3 == 2 else f"p{i}@lab{i % 7}.example.org" for i in ids],
                "first_name": [f"Ada{i}" for i in ids],
                "last_name": ["Lovelace"] * n,
                "title": ["Principal Investigator"] * n,
                "company": ["Helix Bio"] * n,
                "email_domain": [f"lab{i % 7}.example.org" for i in ids],
                "phone": [None] * n,
                "country": ["US", "DE", "JP"] * (n // 3) + ["US"] * (n % 3),
                "state": [None] * n,
                "organization_type": ["biotech"] * n,
                "job_function": ["principal_investigator"] * n,
                "therapeutic_areas": ["oncology;immunology"] * n,
                "program_stage": ["phase_2"] * n,
                "employees": [None if i % 4 == 0 else 10 * i + 1 for i in ids],
                "lead_source": ["webinar"] * n,
                "timeline": ["0_3_months"] * n,
                "consent": ["opt_in", "unknown", "opt_out"] * (n // 3) + ["opt_in"] * (n % 3),
                "do_not_contact": [i % 5 == 0 for i in ids],
                "crm_status": ["open"] * n,
                "owner_id": ["005000000000001"] * n,
                "created_at": [T0 - timedelta(days=i, microseconds=i) for i in ids],
                "updated_at": [None if i % 3 == 1 else T0 + timedelta(seconds=i) for i in ids],
                "is_deleted": [False] * n,
                "is_converted": [i % 2 == 0 for i in ids],
            }
        ),
        PEOPLE,
    )


def events_frame(n: int = 3) -> pd.DataFrame:
    return conform_frame(
        pd.DataFrame(
            {
                "event_id": [f"ev{i}" for i in range(n)],
                "record_id": [f"sf_lead:00Q{i:012d}" if i % 2 else None for i in range(n)],
                "email": [None if i % 2 else f"p{i}@x.example" for i in range(n)],
                "event_type": ["demo_request", "page_view", "webinar_attended"] * (n // 3)
                + ["page_view"] * (n % 3),
                "asset_id": ["asset-1"] * n,
                "campaign_id": [None] * n,
                "occurred_at": [T0 - timedelta(hours=i) for i in range(n)],
                "source": ["marketo"] * n,
            }
        ),
        EVENTS,
    )


def scores_frame(
    person_ids: list[str], *, as_of: datetime = T0, model_version: str = "ls-1", score: int = 50
) -> pd.DataFrame:
    n = len(person_ids)
    return conform_frame(
        pd.DataFrame(
            {
                "person_id": person_ids,
                "as_of": [as_of] * n,
                "model_version": [model_version] * n,
                "segment": ["biotech"] * n,
                "fit_score": [30] * n,
                "intent_score": [score - 30] * n,
                "score": [score] * n,
                "fit_grade": ["A"] * n,
                "intent_level": [2] * n,
                "tier": ["A2"] * n,
                "mql_status": ["mql"] * n,
                "reason_codes": [["FIT_ROLE_DECISION_MAKER:+30", f"INTENT_DEMO_REQUEST:+{score - 30}"]] * n,
                "disqualify_reason": [None] * n,
                "routing_queue": ["sales"] * n,
                "nurture_track": [None] * n,
                "mql_at": [as_of] * n,
                "sla_due_at": [as_of + timedelta(hours=4)] * n,
                "handoff_summary": ["Asked for a demo of the assay kit."] * n,
            }
        ),
        SCORES,
    )
