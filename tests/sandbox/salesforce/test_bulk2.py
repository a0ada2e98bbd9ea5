"""Bulk API 2.0 ingest and query jobs driven by the real `sf.bulk2`."""

from __future__ import annotations

import csv
import io

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceOperationError


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_update_of_10000_rows_reports_exactly_the_failed_rows(salesforce_sandbox_factory, salesforce_frames):
    sandbox = salesforce_sandbox_factory()
    sf = sandbox.client()
    leads = salesforce_frames["Lead"].iloc[:10_000]
    bad = set(leads.loc[leads["IsConverted"] | leads["IsDeleted"], "Id"])
    records = [{"Id": i, "MQL_Status__c": "mql", "Lead_Score__c": "55"} for i in leads["Id"]]
    records[3]["Id"] = "00Qbad"
    result = sf.bulk2.Lead.update(records=records, wait=0.05)
    assert result[0]["numberRecordsProcessed"] == 10_000
    assert result[0]["numberRecordsFailed"] == len(bad | {leads["Id"].iloc[3]})
    failed = _rows(sf.bulk2.Lead.get_failed_records(result[0]["job_id"]))
    assert {r["Id"] for r in failed} == (bad - {leads["Id"].iloc[3]}) | {"00Qbad"}
    errors = {r["Id"]: r["sf__Error"] for r in failed}
    assert errors["00Qbad"].startswith("MALFORMED_ID:Lead ID: id value of incorrect type: 00Qbad:Id --")
    assert any(e.startswith("CANNOT_UPDATE_CONVERTED_LEAD:") for e in errors.values())
    ok = _rows(sf.bulk2.Lead.get_successful_records(result[0]["job_id"]))
    assert len(ok) == 10_000 - len(failed)
    assert {r["sf__Created"] for r in ok} == {"false"}
    assert sandbox.admin.record("Lead", ok[0]["sf__Id"], "MQL_Status__c", "Lead_Score__c") == {
        "MQL_Status__c": "mql",
        "Lead_Score__c": 55.0,
    }
    assert sandbox.admin.calls()["written"]["Lead"] == len(ok)
    assert _rows(sf.bulk2.Lead.get_unprocessed_records(result[0]["job_id"])) == []


def test_insert_and_upsert_report_created_ids(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory()
    sf = sandbox.client()
    result = sf.bulk2.Contact.insert(
        records=[{"LastName": "New", "Email": "n1@x.com"}, {"Email": "n2@x.com"}], wait=0.05
    )
    assert (result[0]["numberRecordsProcessed"], result[0]["numberRecordsFailed"]) == (2, 1)
    ok = _rows(sf.bulk2.Contact.get_successful_records(result[0]["job_id"]))
    assert ok[0]["sf__Created"] == "true"
    assert ok[0]["sf__Id"].startswith("003")
    failed = _rows(sf.bulk2.Contact.get_failed_records(result[0]["job_id"]))
    assert failed[0]["sf__Error"].startswith("REQUIRED_FIELD_MISSING")
    assert sf.query("SELECT Id FROM Contact WHERE Email = 'n1@x.com'")["totalSize"] == 1


def test_unknown_column_fails_the_job(salesforce_sandbox):
    with pytest.raises(SalesforceOperationError, match="Field name not found : Nope__c"):
        salesforce_sandbox.client().bulk2.Lead.update(
            records=[{"Id": "00QTS0000000001AAA", "Nope__c": "x"}], wait=0.05
        )


def test_bulk_query_pages_with_locator_and_repeats_header(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    pages = list(
        sf.bulk2.Lead.query(
            "SELECT Id, Email, CreatedDate, IsConverted FROM Lead", max_records=4000, wait=0.05
        )
    )
    live = int((~salesforce_frames["Lead"]["IsDeleted"]).sum())
    assert len(pages) == -(-live // 4000)
    rows = [row for page in pages for row in _rows(page)]
    assert len(rows) == len({r["Id"] for r in rows}) == live
    assert all(page.startswith('"Id","Email","CreatedDate","IsConverted"\n') for page in pages)
    assert rows[0]["CreatedDate"].endswith("Z")
    assert rows[0]["IsConverted"] in ("true", "false")


def test_bulk_query_all_includes_deleted_rows(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    pages = list(sf.bulk2.Lead.query_all("SELECT Id FROM Lead WHERE IsDeleted = true", wait=0.05))
    assert sum(len(_rows(p)) for p in pages) == int(salesforce_frames["Lead"]["IsDeleted"].sum())


def test_bulk_query_refuses_compound_fields(salesforce_sandbox):
    with pytest.raises(SalesforceMalformedRequest) as info:
        list(salesforce_sandbox.client().bulk2.Lead.query("SELECT Id, Address FROM Lead", wait=0.05))
    assert info.value.content[0]["errorCode"] == "FUNCTIONALITY_NOT_ENABLED"
    assert "compound data not supported in Bulk Query" in info.value.content[0]["message"]
