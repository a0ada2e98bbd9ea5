"""Normalize a whole generated world: no person lost, and the mapped fields agree with the truth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mqlsync.extract.exports import scan_export_folder
from mqlsync.extract.normalize import normalize_events, normalize_first_touches, normalize_people
from mqlsync.generate import generate_world
from mqlsync.schemas import EVENTS, PEOPLE, check_frame
from mqlsync.score.taxonomy import load_taxonomy
from mqlsync.settings import PROJECT_ROOT
from tests.fixtures.world import EVENT_FILES, PEOPLE_FILES, TOUCH_FILES, read_world_objects


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, people=1500, seed=11)
    return out


@pytest.fixture(scope="module")
def people(world: Path):
    return normalize_people(read_world_objects(world, PEOPLE_FILES))


def test_every_crm_person_record_is_accepted_or_quarantined(world, people):
    records = pd.read_parquet(world / "truth/records.parquet")
    expected = set(records.loc[records["system"].isin(["salesforce", "hubspot"]), "record_id"])
    dropped = people.quarantined.loc[
        people.quarantined["check"].isin(["MISSING_RECORD_ID", "DUPLICATE_RECORD"])
    ]
    seen = set(people.accepted["record_id"]) | set(dropped["record_id"].dropna())
    assert expected - seen == set()
    check_frame(people.accepted, PEOPLE)
    assert people.accepted["record_id"].is_unique


def _agreement(world: Path, people, column: str, defects: tuple[str, ...]) -> float:
    truth = pd.read_parquet(world / "truth/people.parquet")
    records = pd.read_parquet(world / "truth/records.parquet")
    bad = pd.read_parquet(world / "truth/defects.parquet")
    bad = set(bad.loc[bad["defect"].isin(defects), "record_id"])
    frame = people.accepted.merge(records[["record_id", "person_id"]], on="record_id").merge(
        truth[["person_id", column]].rename(columns={column: "truth"}), on="person_id"
    )
    frame = frame[~frame["record_id"].isin(bad)]
    return float((frame[column].astype(object) == frame["truth"].astype(object)).mean())


@pytest.mark.parametrize(
    ("column", "defects", "threshold"),
    [
        ("country", ("invalid_country",), 0.99),
        ("job_function", ("oversized",), 0.97),
        ("organization_type", (), 0.9),
        ("program_stage", (), 0.9),
        ("consent", (), 0.97),
    ],
)
def test_mapped_columns_agree_with_truth(world, people, column, defects, threshold):
    assert _agreement(world, people, column, defects) >= threshold


def test_invalid_countries_are_noted_not_dropped(world, people):
    bad = pd.read_parquet(world / "truth/defects.parquet")
    invalid = set(bad.loc[bad["defect"] == "invalid_country", "record_id"])
    noted = set(people.quarantined.loc[people.quarantined["check"] == "UNKNOWN_COUNTRY", "record_id"])
    assert invalid <= noted
    kept = people.accepted.set_index("record_id").loc[sorted(invalid & set(people.accepted["record_id"]))]
    assert kept["country"].isna().all()


def test_events_of_a_world_conform_and_carry_known_people(world, people):
    raw = read_world_objects(world, {**EVENT_FILES, **TOUCH_FILES})
    kinds = load_taxonomy(PROJECT_ROOT / "include/models/content_taxonomy.yaml")["kind"]
    events = normalize_events(raw, asset_kinds=kinds)
    check_frame(events.accepted, EVENTS)
    assert events.accepted["event_id"].is_unique
    assert set(events.accepted["record_id"]) <= set(people.accepted["record_id"])
    total = sum(len(raw[k]) for k in ("CampaignMember", "form_submissions", "web_events"))
    assert len(events.accepted) + len(events.quarantined) == total
    touches = normalize_first_touches(raw)
    assert touches.accepted["record_id"].is_unique
    assert set(touches.accepted["type"]) <= {"call", "email", "meeting", "other"}


def test_export_folder_of_a_world_is_read_with_malformed_files_quarantined(world):
    from mqlsync.extract.exports import read_export

    files = scan_export_folder(world / "exports")
    assert files
    reads = [read_export(f) for f in files[:80]]
    assert all(r.file_problem is None or r.accepted_events.empty for r in reads)
    for r in reads:
        assert r.rows >= len(r.accepted_events)
