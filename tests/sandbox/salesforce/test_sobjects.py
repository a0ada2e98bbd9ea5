"""sObject describe, get, update, upsert, collections, Tooling and limits with the real client."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import (
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)


def _live_lead(frames, *, converted: bool = False, offset: int = 0) -> str:
    leads = frames["Lead"]
    rows = leads.loc[(~leads["IsDeleted"]) & (leads["IsConverted"] == converted), "Id"]
    return str(rows.iloc[offset])


def test_describe_lists_every_column_with_salesforce_types(salesforce_sandbox, salesforce_frames):
    described = salesforce_sandbox.client().Lead.describe()
    fields = {f["name"]: f for f in described["fields"]}
    assert set(salesforce_frames["Lead"].columns) <= set(fields)
    expected = {
        "Id": "id",
        "Email": "email",
        "Status": "picklist",
        "Therapeutic_Areas__c": "multipicklist",
        "IsConverted": "boolean",
        "CreatedDate": "datetime",
        "ConvertedDate": "date",
        "NumberOfEmployees": "int",
        "Lead_Score__c": "double",
        "OwnerId": "reference",
        "Address": "address",
        "MQL_Handoff_Summary__c": "textarea",
    }
    assert {name: fields[name]["type"] for name in expected} == expected
    assert fields["MQL_Status__c"]["custom"] is True
    assert fields["Email"]["custom"] is False
    assert fields["OwnerId"]["referenceTo"] == ["User"]
    assert fields["City"]["compoundFieldName"] == "Address"


def test_describe_global_lists_the_objects(salesforce_sandbox):
    names = {o["name"] for o in salesforce_sandbox.client().describe()["sobjects"]}
    assert {"Lead", "Contact", "Account", "Campaign", "CampaignMember", "Task", "User"} <= names


def test_update_returns_204_moves_modstamp_and_admin_sees_it(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    lead_id = _live_lead(salesforce_frames, offset=1)
    before = sf.Lead.get(lead_id)
    assert (
        sf.Lead.update(
            lead_id, {"MQL_Status__c": "mql", "Lead_Score__c": 87.5, "MQL_Date__c": "2026-11-02T10:00:00Z"}
        )
        == 204
    )
    after = sf.Lead.get(lead_id)
    assert after["MQL_Status__c"] == "mql"
    assert after["MQL_Date__c"] == "2026-11-02T10:00:00.000+0000"
    assert after["SystemModstamp"] > before["SystemModstamp"]
    assert after["LastModifiedDate"] == after["SystemModstamp"]
    stored = salesforce_sandbox.admin.record("Lead", lead_id, "MQL_Status__c", "Lead_Score__c")
    assert stored == {"MQL_Status__c": "mql", "Lead_Score__c": 87.5}


def test_converted_lead_refuses_updates(salesforce_sandbox, salesforce_frames):
    with pytest.raises(SalesforceMalformedRequest) as info:
        salesforce_sandbox.client().Lead.update(
            _live_lead(salesforce_frames, converted=True), {"MQL_Status__c": "mql"}
        )
    assert info.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"NoSuch__c": 1}, "INVALID_FIELD"),
        ({"IsConverted": True}, "INVALID_FIELD_FOR_INSERT_UPDATE"),
        ({"Lead_Score__c": "high"}, "INVALID_TYPE_ON_FIELD_IN_RECORD"),
        ({"Email": "not-an-email"}, "INVALID_EMAIL_ADDRESS"),
        ({"MQL_Reason_Codes__c": "X" * 256}, "STRING_TOO_LONG"),
    ],
)
def test_invalid_updates_fail_with_salesforce_codes(salesforce_sandbox, salesforce_frames, values, code):
    with pytest.raises(SalesforceMalformedRequest) as info:
        salesforce_sandbox.client().Lead.update(_live_lead(salesforce_frames, offset=2), values)
    assert info.value.content[0]["errorCode"] == code


def test_get_of_missing_or_deleted_record_is_404(salesforce_sandbox, salesforce_frames):
    leads = salesforce_frames["Lead"]
    deleted = str(leads.loc[leads["IsDeleted"], "Id"].iloc[0])
    sf = salesforce_sandbox.client()
    for record_id in (deleted, "00QZZ0000000000AAA", "bad"):
        with pytest.raises(SalesforceResourceNotFound):
            sf.Lead.get(record_id)


def test_tooling_creates_external_id_field_then_upsert_creates_and_updates(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory()
    sf = sandbox.client()
    created = sf.toolingexecute(
        "sobjects/CustomField",
        method="POST",
        data={
            "FullName": "Lead.Person_Key__c",
            "Metadata": {"label": "Person Key", "type": "Text", "length": 80, "externalId": True},
        },
    )
    assert created["success"] is True
    field = next(f for f in sf.Lead.describe()["fields"] if f["name"] == "Person_Key__c")
    assert field["custom"] is True
    assert field["externalId"] is True
    result = sf.Lead.upsert("Person_Key__c/p-1@x.com", {"LastName": "Key", "Company": "Acme"})
    assert result == 201
    again = sf.Lead.upsert("Person_Key__c/p-1@x.com", {"Title": "CSO"})
    assert again == 200
    row = sf.query("SELECT Id, Title, LastName FROM Lead WHERE Person_Key__c = 'p-1@x.com'")["records"]
    assert len(row) == 1
    assert row[0]["Title"] == "CSO"
    sf.Lead.update(
        _live_lead({"Lead": sandbox.org.store.tables["Lead"].df.reset_index(names="Id")}, offset=5),
        {"Person_Key__c": "p-1@x.com"},
    )
    with pytest.raises(SalesforceMoreThanOneRecord):
        sf.Lead.upsert("Person_Key__c/p-1@x.com", {"Title": "VP"})
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.toolingexecute(
            "sobjects/CustomField",
            method="POST",
            data={"FullName": "Lead.Person_Key__c", "Metadata": {"label": "x", "type": "Text"}},
        )
    assert info.value.content[0]["errorCode"] == "DUPLICATE_DEVELOPER_NAME"


def test_collections_update_reports_per_record_results_in_order(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    ok_id = _live_lead(salesforce_frames, offset=10)
    converted = _live_lead(salesforce_frames, converted=True, offset=1)
    records = [
        {"attributes": {"type": "Lead"}, "id": ok_id, "MQL_Status__c": "nurture"},
        {"attributes": {"type": "Lead"}, "id": converted, "MQL_Status__c": "mql"},
        {"attributes": {"type": "Lead"}, "id": "00Qbad", "MQL_Status__c": "mql"},
    ]
    results = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": records})
    assert results[0] == {"id": ok_id, "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert salesforce_sandbox.admin.record("Lead", ok_id, "MQL_Status__c") == {"MQL_Status__c": "nurture"}


def test_collections_all_or_none_rolls_back_everything(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    ok_id = _live_lead(salesforce_frames, offset=11)
    records = [
        {"attributes": {"type": "Lead"}, "id": ok_id, "MQL_Status__c": "disqualified"},
        {
            "attributes": {"type": "Lead"},
            "id": _live_lead(salesforce_frames, converted=True),
            "MQL_Status__c": "mql",
        },
    ]
    results = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": True, "records": records})
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert salesforce_sandbox.admin.record("Lead", ok_id, "MQL_Status__c") == {"MQL_Status__c": None}


def test_collections_refuse_more_than_200_records(salesforce_sandbox, salesforce_frames):
    records = [{"attributes": {"type": "Lead"}, "id": _live_lead(salesforce_frames), "Title": "x"}] * 201
    with pytest.raises(SalesforceMalformedRequest) as info:
        salesforce_sandbox.client().restful("composite/sobjects", method="PATCH", json={"records": records})
    assert info.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_limit_header_and_daily_allocation_end_in_403(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory(daily_limit=5)
    sf = sandbox.client()
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] == 5
    for _ in range(4):
        sf.query("SELECT Id FROM User")
    assert sf.api_usage["api-usage"].used == 5
    assert sf.api_usage["api-usage"].total == 5
    with pytest.raises(SalesforceRefusedRequest) as info:
        sf.query("SELECT Id FROM User")
    assert info.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"


def test_unsupported_api_version_is_not_found(salesforce_sandbox):
    with pytest.raises((SalesforceResourceNotFound, SalesforceGeneralError)):
        salesforce_sandbox.client(version="58.0").query("SELECT Id FROM User")
