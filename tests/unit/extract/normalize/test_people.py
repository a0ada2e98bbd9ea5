"""Lead, Contact and HubSpot contact rows -> PEOPLE, including hostile values and wire-format strings."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mqlsync.errors import SchemaError
from mqlsync.extract.normalize import (
    MAX_TEXT,
    normalize_hubspot_contacts,
    normalize_people,
    normalize_sf_contacts,
    normalize_sf_leads,
)
from mqlsync.schemas import PEOPLE, check_frame


def lead(**overrides) -> dict:
    row = {
        "Id": "00Q000000000001AAA", "IsDeleted": False, "CreatedDate": "2024-05-01T12:00:00.000+0000",
        "SystemModstamp": "2024-06-01T12:00:00.000+0000", "FirstName": "Ada", "LastName": "Lovelace",
        "Email": " Ada@Example.COM ", "Title": "Principal Investigator", "Company": "Example Bio",
        "Phone": "+1 555", "State": "MA", "Country": "U.S.A.", "NumberOfEmployees": "250",
        "LeadSource": "Web", "Status": "Open - Not Contacted", "OwnerId": "005000000000001AAA",
        "IsConverted": "false", "ConvertedContactId": None, "MasterRecordId": None,
        "HasOptedOutOfEmail": "false", "DoNotCall": "false", "Organization_Type__c": "Biotech",
        "Therapeutic_Areas__c": "Oncology", "Program_Stage__c": "Phase 1",
        "Evaluation_Timeline__c": "0-3 months", "Consent_Status__c": "Opt In",
    }  # fmt: skip
    return {**row, **overrides}


def hs_contact(**overrides) -> dict:
    row = {
        "id": "101", "archived": "false", "createdAt": "2024-05-01T12:00:00Z", "updatedAt": "1717243200000",
        "email": "li@example.cn", "firstname": "Li", "lastname": "Na", "jobtitle": "MSL", "company": "Ex",
        "country": "中国", "hs_email_optout": "false", "hs_legal_basis": "Freely given consent from contact",
        "organization_type": "pharma", "program_stage": "phase_2", "evaluation_timeline": "3_6_months",
        "hs_lead_status": "NEW", "lifecyclestage": "lead", "hs_merged_object_ids": "77;78",
    }  # fmt: skip
    return {**row, **overrides}


def test_lead_in_wire_format_maps_to_one_person():
    out = normalize_sf_leads(pd.DataFrame([lead()]))
    check_frame(out.accepted, PEOPLE)
    row = out.accepted.iloc[0]
    assert row["record_id"] == "sf_lead:00Q000000000001AAA"
    assert (row["email"], row["email_domain"], row["country"]) == ("ada@example.com", "example.com", "US")
    assert (row["job_function"], row["organization_type"], row["timeline"]) == (
        "principal_investigator",
        "biotech",
        "0_3_months",
    )
    assert (row["consent"], row["crm_status"], row["employees"]) == ("opt_in", "open", 250)
    assert row["created_at"] == pd.Timestamp("2024-05-01T12:00:00Z")
    assert out.quarantined.empty


@pytest.mark.parametrize(
    ("overrides", "consent", "dnc"),
    [
        ({"Consent_Status__c": "Opt In"}, "opt_in", False),
        ({"Consent_Status__c": "Opt Out", "HasOptedOutOfEmail": True}, "opt_out", True),
        ({"Consent_Status__c": None}, "unknown", False),
        ({"Consent_Status__c": "Opt In", "HasOptedOutOfEmail": "true"}, "opt_out", True),
        ({"Consent_Status__c": None, "DoNotCall": True}, "unknown", True),
    ],
)
def test_salesforce_consent_rules_put_an_opt_out_first(overrides, consent, dnc):
    row = normalize_sf_leads(pd.DataFrame([lead(**overrides)])).accepted.iloc[0]
    assert (row["consent"], bool(row["do_not_contact"])) == (consent, dnc)


@pytest.mark.parametrize(
    ("overrides", "consent"),
    [
        ({}, "opt_in"),
        ({"hs_legal_basis": "Legitimate interest - prospect/lead"}, "unknown"),
        ({"hs_legal_basis": None}, "unknown"),
        ({"hs_email_optout": "true"}, "opt_out"),
    ],
)
def test_hubspot_consent_rules(overrides, consent):
    assert (
        normalize_hubspot_contacts(pd.DataFrame([hs_contact(**overrides)])).accepted.iloc[0]["consent"]
        == consent
    )


def test_hubspot_contact_strings_epoch_times_and_merges():
    out = normalize_hubspot_contacts(pd.DataFrame([hs_contact(archived="true")]))
    row = out.accepted.iloc[0]
    assert (row["record_id"], row["country"], row["job_function"]) == (
        "hubspot:101",
        "CN",
        "medical_science_liaison",
    )
    assert bool(row["is_deleted"])
    assert row["updated_at"] == pd.Timestamp("2024-06-01T12:00:00Z")
    assert set(out.links["record_id"]) == {"hubspot:77", "hubspot:78"}
    assert set(out.links["linked_record_id"]) == {"hubspot:101"}


def test_merged_and_converted_leads_are_kept_flagged_and_linked():
    rows = [lead(Id="00QA", MasterRecordId="00QB", IsDeleted=True),
            lead(Id="00QC", IsConverted=True, ConvertedContactId="003X", Status="Closed - Converted")]  # fmt: skip
    out = normalize_sf_leads(pd.DataFrame(rows))
    by_id = out.accepted.set_index("record_id")
    assert bool(by_id.loc["sf_lead:00QA", "is_deleted"])
    assert bool(by_id.loc["sf_lead:00QC", "is_converted"])
    links = set(out.links.itertuples(index=False, name=None))
    assert ("sf_lead:00QA", "sf_lead:00QB", "merged_into", "salesforce") in links
    assert ("sf_lead:00QC", "sf_contact:003X", "converted_to", "salesforce") in links


HOSTILE = {
    "FirstName": "<script>alert(1)</script>",
    "LastName": "O'Brien' OR Name LIKE '%",
    "Company": "Zoë 🧬 \u202eevil\u202c شركة",
    "Title": "Robert'); DROP TABLE Lead;--\x00\x07",
}


def test_hostile_names_are_kept_verbatim_minus_control_characters():
    out = normalize_sf_leads(pd.DataFrame([lead(**HOSTILE)]))
    row = out.accepted.iloc[0]
    assert row["first_name"] == "<script>alert(1)</script>"
    assert row["last_name"] == "O'Brien' OR Name LIKE '%"
    assert row["company"] == "Zoë 🧬 evil شركة"
    assert row["title"] == "Robert'); DROP TABLE Lead;--"


def test_huge_strings_are_truncated_with_a_note():
    out = normalize_sf_leads(pd.DataFrame([lead(Company="x" * 100_000)]))
    assert len(out.accepted.iloc[0]["company"]) == MAX_TEXT
    note = out.quarantined.iloc[0]
    assert note["check"] == "TRUNCATED"
    assert "company" in note["reason"]
    assert all(len(v) <= 1000 for v in json.loads(note["row"]).values() if isinstance(v, str))


@pytest.mark.parametrize(
    "email", ["pmiller at example.edu", "a@@b.com", "a@b", "JOHN.EXAMPLE.COM", "a..b@c.com", "<a@b.com>"]
)
def test_malformed_email_keeps_the_person_with_email_null_and_a_note(email):
    out = normalize_sf_leads(pd.DataFrame([lead(Email=email)]))
    row = out.accepted.iloc[0]
    assert pd.isna(row["email"])
    assert pd.isna(row["email_domain"])
    assert out.quarantined["check"].tolist() == ["MALFORMED_EMAIL"]


def test_unknown_country_keeps_the_person_with_country_null_and_a_note():
    out = normalize_sf_leads(pd.DataFrame([lead(Country="Narnia")]))
    assert pd.isna(out.accepted.iloc[0]["country"])
    assert out.quarantined["check"].tolist() == ["UNKNOWN_COUNTRY"]
    assert "Narnia" in out.quarantined.iloc[0]["reason"]


def test_rows_without_id_and_older_duplicates_are_quarantined_not_lost():
    rows = [lead(Id=None), lead(Id="  "), lead(Id="00QD", SystemModstamp="2024-01-01T00:00:00.000+0000", Title="Old"),
            lead(Id="00QD", SystemModstamp="2024-02-01T00:00:00.000+0000", Title="CEO")]  # fmt: skip
    out = normalize_sf_leads(pd.DataFrame(rows))
    assert out.accepted["record_id"].tolist() == ["sf_lead:00QD"]
    assert out.accepted.iloc[0]["title"] == "CEO"
    assert sorted(out.quarantined["check"]) == ["DUPLICATE_RECORD", "MISSING_RECORD_ID", "MISSING_RECORD_ID"]


def test_bad_timestamps_and_numbers_are_nulled_with_notes():
    out = normalize_sf_leads(pd.DataFrame([lead(CreatedDate="31/13/2025 25:61", NumberOfEmployees="lots")]))
    row = out.accepted.iloc[0]
    assert pd.isna(row["created_at"])
    assert pd.isna(row["employees"])
    assert set(out.quarantined["check"]) == {"MALFORMED_TIMESTAMP", "MALFORMED_NUMBER"}


def test_missing_required_columns_raise_one_schema_error_naming_them():
    frame = pd.DataFrame([lead()]).drop(columns=["Email", "Country"])
    with pytest.raises(SchemaError) as err:
        normalize_sf_leads(frame)
    assert "Email" in str(err.value)
    assert "Country" in str(err.value)


def test_extra_and_optional_columns_are_tolerated():
    frame = pd.DataFrame([lead(Unexpected__c="x")]).drop(columns=["Therapeutic_Areas__c", "Phone"])
    out = normalize_sf_leads(frame)
    assert len(out.accepted) == 1
    assert pd.isna(out.accepted.iloc[0]["therapeutic_areas"])


def test_contacts_and_all_sources_combine_into_one_people_table():
    contact = {k: v for k, v in lead(Id="003A").items() if k not in ("Country", "State", "Company", "Status")}
    contact |= {"MailingCountry": "Deutschland", "MailingState": None}
    out = normalize_people({"Lead": pd.DataFrame([lead()]), "Contact": pd.DataFrame([contact]),
                            "contacts": pd.DataFrame([hs_contact()])})  # fmt: skip
    assert sorted(out.accepted["source"]) == ["hubspot", "salesforce", "salesforce"]
    assert normalize_sf_contacts(pd.DataFrame([contact])).accepted.iloc[0]["country"] == "DE"
    check_frame(out.accepted, PEOPLE)


def test_contact_takes_its_organisation_and_size_from_its_account():
    contact = {k: v for k, v in lead(Id="003B").items() if k not in ("Country", "State", "Company", "Status")}
    contact |= {"MailingCountry": "US", "Account.Name": "Pfizer Inc.", "Account.NumberOfEmployees": "83000"}
    person = normalize_sf_contacts(pd.DataFrame([contact])).accepted.iloc[0]
    assert person["company"] == "Pfizer Inc."
    assert person["employees"] == 83000
