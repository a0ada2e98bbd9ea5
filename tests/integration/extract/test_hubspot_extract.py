"""HubSpot extract against the sandbox with the real hubspot-api-client."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mqlsync.crm.budget import ApiBudget
from mqlsync.extract import ExtractWindow, Landing, read_landing
from mqlsync.extract.hubspot import HubSpotExtractConfig, extract_hubspot
from mqlsync.extract.windows import parse_instant
from mqlsync.sandbox.faults import FaultInjector
from tests.fixtures.hubspot_sandbox import hubspot_world_frames

from .conftest import latest_by_id, window_end

FAST = dict(retry_wait=0.05, retry_wait_max=0.5)
HOUR = pd.Timestamp("2026-10-01T10:00:00Z")


def pull(conn, obj, root, run_id, *, start=None, watermark=None, budget=None, **config):
    window = ExtractWindow(start, window_end(), timedelta(minutes=5), watermark=watermark)
    return extract_hubspot(
        conn,
        obj,
        window=window,
        landing=Landing(root, run_id),
        budget=budget or ApiBudget("hubspot", search_per_second=1000),
        config=HubSpotExtractConfig(**{**FAST, **config}),
    )


def truth_ids(sandbox, *, archived: bool) -> set[str]:
    frame = sandbox.app.state.store.tables["contacts"].frame
    return {str(i) for i in frame.index[frame["__archived"].to_numpy() == archived]}


def busy_hour_frames(n: int = 25_000, tied: int = 10_500) -> dict[str, pd.DataFrame]:
    """n contacts all modified in one hour, `tied` of them in the same millisecond."""
    frames = hubspot_world_frames(n)
    contacts = frames["contacts"]
    offsets = np.random.default_rng(3).integers(0, 3_600_000, n)
    stamps = HOUR + pd.to_timedelta(offsets, unit="ms")
    contacts["lastmodifieddate"] = pd.Series(stamps).astype("datetime64[ms, UTC]")
    contacts.loc[: tied - 1, "lastmodifieddate"] = HOUR + pd.Timedelta(minutes=17)
    contacts["updatedAt"] = contacts["lastmodifieddate"]
    contacts["archived"] = False
    return frames


def test_pulls_all_25000_contacts_modified_in_one_hour_past_the_search_cap(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=busy_hour_frames(), tier="unlimited")
    result = pull(
        sandbox.connection(),
        "contacts",
        tmp_path,
        "run-1",
        start=HOUR.to_pydatetime(),
        include_archived=False,
    )
    landed = read_landing(result.landing_dir)
    assert result.complete
    assert len(landed) == 25_000
    assert landed["id"].nunique() == 25_000
    assert result.mode == "search-tie-break"  # 10,500 share one millisecond: read by hs_object_id
    assert result.calls < 25_000 / 200 * 2
    assert parse_instant(result.new_watermark) < HOUR + pd.Timedelta(hours=1)


def test_full_then_incremental_after_edits_and_archives_recovers_the_portal(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=hubspot_world_frames(600), tier="unlimited")
    conn = sandbox.connection()
    first = pull(conn, "contacts", tmp_path, "run-1")
    assert first.merged == 1
    assert first.deleted == 20
    edited, archived = ["150", "151", "152"], ["160", "161"]
    for cid in edited:
        conn.contacts_basic.update(cid, {"properties": {"jobtitle": "VP Clinical Operations"}})
    for cid in archived:
        conn.contacts_basic.archive(cid)
    second = pull(
        conn,
        "contacts",
        tmp_path,
        "run-2",
        start=window_end() - timedelta(minutes=30),
        watermark=parse_instant(first.new_watermark),
    )
    assert second.rows < 100
    landed = latest_by_id([first.landing_dir, second.landing_dir], key="id", cursor="updatedAt")
    live = landed[landed["archived"] == "false"]
    gone = landed[landed["archived"] == "true"]
    assert set(live.index) == truth_ids(sandbox, archived=False)
    assert set(gone.index) == truth_ids(sandbox, archived=True)
    assert set(live.loc[edited, "jobtitle"]) == {"VP Clinical Operations"}
    assert live.loc["101", "hs_merged_object_ids"] == "51;101"


def test_normal_operation_paces_under_the_real_limits_without_a_single_429(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=hubspot_world_frames(1_500), tier="starter")
    conn = sandbox.connection(retries=0)  # any 429 would raise instead of being retried away
    budget = ApiBudget("hubspot")
    for obj in ["contacts", "form_submissions", "web_events", "emails", "calls", "meetings"]:
        result = pull(conn, obj, tmp_path, "run-1", budget=budget, search_page_size=50)
        assert result.complete
    assert budget.by_endpoint["contacts search"] >= 30  # more than 5 a second if not paced
    assert budget.to_dict()["paced_seconds"] > 0


def test_budget_stop_keeps_a_watermark_the_next_run_continues_from(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=hubspot_world_frames(1_000), tier="unlimited")
    conn = sandbox.connection()
    stopped = pull(
        conn,
        "contacts",
        tmp_path,
        "run-1",
        budget=ApiBudget("hubspot", max_calls=3, search_per_second=1000),
        include_archived=False,
    )
    assert not stopped.complete
    assert 550 < stopped.rows <= 600
    assert stopped.new_watermark
    resumed = pull(
        conn,
        "contacts",
        tmp_path,
        "run-2",
        start=window_end(),
        watermark=parse_instant(stopped.new_watermark),
        include_archived=False,
    )
    landed = latest_by_id([stopped.landing_dir, resumed.landing_dir], key="id", cursor="updatedAt")
    assert set(landed.index) == truth_ids(sandbox, archived=False)


@pytest.mark.parametrize("obj", ["contacts", "web_events", "emails", "form_submissions"])
def test_hostile_profile_loses_nothing(hubspot_sandbox_factory, tmp_path: Path, obj: str) -> None:
    clean = hubspot_sandbox_factory(frames=hubspot_world_frames(800), tier="unlimited")
    hostile = hubspot_sandbox_factory(
        frames=hubspot_world_frames(800), tier="unlimited", faults=FaultInjector.from_name("hostile", 3)
    )
    expected = read_landing(
        pull(clean.connection(), obj, tmp_path / "a", "run-1", search_page_size=50).landing_dir
    )
    got = read_landing(
        pull(hostile.connection(), obj, tmp_path / "b", "run-1", search_page_size=50).landing_dir
    )
    cols = [c for c in expected.columns if not c.startswith("_")]
    key = cols[0]
    pd.testing.assert_frame_equal(
        got[cols].sort_values(cols).reset_index(drop=True),
        expected[cols].sort_values(cols).reset_index(drop=True),
    )
    assert got[key].notna().all()
