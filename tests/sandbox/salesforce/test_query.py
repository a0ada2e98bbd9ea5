"""REST query and queryAll through the real simple-salesforce client: the SOQL subset, paging, errors."""

from __future__ import annotations

import pandas as pd
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

LIVE = "IsDeleted = false"


def _frame_leads(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return frames["Lead"]


def test_query_all_iter_returns_each_of_5000_leads_exactly_once(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    leads = _frame_leads(salesforce_frames)
    expected = set(sorted(leads.loc[~leads["IsDeleted"], "Id"])[:5000])
    soql = "SELECT Id FROM Lead ORDER BY Id LIMIT 5000"
    ids = [r["Id"] for r in sf.query_all_iter(soql, headers={"Sforce-Query-Options": "batchSize=500"})]
    assert len(ids) == len(expected) == len(set(ids))
    assert set(ids) == expected


def test_pages_default_to_2000_and_next_records_url_is_a_path(salesforce_sandbox):
    sf = salesforce_sandbox.client()
    first = sf.query("SELECT Id FROM Lead")
    assert len(first["records"]) == 2000
    assert first["done"] is False
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert {r["Id"] for r in first["records"]}.isdisjoint(r["Id"] for r in second["records"])


@pytest.mark.parametrize(
    ("header", "size"), [("batchSize=200", 200), ("batchSize=50", 200), ("batchSize=9000", 2000)]
)
def test_batch_size_header_is_clamped_to_salesforce_range(salesforce_sandbox, header, size):
    page = salesforce_sandbox.client().query("SELECT Id FROM Lead", headers={"Sforce-Query-Options": header})
    assert len(page["records"]) == size


def test_query_hides_deleted_and_merged_rows_that_query_all_shows(salesforce_sandbox, salesforce_frames):
    sf = salesforce_sandbox.client()
    leads = _frame_leads(salesforce_frames)
    visible = sf.query("SELECT COUNT() FROM Lead")["totalSize"]
    everything = sf.query("SELECT COUNT() FROM Lead", include_deleted=True)["totalSize"]
    assert visible == int((~leads["IsDeleted"]).sum())
    assert everything == len(leads)
    merged = sf.query_all(
        "SELECT Id, MasterRecordId FROM Lead WHERE MasterRecordId != null", include_deleted=True
    )
    assert merged["totalSize"] == int(leads["MasterRecordId"].notna().sum()) > 0
    assert sf.query("SELECT Id FROM Lead WHERE MasterRecordId != null")["totalSize"] == 0


def _expected(leads: pd.DataFrame, mask: pd.Series) -> set[str]:
    return set(leads.loc[mask & ~leads["IsDeleted"], "Id"])


@pytest.mark.parametrize(
    ("where", "predicate"),
    [
        ("IsConverted = true", lambda d: d["IsConverted"]),
        (
            "IsConverted = false AND HasOptedOutOfEmail = true",
            lambda d: ~d["IsConverted"] & d["HasOptedOutOfEmail"],
        ),
        ("Country = 'us' OR Country = 'DEUTSCHLAND'", lambda d: d["Country"].isin(["US", "Deutschland"])),
        ("NOT (Country IN ('US', 'Germany'))", lambda d: ~d["Country"].isin(["US", "Germany"])),
        ("Country NOT IN ('US', 'Germany')", lambda d: ~d["Country"].isin(["US", "Germany"])),
        (
            "NumberOfEmployees >= 10000 AND NumberOfEmployees < 12000",
            lambda d: (d["NumberOfEmployees"] >= 10000) & (d["NumberOfEmployees"] < 12000),
        ),
        ("Title = null", lambda d: d["Title"].isna()),
        (
            "Title != null AND (City = 'Basel' OR City = 'Boston')",
            lambda d: d["Title"].notna() & d["City"].isin(["Basel", "Boston"]),
        ),
        ("Email LIKE 'person1%@lab1.%'", lambda d: d["Email"].str.match(r"person1.*@lab1\.")),
        ("Title != 'CSO'", lambda d: d["Title"].ne("CSO") | d["Title"].isna()),
        (
            "CreatedDate > 2026-06-01T00:00:00Z",
            lambda d: d["CreatedDate"] > pd.Timestamp("2026-06-01", tz="UTC"),
        ),
        (
            "CreatedDate <= 2025-06-01T12:30:00.000+02:00",
            lambda d: d["CreatedDate"] <= pd.Timestamp("2025-06-01T10:30:00", tz="UTC"),
        ),
        ("ConvertedDate >= 2026-01-01", lambda d: d["ConvertedDate"] >= pd.Timestamp("2026-01-01")),
    ],
)
def test_where_clause_matches_a_pandas_reference(salesforce_sandbox, salesforce_frames, where, predicate):
    leads = _frame_leads(salesforce_frames)
    got = {r["Id"] for r in salesforce_sandbox.client().query_all_iter(f"SELECT Id FROM Lead WHERE {where}")}
    assert got == _expected(leads, predicate(leads).fillna(False).astype(bool))


def test_last_n_days_on_task_with_polymorphic_who_type(salesforce_sandbox, salesforce_frames):
    from mqlsync.sandbox.salesforce.store import wall_clock

    tasks = salesforce_frames["Task"]
    start = wall_clock().normalize() - pd.Timedelta(days=90)
    expected = set(tasks.loc[(tasks["CreatedDate"] >= start) & tasks["WhoId"].str.startswith("00Q"), "Id"])
    rows = salesforce_sandbox.client().query_all(
        "SELECT Id, WhoId, Who.Type, TaskSubtype, CreatedDate FROM Task WHERE Who.Type='Lead' AND CreatedDate = LAST_N_DAYS:90"
    )["records"]
    assert {r["Id"] for r in rows} == expected
    assert all(r["Who"]["Type"] == "Lead" for r in rows)


def test_parent_relationship_field_is_nested_like_salesforce(salesforce_sandbox, salesforce_frames):
    rows = salesforce_sandbox.client().query(
        "SELECT LeadId, Campaign.Type, HasResponded FROM CampaignMember WHERE LeadId != null AND Campaign.Type = 'Webinar'"
    )["records"]
    members = salesforce_frames["CampaignMember"]
    webinar = salesforce_frames["Campaign"].set_index("Type").loc["Webinar", "Id"]
    assert len(rows) == int((members["CampaignId"] == webinar).sum())
    assert rows[0]["Campaign"]["attributes"]["type"] == "Campaign"
    assert rows[0]["Campaign"]["Type"] == "Webinar"


def test_order_by_limit_offset(salesforce_sandbox, salesforce_frames):
    leads = _frame_leads(salesforce_frames)
    live = leads.loc[~leads["IsDeleted"]].sort_values(
        ["NumberOfEmployees", "Id"], ascending=[False, True], kind="mergesort"
    )
    rows = salesforce_sandbox.client().query(
        "SELECT Id, NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees DESC, Id ASC LIMIT 5 OFFSET 3"
    )["records"]
    assert [r["Id"] for r in rows] == list(live["Id"][3:8])
    assert isinstance(rows[0]["NumberOfEmployees"], int)


def test_values_render_in_salesforce_wire_formats(salesforce_sandbox):
    row = salesforce_sandbox.client().query(
        "SELECT Id, CreatedDate, ConvertedDate, IsConverted, Address FROM Lead WHERE IsConverted = true LIMIT 1"
    )["records"][0]
    assert pd.Timestamp(row["CreatedDate"]).tzinfo is not None
    assert row["CreatedDate"].endswith(".000+0000")
    assert len(row["ConvertedDate"]) == 10
    assert set(row["Address"]) == {"street", "city", "state", "postalCode", "country"}


@pytest.mark.parametrize(
    ("soql", "code", "fragment"),
    [
        ("SELECT Id FRM Lead", "MALFORMED_QUERY", "unexpected token: 'FRM'"),
        ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY", "unexpected token: '<EOF>'"),
        (
            "SELECT Id FROM Lead WHERE A__c = 1 AND B = 2 OR C = 3",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
        ),
        ("SELECT Idx FROM Lead", "INVALID_FIELD", "No such column 'Idx' on entity 'Lead'"),
        ("SELECT Id FROM Lead WHERE Email = 5", "INVALID_FIELD", "must be of type string"),
        ("SELECT Id FROM Lead WHERE CreatedDate > '2024-01-01'", "INVALID_FIELD", "must be of type dateTime"),
        ("SELECT Foo.Name FROM Lead", "INVALID_FIELD", "Didn't understand relationship 'Foo'"),
        ("SELECT Id FROM Leed", "INVALID_TYPE", "sObject type 'Leed' is not supported"),
    ],
)
def test_errors_are_worded_as_salesforce_words_them(salesforce_sandbox, soql, code, fragment):
    with pytest.raises(SalesforceMalformedRequest) as info:
        salesforce_sandbox.client().query(soql)
    body = info.value.content[0]
    assert body["errorCode"] == code
    assert fragment in body["message"]
    assert "ERROR at Row:1:Column:" in body["message"]
