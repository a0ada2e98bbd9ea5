"""Salesforce extract against the sandbox with the real simple-salesforce client."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from mqlsync.crm.budget import ApiBudget
from mqlsync.errors import CrmTerminalError
from mqlsync.extract import ExtractWindow, Landing, read_landing
from mqlsync.extract.salesforce import SalesforceExtractConfig, extract_salesforce
from mqlsync.extract.windows import parse_instant
from mqlsync.sandbox.server import SandboxServer
from tests.fixtures.sandbox import build_salesforce_frames

from .conftest import latest_by_id, sf_merge, sf_truth, window_end

FAST = dict(bulk_poll_seconds=0.05, retry_wait=0.05, retry_wait_max=0.5)
OBJECTS = ["Lead", "Contact", "Campaign", "CampaignMember", "Task"]


@pytest.fixture(scope="module")
def small_frames() -> dict[str, pd.DataFrame]:
    return build_salesforce_frames(leads=2_500, seed=11)


def pull(sf, obj, root, run_id, *, start=None, watermark=None, budget=None, **config):
    window = ExtractWindow(start, window_end(), timedelta(minutes=5), watermark=watermark)
    return extract_salesforce(
        sf,
        obj,
        window=window,
        landing=Landing(root, run_id),
        budget=budget or ApiBudget("salesforce"),
        config=SalesforceExtractConfig(**{**FAST, **config}),
    )


def assert_matches_org(sandbox, obj: str, landed: pd.DataFrame) -> None:
    truth = sf_truth(sandbox, obj)
    assert set(landed.index) == set(truth.index)
    stamps = landed["SystemModstamp"].map(parse_instant)
    expected = pd.to_datetime(truth["SystemModstamp"], utc=True).reindex(landed.index)
    assert (stamps.map(pd.Timestamp) == expected).all()
    deleted = landed["IsDeleted"].str.lower() == "true"
    assert (deleted == truth["IsDeleted"].reindex(landed.index).astype(bool)).all()


def test_full_then_incremental_after_edits_deletes_and_merges_recovers_the_org(
    salesforce_sandbox_factory, small_frames, tmp_path: Path
) -> None:
    sandbox = salesforce_sandbox_factory(frames=small_frames)
    sf = sandbox.client()
    first = {o: pull(sf, o, tmp_path, "run-1", bulk_threshold=2_000) for o in OBJECTS}
    assert first["Lead"].mode == "bulk"
    assert first["Contact"].mode == "rest"
    assert all(r.complete for r in first.values())

    leads = sf_truth(sandbox, "Lead")
    live = leads.index[~leads["IsDeleted"].astype(bool) & ~leads["IsConverted"].astype(bool)]
    edited, deleted, (loser, survivor) = live[10:20], live[20:25], live[30:32]
    for lead_id in edited:
        sf.Lead.update(lead_id, {"Title": "Head of Translational Science"})
    for lead_id in deleted:
        sf.Lead.delete(lead_id)
    sf_merge(sandbox, "Lead", loser, survivor)
    sf.Task.update(sf_truth(sandbox, "Task").index[0], {"Status": "Not Started"})

    second = {
        o: pull(
            sf,
            o,
            tmp_path,
            "run-2",
            start=window_end() - timedelta(minutes=30),
            watermark=parse_instant(first[o].new_watermark),
        )
        for o in OBJECTS
    }
    assert second["Lead"].mode == "rest"
    assert second["Lead"].rows < 100  # incremental: the changes and the look-back, not the org
    for obj in OBJECTS:
        landed = latest_by_id(
            [first[obj].landing_dir, second[obj].landing_dir], key="Id", cursor="SystemModstamp"
        )
        assert_matches_org(sandbox, obj, landed)
    lead = latest_by_id(
        [first["Lead"].landing_dir, second["Lead"].landing_dir], key="Id", cursor="SystemModstamp"
    )
    assert set(lead.loc[edited, "Title"]) == {"Head of Translational Science"}
    assert set(lead.loc[deleted, "IsDeleted"]) == {"true"}
    assert lead.loc[loser, "MasterRecordId"] == survivor
    assert second["Lead"].deleted >= len(deleted) + 1
    assert second["Lead"].merged >= 1


@pytest.mark.parametrize("threshold", [0, 1_000_000], ids=["bulk", "rest"])
def test_rest_and_bulk_land_the_same_rows_without_compound_fields(
    salesforce_sandbox, tmp_path: Path, threshold: int
) -> None:
    sf = salesforce_sandbox.client()
    result = pull(sf, "Lead", tmp_path, f"run-{threshold}", bulk_threshold=threshold)
    assert result.mode == ("bulk" if threshold == 0 else "rest")
    landed = read_landing(result.landing_dir)
    assert "Address" not in landed.columns  # compound: Bulk refuses it (FUNCTIONALITY_NOT_ENABLED)
    assert {"Street", "City", "PostalCode", "Country", "IsDeleted", "MasterRecordId"} <= set(landed.columns)
    truth = sf_truth(salesforce_sandbox, "Lead")
    assert sorted(landed["Id"]) == sorted(truth.index)
    assert result.deleted == int(truth["IsDeleted"].sum())
    manifest = json.loads((Path(result.landing_dir) / "_manifest.json").read_text())
    assert manifest["rows"] == len(landed)
    assert manifest["files"][0]["sha256"]


def test_parent_fields_are_flattened_in_both_paths(salesforce_sandbox, tmp_path: Path) -> None:
    sf = salesforce_sandbox.client()
    rest = read_landing(pull(sf, "CampaignMember", tmp_path, "r", bulk_threshold=10**6).landing_dir)
    bulk = read_landing(pull(sf, "CampaignMember", tmp_path, "b", bulk_threshold=0).landing_dir)
    assert rest.set_index("Id")["Campaign.Type"].equals(bulk.set_index("Id")["Campaign.Type"].loc[rest["Id"]])
    assert "attributes" not in rest.columns
    assert rest["Campaign.Type"].notna().all()


def test_request_limit_exceeded_fails_loudly(
    salesforce_sandbox_factory, small_frames, tmp_path: Path
) -> None:
    sandbox = salesforce_sandbox_factory(frames=small_frames)
    sandbox.admin.post("limits", {"daily_max": 2})
    with pytest.raises(CrmTerminalError, match="REQUEST_LIMIT_EXCEEDED") as err:
        pull(sandbox.client(), "Lead", tmp_path, "run-1")
    assert err.value.code == "REQUEST_LIMIT_EXCEEDED"
    assert not (Path(tmp_path) / "runs/run-1/raw/salesforce/Lead/_manifest.json").exists()


def _query_timeout(app):
    """The org answers every REST query with QUERY_TIMEOUT, as a real org does for a slow query."""
    body = json.dumps(
        [{"errorCode": "QUERY_TIMEOUT", "message": "Your query request was running for too long."}]
    )

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and "/query" in scope["path"] and "/jobs/" not in scope["path"]:
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body.encode()})
            return
        await app(scope, receive, send)

    return wrapped


def test_query_timeout_fails_loudly_instead_of_landing_zero_rows(salesforce_sandbox, tmp_path: Path) -> None:
    with SandboxServer(_query_timeout(salesforce_sandbox.app), name="sf-timeout") as server:
        sf = salesforce_sandbox.client(sandbox_url=server.url)
        with pytest.raises(CrmTerminalError, match="QUERY_TIMEOUT") as err:
            pull(sf, "Contact", tmp_path, "run-1")
    assert err.value.code == "QUERY_TIMEOUT"
    assert not (Path(tmp_path) / "runs/run-1/raw/salesforce/Contact/_manifest.json").exists()


def test_budget_stop_keeps_a_watermark_the_next_run_continues_from(
    salesforce_sandbox, tmp_path: Path
) -> None:
    sf = salesforce_sandbox.client()
    # describe + count + 3 pages of 200, then the budget is spent
    stopped = pull(
        sf,
        "Lead",
        tmp_path,
        "run-1",
        budget=ApiBudget("salesforce", max_calls=5),
        bulk_threshold=10**6,
        page_size=200,
    )
    assert not stopped.complete
    assert stopped.rows == 600
    assert stopped.new_watermark
    assert stopped.calls == 5
    resumed = pull(
        sf, "Lead", tmp_path, "run-2", start=window_end(), watermark=parse_instant(stopped.new_watermark)
    )
    assert resumed.complete
    landed = latest_by_id([stopped.landing_dir, resumed.landing_dir], key="Id", cursor="SystemModstamp")
    assert_matches_org(salesforce_sandbox, "Lead", landed)


def test_hostile_profile_loses_nothing(salesforce_sandbox_factory, small_frames, tmp_path: Path) -> None:
    sandbox = salesforce_sandbox_factory(frames=small_frames, faults="hostile", seed=5)
    sf = sandbox.oauth_client()  # a login connection: it can log in again after an expired session
    for obj, threshold in [("Lead", 10**6), ("Lead", 0), ("CampaignMember", 10**6)]:
        result = pull(sf, obj, tmp_path, f"run-{threshold}", bulk_threshold=threshold, page_size=200)
        landed = latest_by_id([result.landing_dir], key="Id", cursor="SystemModstamp")
        assert result.rows == len(landed)  # nothing duplicated by a retried page
        assert_matches_org(sandbox, obj, landed)
    calls = sandbox.admin.calls()
    assert calls["total"] > 0


def test_retried_task_replays_its_landing_without_calling_salesforce(
    salesforce_sandbox, tmp_path: Path
) -> None:
    sf = salesforce_sandbox.client()
    first = pull(sf, "Campaign", tmp_path, "run-1")
    budget = ApiBudget("salesforce")
    again = pull(sf, "Campaign", tmp_path, "run-1", budget=budget)
    assert again == first
    assert budget.calls == 0


def test_session_id_connection_fails_clearly_when_the_session_expires(
    salesforce_sandbox_factory, small_frames, tmp_path: Path
) -> None:
    sandbox = salesforce_sandbox_factory(frames=small_frames)
    sf = sandbox.client()
    sandbox.admin.post("expire-sessions", {})
    with pytest.raises(CrmTerminalError, match="cannot log in again"):
        pull(sf, "Lead", tmp_path, "run-1")


def test_tight_budget_reads_rest_in_cursor_order_instead_of_an_unresumable_bulk_job(
    salesforce_sandbox_factory, small_frames, tmp_path: Path
) -> None:
    sandbox = salesforce_sandbox_factory(frames=small_frames)
    sf = sandbox.client()
    # describe + count leave 3 calls: too few to finish a Bulk job (create, polls, results), whose
    # unordered rows could not move the watermark; REST lands 3 ordered pages that do.
    stopped = pull(
        sf,
        "Lead",
        tmp_path,
        "run-1",
        budget=ApiBudget("salesforce", max_calls=5),
        bulk_threshold=2_000,
        page_size=200,
    )
    assert stopped.mode == "rest-budget"
    assert not stopped.complete
    assert stopped.rows == 600
    assert stopped.new_watermark
    resumed = pull(
        sf, "Lead", tmp_path, "run-2", start=window_end(), watermark=parse_instant(stopped.new_watermark)
    )
    assert resumed.complete
    assert resumed.rows < len(sf_truth(sandbox, "Lead"))  # continued, not started over
    landed = latest_by_id([stopped.landing_dir, resumed.landing_dir], key="Id", cursor="SystemModstamp")
    assert_matches_org(sandbox, "Lead", landed)


def test_budget_that_can_finish_a_bulk_job_still_uses_bulk(
    salesforce_sandbox_factory, small_frames, tmp_path: Path
) -> None:
    sandbox = salesforce_sandbox_factory(frames=small_frames)
    result = pull(sandbox.client(), "Lead", tmp_path, "run-1", budget=ApiBudget("salesforce", max_calls=200))
    assert result.mode == "bulk"
    assert result.complete
