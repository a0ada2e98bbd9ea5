"""Each source's activity vocabulary -> EVENT_TYPES; unknown types are quarantined, never dropped."""

from __future__ import annotations

import pandas as pd
import pytest

from mqlsync.extract.normalize import (
    hubspot_first_touches,
    normalize_campaign_members,
    normalize_form_submissions,
    normalize_marketo_activities,
    normalize_pardot_activities,
    normalize_web_events,
    salesforce_first_touches,
)
from mqlsync.schemas import EVENTS, check_frame

CAMPAIGNS = pd.DataFrame(
    {"Id": ["701W", "701C", "701E", "701S", "701T", "701X"],
     "Type": ["Webinar", "Conference", "Email", "Content Syndication", "Trade Show", "Website"],
     "Asset_Id__c": ["rt-webinar-003", None, "rt-blog-001", "rt-ebook-002", None, None]}
)  # fmt: skip


def member(i: int, campaign: str, status: str, **overrides) -> dict:
    row = {"Id": f"00v{i}", "CampaignId": campaign, "LeadId": f"00Q{i}", "ContactId": None, "Status": status,
           "CreatedDate": "2024-05-01T12:00:00.000+0000", "LastModifiedDate": "2024-05-03T12:00:00.000+0000",
           "IsDeleted": False}  # fmt: skip
    return {**row, **overrides}


@pytest.mark.parametrize(
    ("campaign", "status", "event_type"),
    [("701W", "Registered", "webinar_registered"), ("701W", "Attended", "webinar_attended"),
     ("701C", "Attended", "event_attended"), ("701T", "Responded", "event_attended"),
     ("701E", "Responded", "email_click"), ("701S", "Downloaded", "content_download"),
     ("701X", "Downloaded", "content_download"), ("701X", "Responded", "form_submit")],
)  # fmt: skip
def test_campaign_member_status_and_campaign_type_give_the_event_type(campaign, status, event_type):
    out = normalize_campaign_members(pd.DataFrame([member(1, campaign, status)]), CAMPAIGNS)
    check_frame(out.accepted, EVENTS)
    assert out.accepted["event_type"].tolist() == [event_type]
    assert out.accepted.iloc[0]["record_id"] == "sf_lead:00Q1"


def test_campaign_members_that_cannot_be_mapped_are_quarantined_with_reasons():
    rows = [member(1, "701E", "Sent"), member(2, "701C", "Waitlisted"), member(3, "701W", "Attended", IsDeleted=True),
            member(4, "701W", "Attended", ContactId="003Z", LeadId=None)]  # fmt: skip
    out = normalize_campaign_members(pd.DataFrame(rows), CAMPAIGNS)
    assert out.accepted["record_id"].tolist() == ["sf_contact:003Z"]
    assert sorted(out.quarantined["check"]) == ["DELETED_IN_SOURCE", "NOT_ENGAGEMENT", "UNKNOWN_EVENT_TYPE"]


def test_flattened_campaign_fields_are_used_without_a_campaign_frame():
    row = member(1, "701W", "Attended") | {
        "Campaign.Type": "Webinar",
        "Campaign.Asset_Id__c": "rt-webinar-003",
    }
    out = normalize_campaign_members(pd.DataFrame([row]))
    assert out.accepted.iloc[0][["event_type", "asset_id"]].tolist() == ["webinar_attended", "rt-webinar-003"]


@pytest.mark.parametrize(
    ("form", "event_type"),
    [("Demo Request", "demo_request"), ("Pricing Request", "pricing_request"),
     ("Trial Matching Inquiry", "trial_matching_request"), ("Medical Information Request", "evidence_request"),
     ("Ask a Scientist", "evidence_request"), ("Sample Request", "sample_request"),
     ("Evaluation Request", "evaluation_request"), ("Meeting Request", "meeting_request"),
     ("Webinar Registration", "webinar_registered"), ("Download the eBook", "content_download"),
     ("Contact Us", "form_submit"), (None, "form_submit")],
)  # fmt: skip
def test_hubspot_form_names_give_request_types(form, event_type):
    raw = pd.DataFrame([{"contact_id": "101", "form_id": "f1", "form_name": form, "asset_id": None,
                         "submitted_at": "2024-05-01T12:00:00Z"}])  # fmt: skip
    out = normalize_form_submissions(raw)
    assert out.accepted["event_type"].tolist() == [event_type]
    assert out.accepted.iloc[0]["event_id"] == normalize_form_submissions(raw).accepted.iloc[0]["event_id"]


def test_hubspot_web_events_map_and_unknown_types_are_quarantined():
    types = ["e_visited_page", "e_opened_email", "e_clicked_email", "e_downloaded_asset", "e_attended_webinar",
             "e_attended_event", "e_unsubscribed", "e_played_video"]  # fmt: skip
    raw = pd.DataFrame({"id": [str(i) for i in range(len(types))], "objectId": "101", "eventType": types,
                        "occurredAt": 1714564800000})  # fmt: skip
    out = normalize_web_events(raw)
    assert out.accepted["event_type"].tolist() == ["page_view", "email_open", "email_click", "content_download",
        "webinar_attended", "event_attended", "unsubscribe"]  # fmt: skip
    assert out.quarantined["check"].tolist() == ["UNKNOWN_EVENT_TYPE"]
    assert "e_played_video" in out.quarantined.iloc[0]["reason"]


def marketo(type_id: str, name: str, **overrides) -> dict:
    row = {"marketoGUID": f"g-{type_id}-{name}", "leadId": "100", "email": "a@example.com",
           "activityDate": "2025-01-07T00:58:10.169Z", "activityTypeId": type_id, "activityTypeName": name,
           "campaignId": None, "primaryAttributeValueId": "1", "primaryAttributeValue": "rt-blog-001",
           "attributes": "{}"}  # fmt: skip
    return {**row, **overrides}


@pytest.mark.parametrize(
    ("row", "event_type"),
    [(marketo("1", "Visit Webpage"), "page_view"), (marketo("10", "Open Email"), "email_open"),
     (marketo("11", "Click Email"), "email_click"), (marketo("9", "Unsubscribe Email"), "unsubscribe"),
     (marketo("2", "Fill Out Form"), "form_submit"),
     (marketo("2", "Fill Out Form", primaryAttributeValue="rt-demopage-001"), "demo_request"),
     (marketo("104", "Change Status in Progression", primaryAttributeValue="Spring Webinar",
              attributes='{"New Status":"Attended","Program":"Spring Webinar"}'), "webinar_attended"),
     (marketo("104", "Change Status in Progression", primaryAttributeValue="AACR Annual Meeting",
              attributes='{"New Status":"Attended"}'), "event_attended")],
)  # fmt: skip
def test_marketo_activity_types_map_to_event_types(row, event_type):
    kinds = pd.Series({"rt-demopage-001": "demo_page", "rt-blog-001": "blog"})
    out = normalize_marketo_activities(pd.DataFrame([row]), asset_kinds=kinds)
    check_frame(out.accepted, EVENTS)
    assert out.accepted["event_type"].tolist() == [event_type]
    assert out.accepted.iloc[0]["record_id"] == "marketo:100"


def test_marketo_rows_that_cannot_be_mapped_are_quarantined():
    rows = [marketo("9999", "Unknown Activity"), marketo("7", "Email Delivered"),
            marketo("1", "Visit Webpage", activityDate="yesterday", marketoGUID="g-bad-date"),
            marketo("1", "Visit Webpage", leadId=None, email="not an email", marketoGUID="g-nobody"),
            marketo("1", "Visit Webpage", email=None, marketoGUID="g-ok")]  # fmt: skip
    out = normalize_marketo_activities(pd.DataFrame(rows))
    assert out.accepted["event_id"].tolist() == ["marketo:g-ok"]
    assert sorted(out.quarantined["check"]) == [
        "MALFORMED_TIMESTAMP",
        "MISSING_RECORD_ID",
        "NOT_ENGAGEMENT",
        "UNKNOWN_EVENT_TYPE",
    ]


@pytest.mark.parametrize(
    ("type_id", "name", "event_type"),
    [("2", "Visit", "page_view"), ("11", "Email", "email_open"), ("1", "Email Tracker", "email_click"),
     ("12", "Email", "unsubscribe"), ("1", "File", "content_download"), ("25", "Webinar", "webinar_registered"),
     ("24", "Webinar", "webinar_attended"), ("36", "Event", "event_attended"), ("4", "Form", "form_submit"),
     ("11", "", "email_open")],
)  # fmt: skip
def test_pardot_types_map_to_event_types(type_id, name, event_type):
    raw = pd.DataFrame([{"id": "8001", "prospect_id": "5115", "prospect_email": " A@Example.be ", "type": type_id,
                         "type_name": name, "details": "Remote monitoring [mt-blog-001]", "campaign_id": "5009",
                         "created_at": "2024-11-07T17:49:33.184Z"}])  # fmt: skip
    out = normalize_pardot_activities(raw)
    row = out.accepted.iloc[0]
    assert (row["event_type"], row["asset_id"], row["email"]) == (event_type, "mt-blog-001", "a@example.be")


def test_pardot_unknown_type_is_quarantined_with_its_code():
    raw = pd.DataFrame([{"id": "8002", "prospect_id": "5115", "prospect_email": "a@example.be", "type": "9999",
                         "type_name": "", "details": "x", "campaign_id": None, "created_at": "2024-11-07T17:49:33Z"}])  # fmt: skip
    out = normalize_pardot_activities(raw)
    assert out.accepted.empty
    assert out.quarantined["check"].tolist() == ["UNKNOWN_EVENT_TYPE"]
    assert out.quarantined.iloc[0]["record_id"] == "pardot:8002"


def test_first_touches_are_the_earliest_completed_touch_per_record():
    tasks = pd.DataFrame({"Id": ["00T1", "00T2", "00T3", "00T4"], "WhoId": ["00QA", "00QA", "001X", "003B"],
                          "OwnerId": ["005A", "005B", "005A", "005C"], "Type": ["Call", "Email", "Call", "Meeting"],
                          "TaskSubtype": [None, "Email", "Call", None], "Status": "Completed",
                          "CompletedDateTime": ["2024-05-02T00:00:00.000+0000", "2024-05-01T00:00:00.000+0000",
                                                "2024-05-01T00:00:00.000+0000", None],
                          "ActivityDate": [None, None, None, "2024-05-09"]})  # fmt: skip
    out = salesforce_first_touches(tasks)
    got = out.accepted.set_index("record_id")
    assert got.loc["sf_lead:00QA", "owner_id"] == "005B"
    assert got.loc["sf_lead:00QA", "type"] == "email"
    assert got.loc["sf_contact:003B", "touched_at"] == pd.Timestamp("2024-05-09", tz="UTC")
    assert out.quarantined["check"].tolist() == ["NOT_A_PERSON"]
    calls = pd.DataFrame({"id": ["1"], "hs_timestamp": ["2024-05-01T00:00:00Z"], "hubspot_owner_id": ["7"],
                          "contact_ids": ["101;102"]})  # fmt: skip
    assert sorted(hubspot_first_touches(calls=calls).accepted["record_id"]) == ["hubspot:101", "hubspot:102"]
