"""The generated world agrees with its own ground truth (docs/world-format.md)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from mqlsync.generate import places
from mqlsync.schemas import EVENT_TYPES

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _read(world: Path, rel: str) -> pd.DataFrame:
    return pq.read_table(world / rel).to_pandas()


def _exports(world: Path, system: str, id_column: str) -> set[str]:
    ids: set[str] = set()
    for path in sorted((world / "exports" / system).glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        for row in csv.DictReader(text.splitlines()):
            if row.get(id_column):
                ids.add(f"{system}:{row[id_column]}")
    return ids


def test_manifest_hashes_match_the_files(small_world: Path) -> None:
    manifest = json.loads((small_world / "manifest.json").read_text())
    assert manifest["people"] == 500
    assert manifest["seed"] == 7
    assert manifest["as_of"].startswith("2026-11-01T00:00:00")
    for rel, entry in manifest["files"].items():
        assert hashlib.sha256((small_world / rel).read_bytes()).hexdigest() == entry["sha256"], rel
    on_disk = {str(p.relative_to(small_world)) for p in small_world.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.json"} == set(manifest["files"])


def test_every_crm_record_maps_to_exactly_one_truth_person(small_world: Path) -> None:
    records = _read(small_world, "truth/records.parquet")
    people = set(_read(small_world, "truth/people.parquet").person_id)
    assert records.record_id.is_unique
    assert set(records.person_id) <= people
    for rel, prefix, _system in (("salesforce/Lead.parquet", "sf_lead:", "salesforce"),
                                ("salesforce/Contact.parquet", "sf_contact:", "salesforce"),
                                ("hubspot/contacts.parquet", "hubspot:", "hubspot")):  # fmt: skip
        ids = {prefix + i for i in _read(small_world, rel).iloc[:, 0]}
        truth = set(records.record_id[records.record_id.str.startswith(prefix)])
        assert ids == truth, rel
    assert _exports(small_world, "marketo", "leadId") <= set(records.record_id)
    assert _exports(small_world, "pardot", "prospect_id") <= set(records.record_id)


def test_every_truth_event_belongs_to_a_person_and_its_recording_records(small_world: Path) -> None:
    events = _read(small_world, "truth/events.parquet")
    people = set(_read(small_world, "truth/people.parquet").person_id)
    records = _read(small_world, "truth/records.parquet").set_index("record_id").person_id
    assert set(events.person_id) <= people
    assert set(events.event_type) <= set(EVENT_TYPES)
    assert events.event_id.is_unique
    held = events.dropna(subset=["recorded_in"])
    assert len(held) > 0.8 * len(events)
    for person, recorded in zip(held.person_id, held.recorded_in, strict=True):
        assert all(records[r] == person for r in recorded.split(";"))


def test_listed_defects_are_visible_in_the_records(small_world: Path) -> None:
    defects = _read(small_world, "truth/defects.parquet")
    tables = {
        "sf_lead": _read(small_world, "salesforce/Lead.parquet").set_index("Id"),
        "sf_contact": _read(small_world, "salesforce/Contact.parquet").set_index("Id"),
        "hubspot": _read(small_world, "hubspot/contacts.parquet").set_index("id"),
    }
    checked = 0
    for record_id, field, defect in zip(defects.record_id, defects.field, defects.defect, strict=True):
        system, _, crm_id = record_id.partition(":")
        if system not in tables:
            continue
        value = tables[system].at[crm_id, field]
        if defect == "malformed_email":
            assert not EMAIL.match(value), value
        elif defect == "missing_required":
            assert value is None or pd.isna(value)
        elif defect == "invalid_country":
            assert value in places.INVALID_COUNTRIES
        elif defect == "html_in_name":
            assert "<" in value
            assert ">" in value
        elif defect == "soql_quote":
            assert "'" in value
        elif defect == "oversized":
            assert len(value) > 255
        elif defect == "future_date":
            assert pd.Timestamp(value).tz_localize(None) > pd.Timestamp("2026-11-01")
        checked += 1
    assert checked > 20
    assert {"malformed_email", "missing_required", "invalid_country"} <= set(defects.defect)


def test_people_without_opt_in_in_eu_are_never_marked_opted_in(small_world: Path) -> None:
    people = _read(small_world, "truth/people.parquet").set_index("person_id")
    records = _read(small_world, "truth/records.parquet").set_index("record_id")
    eu = people.index[people.country.isin(sorted(places.OPT_IN_COUNTRIES)) & (people.consent != "opt_in")]
    assert len(eu) > 10
    for rel, prefix in (
        ("salesforce/Lead.parquet", "sf_lead:"),
        ("salesforce/Contact.parquet", "sf_contact:"),
    ):
        sf = _read(small_world, rel)
        owner = records.person_id.reindex(prefix + sf.Id).to_numpy()
        mine = sf[pd.Series(owner).isin(eu).to_numpy()]
        assert len(mine) > 0
        assert mine.Consent_Status__c.isna().sum() + (mine.Consent_Status__c == "Opt Out").sum() == len(mine)


@pytest.mark.parametrize(
    ("rel", "prefix"),
    [("salesforce/Lead.parquet", "00Q"), ("salesforce/Contact.parquet", "003"), ("salesforce/Account.parquet", "001"),
     ("salesforce/Campaign.parquet", "701"), ("salesforce/CampaignMember.parquet", "00v"),
     ("salesforce/Task.parquet", "00T"), ("salesforce/User.parquet", "005"), ("salesforce/Opportunity.parquet", "006")],
)  # fmt: skip
def test_salesforce_ids_have_real_prefixes_and_18_characters(
    small_world: Path, rel: str, prefix: str
) -> None:
    table = _read(small_world, rel)
    assert len(table) > 0
    assert table.Id.str.len().eq(18).all()
    assert table.Id.str.startswith(prefix).all()
    assert table.Id.is_unique
    for column in ("CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted"):
        assert column in table.columns


def test_deleted_merged_and_converted_records_are_present_and_consistent(small_world: Path) -> None:
    leads = _read(small_world, "salesforce/Lead.parquet")
    contacts = _read(small_world, "salesforce/Contact.parquet")
    merged = leads[leads.MasterRecordId.notna()]
    assert len(merged) > 0
    assert merged.IsDeleted.all()
    assert set(merged.MasterRecordId) <= set(leads.Id[~leads.IsDeleted])
    converted = leads[leads.IsConverted]
    assert len(converted) > 0
    assert (converted.Status == "Closed - Converted").all()
    assert set(converted.ConvertedContactId) <= set(contacts.Id)
    hs = _read(small_world, "hubspot/contacts.parquet")
    assert hs.archived.any()
    merged_ids = {i for v in hs.hs_merged_object_ids.dropna() for i in v.split(";")}
    assert merged_ids
    assert merged_ids <= set(hs.id[hs.archived])


def test_campaign_members_are_unique_per_campaign_and_person_record(small_world: Path) -> None:
    cm = _read(small_world, "salesforce/CampaignMember.parquet")
    who = cm.LeadId.fillna(cm.ContactId)
    assert who.notna().all()
    assert not pd.DataFrame({"c": cm.CampaignId, "w": who}).duplicated().any()


def test_sales_outcomes_show_up_in_salesforce(small_world: Path) -> None:
    people = _read(small_world, "truth/people.parquet")
    opps = _read(small_world, "salesforce/Opportunity.parquet")
    tasks = _read(small_world, "salesforce/Task.parquet")
    assert set(people.opportunity_id.dropna()) == set(opps.Id)
    touched = people.first_touch_at.notna()
    assert touched.sum() > 0
    assert len(tasks) >= touched.sum()
    assert people.disqualified_reason[people.disqualified_at.notna()].notna().all()
    later = people.dropna(subset=["sql_at"])
    assert (later.sql_at > later.first_touch_at).all()
