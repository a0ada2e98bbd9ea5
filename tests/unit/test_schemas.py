"""The canonical contracts catch every problem at once and conform good frames to their types."""

from __future__ import annotations

import pandas as pd
import pytest

from mqlsync.errors import SchemaError
from mqlsync.schemas import EVENTS, PEOPLE, SCORES, check_frame, conform_frame, empty_frame


def _person(**overrides):
    row = {name: None for name in PEOPLE.names}
    row.update(
        record_id="sf_lead:00Q000000000001AAA",
        source="salesforce",
        email="a@lab.org",
        consent="unknown",
        do_not_contact=False,
        is_deleted=False,
        is_converted=False,
        created_at="2026-01-02T03:04:05Z",
        employees="250",
    )
    row.update(overrides)
    return row


def test_design_names_are_the_contract():
    assert PEOPLE.names[:4] == ["record_id", "source", "email", "first_name"]
    assert "therapeutic_areas" in PEOPLE.names
    assert "is_converted" in PEOPLE.names
    assert EVENTS.names == [
        "event_id",
        "record_id",
        "email",
        "event_type",
        "asset_id",
        "campaign_id",
        "occurred_at",
        "source",
    ]
    assert {"tier", "reason_codes", "mql_at", "sla_due_at", "handoff_summary"} <= set(SCORES.names)


def test_good_people_conform_to_contract_types():
    df = pd.DataFrame([_person(), _person(record_id="hubspot:101", source="hubspot", employees=None)])
    out = conform_frame(df, PEOPLE)
    assert list(out.columns) == PEOPLE.names
    assert str(out["created_at"].dtype) == "datetime64[us, UTC]"
    assert out["employees"].tolist()[0] == 250
    assert pd.isna(out["employees"].tolist()[1])


def test_every_problem_is_reported_at_once_with_sample_ids():
    df = pd.DataFrame(
        [
            _person(record_id="sf_lead:bad1", consent="maybe", employees="many"),
            _person(record_id="sf_lead:bad2", source="excel", created_at="not a date"),
            _person(record_id=None),
        ]
    ).drop(columns=["phone"])
    df["surprise"] = 1
    with pytest.raises(SchemaError) as err:
        check_frame(df, PEOPLE)
    text = str(err.value)
    for expected in (
        "missing columns: phone",
        "unexpected columns: surprise",
        "record_id: 1 empty values",
        "source: 1 values outside the vocabulary",
        "consent: 1 values outside the vocabulary",
        "employees: 1 values are not whole numbers",
        "created_at: 1 values are not timestamps",
    ):
        assert expected in text
    assert err.value.sample_ids[:2] == ["sf_lead:bad2", "sf_lead:bad1"] or set(err.value.sample_ids) >= {
        "sf_lead:bad1",
        "sf_lead:bad2",
    }


def test_unknown_event_type_is_rejected_not_dropped():
    df = pd.DataFrame(
        [
            {
                "event_id": "e1",
                "record_id": "hubspot:1",
                "email": None,
                "event_type": "tiktok_like",
                "asset_id": None,
                "campaign_id": None,
                "occurred_at": "2026-01-01T00:00:00Z",
                "source": "hubspot",
            }
        ]
    )
    with pytest.raises(SchemaError, match="tiktok_like"):
        check_frame(df, EVENTS)


def test_hostile_strings_pass_through_unchanged():
    hostile = ["<script>alert(1)</script>", "O'Brien\\' OR 1=1 --", "Müller 王 🧬", "x" * 100_000]
    df = pd.DataFrame(
        [_person(record_id=f"hubspot:{i}", source="hubspot", last_name=v) for i, v in enumerate(hostile)]
    )
    out = conform_frame(df, PEOPLE)
    assert out["last_name"].tolist() == hostile


def test_empty_frame_has_contract_columns():
    assert list(empty_frame(SCORES).columns) == SCORES.names
