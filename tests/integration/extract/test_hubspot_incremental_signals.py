"""Incremental engagement and web-event pulls against the sandbox with the real hubspot-api-client:
engagements by CRM search plus v4 batch association reads, web events read oldest first so a
budget-stopped read keeps a watermark."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mqlsync.crm.budget import ApiBudget
from mqlsync.extract import read_landing
from mqlsync.extract.windows import parse_instant
from tests.fixtures.hubspot_sandbox import AS_OF, hubspot_world_frames

from .conftest import latest_by_id, window_end
from .test_hubspot_extract import pull

SEARCH = "POST /crm/v3/objects/calls/search"
ASSOCIATIONS = "POST /crm/v4/associations/calls/contacts/batch/read"


def frames_with_calls(calls: int = 2_400, *, seed: int = 5) -> dict[str, pd.DataFrame]:
    """600 contacts and `calls` calls modified over a year, each with 0-3 contacts."""
    frames = hubspot_world_frames(600)
    rng = np.random.default_rng(seed)
    ids = np.arange(20_001, 20_001 + calls)
    stamps = (AS_OF - pd.to_timedelta(rng.integers(1, 365 * 86_400_000, calls), unit="ms")).astype(
        "datetime64[ms, UTC]"
    )
    contacts = [
        ";".join(str(c) for c in rng.choice(np.arange(101, 681), k, replace=False)) or None
        for k in rng.integers(0, 4, calls)
    ]
    frames["calls"] = pd.DataFrame(
        {
            "id": ids.astype(str),
            "hs_timestamp": stamps,
            "hubspot_owner_id": rng.choice(["9001", "9002"], calls),
            "hs_createdate": stamps,
            "hs_lastmodifieddate": stamps,
            "hs_call_direction": rng.choice(["OUTBOUND", "INBOUND"], calls),
            "hs_call_title": [f"Call {i}" for i in ids],
            "contact_ids": contacts,
        }
    )
    return frames


def contact_set(value: object) -> frozenset[str]:
    return frozenset(str(value).split(";")) if isinstance(value, str) and value else frozenset()


def truth_links(sandbox, kind: str) -> dict[str, frozenset[str]]:
    """Engagement id -> its contact ids, from the world the emulator was loaded with."""
    table = sandbox.app.state.store.tables[kind]
    live = table.frame.index[~table.frame["__archived"].to_numpy()]
    pairs = table.attach_engagement_contacts()
    by_id = pairs.groupby(level=0).apply(lambda s: frozenset(str(x) for x in s))
    return {str(i): by_id.get(i, frozenset()) for i in live}


def landed_links(paths: list[str]) -> pd.DataFrame:
    landed = latest_by_id(paths, key="id", cursor="hs_lastmodifieddate")
    landed["contacts"] = landed["associations.contacts"].map(contact_set)
    return landed


def test_incremental_engagement_pull_reads_only_the_edited_calls_and_lands_their_contacts(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=frames_with_calls(), tier="unlimited")
    conn = sandbox.connection()
    first = pull(conn, "calls", tmp_path, "run-1", search_page_size=200)
    assert first.complete
    assert first.mode == "search+batch-associations"
    assert first.rows == 2_400
    # 12 search pages and 3 association batches of 1,000: half the calls the 100-a-page list took
    assert first.calls <= 2_400 // 200 + 1 + 3

    truth = truth_links(sandbox, "calls")
    full = landed_links([first.landing_dir])
    assert set(full.index) == set(truth)
    assert all(full.loc[i, "contacts"] == truth[i] for i in truth)

    edited = ["20010", "20500", "22000"]
    for call_id in edited:
        conn.objects_basic.update("calls", call_id, {"properties": {"hs_call_title": "Trial site follow-up"}})
    sandbox.admin_post("reset-counters")
    second = pull(
        conn,
        "calls",
        tmp_path,
        "run-2",
        start=window_end() - timedelta(minutes=30),
        watermark=parse_instant(first.new_watermark),
    )
    calls = sandbox.admin_get("calls")["calls"]
    assert second.complete
    # the edits, plus what the 5-minute look-back below the watermark re-reads by design
    stamps = full["hs_lastmodifieddate"].map(parse_instant)
    overlap = set(full.index[stamps >= parse_instant(first.new_watermark) - timedelta(minutes=5)])
    assert set(read_landing(second.landing_dir)["id"]) == set(edited) | overlap
    assert len(overlap) < 3
    assert calls == {SEARCH: 1, ASSOCIATIONS: 1}
    assert second.calls == 2
    merged = landed_links([first.landing_dir, second.landing_dir])
    assert set(merged.loc[edited, "hs_call_title"]) == {"Trial site follow-up"}
    assert all(merged.loc[i, "contacts"] == truth[i] for i in edited)
    assert parse_instant(second.new_watermark) > parse_instant(first.new_watermark)


def test_engagement_pull_past_the_search_cap_splits_windows_and_loses_nothing(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=frames_with_calls(2_400), tier="unlimited")
    result = pull(
        sandbox.connection(), "calls", tmp_path, "run-1", search_cap=500, association_batch_size=700
    )
    landed = read_landing(result.landing_dir)
    assert result.complete
    assert landed["id"].is_unique
    assert len(landed) == 2_400


def test_budget_stopped_engagement_pull_keeps_a_watermark_the_next_run_continues_from(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=frames_with_calls(), tier="unlimited")
    conn = sandbox.connection()
    stopped = pull(
        conn,
        "calls",
        tmp_path,
        "run-1",
        budget=ApiBudget("hubspot", max_calls=8, search_per_second=1000),
        association_batch_size=300,
    )
    assert not stopped.complete
    assert 0 < stopped.rows < 2_400
    assert stopped.new_watermark
    resumed = pull(
        conn,
        "calls",
        tmp_path,
        "run-2",
        start=window_end(),
        watermark=parse_instant(stopped.new_watermark),
    )
    assert resumed.complete
    assert resumed.rows < 2_400  # continued, not started over
    landed = landed_links([stopped.landing_dir, resumed.landing_dir])
    truth = truth_links(sandbox, "calls")
    assert set(landed.index) == set(truth)
    assert all(landed.loc[i, "contacts"] == truth[i] for i in truth)


@pytest.mark.parametrize("max_calls", [1, 2])
def test_budget_stopped_web_events_read_keeps_a_watermark_the_next_run_continues_from(
    hubspot_sandbox_factory, tmp_path: Path, max_calls: int
) -> None:
    sandbox = hubspot_sandbox_factory(frames=hubspot_world_frames(300), tier="unlimited")
    conn = sandbox.connection()
    budget = ApiBudget("hubspot", max_calls=max_calls, search_per_second=1000)
    stopped = pull(conn, "web_events", tmp_path, "run-1", budget=budget, events_page_size=2)
    assert not stopped.complete
    assert stopped.rows == 2 * max_calls
    landed = read_landing(stopped.landing_dir)
    assert list(landed["occurredAt"]) == sorted(landed["occurredAt"])  # oldest first
    assert parse_instant(stopped.new_watermark) < parse_instant(landed["occurredAt"].iloc[-1])
    resumed = pull(
        conn,
        "web_events",
        tmp_path,
        "run-2",
        start=window_end(),
        watermark=parse_instant(stopped.new_watermark),
        events_page_size=2,
    )
    assert resumed.complete
    both = pd.concat([landed, read_landing(resumed.landing_dir)])
    assert set(both["id"]) == {f"ev{i}" for i in range(6)}
    assert resumed.rows == 6 - 2 * max_calls + 1  # the last landed event is read again, by id dropped


def test_an_engagement_with_more_than_500_contacts_lands_all_of_them(
    hubspot_sandbox_factory, tmp_path: Path
) -> None:
    sandbox = hubspot_sandbox_factory(frames=hubspot_world_frames(700), tier="unlimited")
    conn = sandbox.connection()
    webinar = conn.objects_basic.create(
        "emails",
        {
            "properties": {"hs_timestamp": "2026-10-03T10:00:00Z", "hs_email_subject": "Webinar recap"},
            "associations": [{"to": {"id": str(101 + i)}, "types": []} for i in range(600)],
        },
    )
    result = pull(conn, "emails", tmp_path, "run-1")
    landed = landed_links([result.landing_dir])
    assert landed.loc[webinar.id, "contacts"] == {str(101 + i) for i in range(600)}
    assert result.calls == 1 + 2  # one search page, the batch read and its second page
