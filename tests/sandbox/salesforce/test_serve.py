"""`mqlsync sandbox serve` pieces: a generated world served by both emulators, reached by the real clients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mqlsync.cli import main
from mqlsync.crm.salesforce import SalesforceConnectionConfig, connect_salesforce
from mqlsync.sandbox.command import connection_banner
from mqlsync.sandbox.server import serve_both
from mqlsync.sandbox.world import ensure_world, read_manifest


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_world(tmp_path_factory.mktemp("world") / "w", people=300, seed=1)


def test_generated_world_is_served_and_a_write_is_visible_in_api_and_admin(small_world):
    manifest = read_manifest(small_world)
    with serve_both(small_world, salesforce_port=0, hubspot_port=0, seed=1) as pair:
        banner = connection_banner(pair, faults="none", admin=True)
        assert pair.salesforce.url in banner
        assert "admin endpoints ON" in banner
        for key, value in pair.airflow_connections().items():
            assert f"{key}='{value}'" in banner
        assert json.loads(pair.airflow_connections()["AIRFLOW_CONN_SALESFORCE_DEFAULT"])["extra"][
            "sandbox_url"
        ] == (pair.salesforce.url)
        sf = connect_salesforce(
            SalesforceConnectionConfig(
                session_id=pair.salesforce_token,
                instance_url="https://sandbox.my.salesforce.com",
                sandbox_url=pair.salesforce.url,
            )
        )
        leads = sf.query_all("SELECT Id FROM Lead WHERE IsConverted = false")["records"]
        assert leads
        assert manifest.get("people") == 300
        lead_id = leads[0]["Id"]
        assert sf.Lead.update(lead_id, {"MQL_Status__c": "mql"}) == 204
        assert sf.Lead.get(lead_id)["MQL_Status__c"] == "mql"
        import requests

        admin = requests.get(
            f"{pair.salesforce.url}/__admin__/records/Lead/{lead_id}", params={"fields": "MQL_Status__c"}
        )
        assert admin.json() == {"MQL_Status__c": "mql"}


def test_ensure_world_reuses_an_existing_world(small_world):
    before = (small_world / "manifest.json").stat().st_mtime_ns
    ensure_world(small_world, people=300, seed=1)
    assert (small_world / "manifest.json").stat().st_mtime_ns == before


def test_admin_endpoints_are_absent_without_admin(small_world):
    import requests

    with serve_both(small_world, admin=False) as pair:
        assert requests.get(f"{pair.salesforce.url}/__admin__/calls").status_code == 404


def test_serve_help_lists_the_options():
    result = CliRunner().invoke(main, ["sandbox", "serve", "--help"])
    assert result.exit_code == 0
    for option in (
        "--people",
        "--seed",
        "--salesforce-port",
        "--hubspot-port",
        "--faults",
        "--hubspot-tier",
        "--data",
        "--admin / --no-admin",
    ):
        assert option in result.output
