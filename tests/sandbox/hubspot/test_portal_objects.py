"""Properties and groups, owners, engagements with their contact associations, and the marketing
signals (conversion history, web-analytics events, form submissions), through the real client."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.objects import PublicObjectSearchRequest
from hubspot.crm.properties import ApiException as PropertiesApiException
from hubspot.crm.properties import PropertyCreate, PropertyGroupCreate


def test_property_list_has_definitions_the_client_can_read(hubspot_sandbox):
    props = {p.name: p for p in hubspot_sandbox.client().crm.properties.core_api.get_all("contacts").results}
    assert props["lifecyclestage"].type == "enumeration"
    assert [o.value for o in props["lifecyclestage"].options][:3] == [
        "subscriber",
        "lead",
        "marketingqualifiedlead",
    ]
    assert props["lastmodifieddate"].modification_metadata.read_only_value is True
    assert props["mql_status"].group_name == "mqlsync"


def test_create_property_is_201_and_a_duplicate_is_a_409(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.properties.core_api
    create = PropertyCreate(
        name="trial_site_interest",
        label="Trial site interest",
        type="enumeration",
        field_type="select",
        group_name="mqlsync",
        options=[{"label": "Yes", "value": "yes", "displayOrder": 0, "hidden": False}],
    )
    created = api.create("contacts", create)
    assert created.hubspot_defined is False
    assert created.name == "trial_site_interest"
    with pytest.raises(PropertiesApiException) as err:
        api.create("contacts", create)
    assert err.value.status == 409
    contacts = hubspot_sandbox.client().crm.contacts.basic_api
    contacts.update("160", {"properties": {"trial_site_interest": "yes"}})
    assert hubspot_sandbox.record("contacts", 160, "trial_site_interest")["trial_site_interest"] == "yes"


def test_create_property_validation_lists_every_problem(hubspot_sandbox):
    response = hubspot_sandbox.raw(
        "POST",
        "/crm/v3/properties/contacts",
        json={"name": "x", "type": "colour", "fieldType": "wheel", "groupName": "nope"},
    )
    body = json.loads(response.data)
    assert response.status == 400
    for fragment in ("label is required", "type 'colour'", "fieldType 'wheel'", "group 'nope'"):
        assert fragment in body["message"]


def test_property_groups_create_and_409(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.properties.groups_api
    api.create("contacts", PropertyGroupCreate(name="lead_ops", label="Lead ops"))
    assert "lead_ops" in {g.name for g in api.get_all("contacts").results}
    with pytest.raises(PropertiesApiException) as err:
        api.create("contacts", PropertyGroupCreate(name="lead_ops", label="Lead ops"))
    assert err.value.status == 409


def test_hubspot_defined_property_cannot_be_archived(hubspot_sandbox):
    with pytest.raises(PropertiesApiException) as err:
        hubspot_sandbox.client().crm.properties.core_api.archive("contacts", "email")
    assert err.value.status == 400


def test_owners_list_and_get(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.owners.owners_api
    owners = api.get_page(limit=10).results
    assert [o.email for o in owners] == ["owner.one@vendor.example", "owner.two@vendor.example"]
    assert owners[1].teams[0].name == "Sales"
    assert api.get_by_id(502, id_property="userId").id == "9002"
    assert api.get_page(email="OWNER.TWO@vendor.example").results[0].id == "9002"


@pytest.mark.parametrize("kind", ["emails", "calls", "meetings", "notes", "tasks"])
def test_engagement_objects_list_with_contact_associations(hubspot_sandbox, kind):
    page = hubspot_sandbox.client().crm.objects.basic_api.get_page(kind, limit=10, associations=["contacts"])
    assert {r.id for r in page.results} == {"7001", "7002"}
    first = next(r for r in page.results if r.id == "7001")
    assert first.associations["contacts"].results[0].id in {"102", "103"}
    assert first.properties["hs_object_id"] == "7001"


def test_contact_reads_its_engagements_both_ways(hubspot_sandbox):
    client = hubspot_sandbox.client()
    contact = client.crm.contacts.basic_api.get_by_id("102", associations=["emails", "tasks"])
    assert {a.id for a in contact.associations["emails"].results} == {"7001", "7002"}
    assert contact.associations["emails"].results[0].type == "contact_to_email"
    v4 = client.crm.associations.v4.basic_api.get_page("contacts", 102, "tasks")
    # numbers on the wire, strings in the client's model
    assert sorted(r.to_object_id for r in v4.results) == ["7001", "7002"]
    assert v4.results[0].association_types[0].type_id == 203


def test_engagement_search_by_timestamp(hubspot_sandbox):
    request = PublicObjectSearchRequest(
        filter_groups=[
            {
                "filters": [
                    {"propertyName": "hs_timestamp", "operator": "GTE", "value": "2026-10-02T00:00:00Z"}
                ]
            }
        ],
        properties=["hs_call_title"],
    )
    answer = hubspot_sandbox.client().crm.objects.search_api.do_search("calls", request)
    assert [r.properties["hs_call_title"] for r in answer.results] == ["Follow-up"]


def test_conversion_properties_carry_their_form_history(hubspot_sandbox):
    obj = hubspot_sandbox.client().crm.contacts.basic_api.get_by_id(
        "102", properties_with_history=["recent_conversion_event_name", "num_conversion_events"]
    )
    names = obj.properties_with_history["recent_conversion_event_name"]
    assert [v.value for v in names] == ["Download: CRO selection guide", "Request a demo"]
    assert names[0].source_type == "FORM"
    assert [v.value for v in obj.properties_with_history["num_conversion_events"]] == ["2", "1"]


def test_web_analytics_events_by_contact_type_and_time(hubspot_sandbox):
    api = hubspot_sandbox.client().events.events_api
    page = api.get_page(object_type="contact", object_id=102, event_type="e_visited_page")
    assert [e.properties["hs_url"] for e in page.results] == [
        "https://example.org/pricing",
        "https://example.org/demo",
    ]
    later = api.get_page(object_type="contact", object_id=102, occurred_after="2026-09-02T12:00:00Z", limit=1)
    assert later.results[0].event_type == "e_visited_page"
    assert later.paging.next.after == "1"
    kinds = api.get_types().event_types
    assert "e_downloaded_asset" in kinds


def test_form_submissions_through_api_request(hubspot_sandbox):
    client = hubspot_sandbox.client()
    response = client.api_request({"method": "GET", "path": "/form-integrations/v1/submissions/forms/f-demo"})
    body = response.json()
    assert response.status_code == 200
    assert [r["values"][0]["value"] for r in body["results"]] == [
        "person103@lab3.example.org",
        "person102@lab2.example.org",
    ]
