"""On a generated world: what normalize lets through of the injected defects is quarantined by
validation with the right check, and no clean row is quarantined."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from mqlsync.extract.normalize import normalize_events, normalize_people
from mqlsync.generate import WorldConfig, generate_world
from mqlsync.validate import check_gates, load_suites, validate_tables
from tests.expectations.samples import SUITES_DIR
from tests.fixtures.world import EVENT_FILES, PEOPLE_FILES, read_world_objects

# defect (field as the generator names it) -> the check that must catch it after normalize.
EXPECTED = {
    ("missing_required", "Company"): "SF_LEAD_COMPANY_REQUIRED",
    ("missing_required", "LastName"): "SF_LAST_NAME_REQUIRED",
    ("missing_required", "email"): "HS_EMAIL_REQUIRED",  # HubSpot's required field is the email
    ("malformed_email", "email"): "HS_EMAIL_REQUIRED",  # normalize nulls it; HubSpot needs one
    ("oversized", "Title"): "SF_TITLE_LENGTH",
}
# Reach validation as inert text or not at all (normalize nulls the value or drops the field).
NOT_QUARANTINED = {"html_in_name", "soql_quote", "unicode", "invalid_country", "future_date"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, people=1500, seed=11, config=WorldConfig(workers=1))
    return out


@pytest.fixture(scope="module")
def validation(world: Path):
    people = normalize_people(read_world_objects(world, PEOPLE_FILES)).accepted
    events = normalize_events(read_world_objects(world, EVENT_FILES)).accepted
    as_of = datetime.fromisoformat(pd.read_json(world / "manifest.json", typ="series")["as_of"])
    return validate_tables({"people": people, "events": events}, load_suites(SUITES_DIR), as_of=as_of)


def test_injected_defects_that_normalize_lets_through_are_quarantined_with_the_right_check(world, validation):
    defects = pd.read_parquet(world / "truth/defects.parquet")
    people = validation.quarantined[validation.quarantined["table_name"] == "people"]
    caught = set(zip(people["record_id"], people["check"], strict=True))
    present = set(validation.accepted["people"]["record_id"]) | set(people["record_id"])
    checked = 0
    for row in defects.itertuples(index=False):
        want = EXPECTED.get((row.defect, row.field))
        if want is None:
            continue
        hubspot = row.record_id.startswith("hubspot:")
        if want.startswith("HS_") != hubspot or row.record_id not in present:
            continue  # a defect in another source's field, or a record normalize dropped as a duplicate
        assert (row.record_id, want) in caught, (row.record_id, row.defect, row.field)
        checked += 1
    assert checked >= 20


def test_no_clean_row_is_quarantined(world, validation):
    defects = pd.read_parquet(world / "truth/defects.parquet")
    dirty = set(defects.loc[~defects["defect"].isin(NOT_QUARANTINED), "record_id"])
    quarantined = set(validation.quarantined["record_id"].dropna())
    assert quarantined - dirty == set()
    assert validation.quarantined["table_name"].eq("people").all()  # every event's person exists


def test_the_default_dirty_rates_pass_the_gates(validation):
    check_gates(validation)


def test_a_world_with_30_percent_broken_emails_stops_at_the_gate(tmp_path):
    from mqlsync.errors import QualityGateError
    from mqlsync.generate.config import DirtyRatesConfig

    generate_world(
        tmp_path,
        people=400,
        seed=3,
        config=WorldConfig(workers=1, dirty=DirtyRatesConfig(malformed_email=0.3)),
    )
    people = normalize_people(read_world_objects(tmp_path, PEOPLE_FILES)).accepted
    as_of = datetime.fromisoformat(pd.read_json(tmp_path / "manifest.json", typ="series")["as_of"])
    v = validate_tables({"people": people}, load_suites(SUITES_DIR), as_of=as_of)
    with pytest.raises(QualityGateError) as err:
        check_gates(v)
    assert "HS_EMAIL_REQUIRED email is required" in str(err.value)
    assert "@" not in str(err.value)
