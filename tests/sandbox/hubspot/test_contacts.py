"""Contacts list / get / create / update / archive through the real hubspot-api-client."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.contacts import ApiException
from hubspot.crm.contacts.exceptions import NotFoundException, UnauthorizedException


def test_list_pages_with_cursor_until_paging_is_absent(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    first = api.get_page(limit=100, properties=["email", "lifecyclestage"])
    assert len(first.results) == 100
    assert first.results[0].id == "101"
    assert set(first.results[0].properties) == {"email", "lifecyclestage"}
    second = api.get_page(limit=100, after=first.paging.next.after)
    assert int(second.results[0].id) > int(first.results[-1].id)
    last_id = hubspot_sandbox.app.state.store.tables["contacts"].frame.index.max()
    tail = api.get_page(limit=5, after=str(last_id - 30))
    assert tail.paging is None or tail.paging.next is not None


def test_get_all_walks_every_live_contact(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory()
    contacts = sandbox.client().crm.contacts.get_all(properties=["email"])
    assert len(contacts) == 280  # 300 minus the 20 archived
    assert all(not c.archived for c in contacts)


def test_default_properties_are_hubspots_six(hubspot_sandbox):
    obj = hubspot_sandbox.client().crm.contacts.basic_api.get_by_id("105")
    assert set(obj.properties) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }
    assert obj.properties["hs_object_id"] == "105"
    raw = json.loads(hubspot_sandbox.raw("GET", "/crm/v3/objects/contacts/105").data)
    assert raw["properties"]["createdate"].endswith("Z")
    assert len(raw["properties"]["createdate"]) == 24


@pytest.mark.parametrize("limit", [0, 101])
def test_list_limit_outside_1_to_100_is_a_400(hubspot_sandbox, limit):
    with pytest.raises(ApiException) as err:
        hubspot_sandbox.client().crm.contacts.basic_api.get_page(limit=limit)
    assert err.value.status == 400
    assert json.loads(err.value.body)["category"] == "VALIDATION_ERROR"


def test_properties_with_history_caps_the_page_at_50(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    page = api.get_page(limit=50, properties_with_history=["lifecyclestage"])
    assert page.results[0].properties_with_history["lifecyclestage"][0].value
    with pytest.raises(ApiException) as err:
        api.get_page(limit=51, properties_with_history=["lifecyclestage"])
    assert err.value.status == 400


def test_comma_joined_and_repeated_properties_are_the_same(hubspot_sandbox):
    joined = json.loads(
        hubspot_sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1&properties=email,country").data
    )
    repeated = json.loads(
        hubspot_sandbox.raw(
            "GET", "/crm/v3/objects/contacts?limit=1&properties=email&properties=country"
        ).data
    )
    assert joined["results"][0]["properties"] == repeated["results"][0]["properties"]
    assert set(joined["results"][0]["properties"]) == {"email", "country"}


def test_archived_contacts_only_with_archived_true(hubspot_sandbox_factory):
    api = hubspot_sandbox_factory(tier="unlimited").client().crm.contacts.basic_api
    archived = api.get_page(limit=100, archived=True)
    assert len(archived.results) == 20
    assert all(c.archived and c.archived_at is not None for c in archived.results)
    archived_id = archived.results[0].id
    with pytest.raises(NotFoundException):
        api.get_by_id(archived_id)
    assert api.get_by_id(archived_id, archived=True).id == archived_id


def test_get_by_email_id_property_is_case_insensitive(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    assert api.get_by_id("PERSON110@lab10.example.org", id_property="email").id == "110"


def test_unknown_id_is_a_404_with_object_not_found(hubspot_sandbox):
    with pytest.raises(NotFoundException) as err:
        hubspot_sandbox.client().crm.contacts.basic_api.get_by_id("999999999")
    assert json.loads(err.value.body)["category"] == "OBJECT_NOT_FOUND"


def test_merged_away_id_returns_the_survivor_with_merged_ids(hubspot_sandbox):
    obj = hubspot_sandbox.client().crm.contacts.basic_api.get_by_id("51", properties=["hs_merged_object_ids"])
    assert obj.id == "101"
    assert obj.properties["hs_merged_object_ids"] == "51;101"


def test_patch_update_writes_and_bumps_lastmodifieddate(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    before = api.get_by_id("120").properties["lastmodifieddate"]
    updated = api.update("120", {"properties": {"mql_status": "mql", "lead_score": "87"}})
    assert updated.properties["mql_status"] == "mql"
    stored = hubspot_sandbox.record("contacts", 120, "mql_status", "lead_score", "lastmodifieddate")
    assert stored["mql_status"] == "mql"
    assert stored["lead_score"] == "87"
    assert stored["lastmodifieddate"] > before


def test_lifecyclestage_backward_write_is_silently_ignored(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    api.update("121", {"properties": {"lifecyclestage": "customer"}})
    answer = api.update("121", {"properties": {"lifecyclestage": "lead", "jobtitle": "VP R&D"}})
    assert answer.properties["lifecyclestage"] == "customer"
    assert hubspot_sandbox.record("contacts", 121, "lifecyclestage", "jobtitle") == {
        "id": "121",
        "archived": False,
        "updatedAt": hubspot_sandbox.record("contacts", 121)["updatedAt"],
        "lifecyclestage": "customer",
        "jobtitle": "VP R&D",
    }
    api.update("121", {"properties": {"lifecyclestage": ""}})  # HubSpot's documented way back: clear first
    assert (
        api.update("121", {"properties": {"lifecyclestage": "lead"}}).properties["lifecyclestage"] == "lead"
    )


@pytest.mark.parametrize(
    ("properties", "code"),
    [
        ({"no_such_property": "x"}, "PROPERTY_DOESNT_EXIST"),
        ({"hs_analytics_num_visits": "3"}, "READ_ONLY_VALUE"),
        ({"lifecyclestage": "not-a-stage"}, "INVALID_ENUMERATION"),
        ({"lead_score": "eighty"}, "INVALID_NUMBER"),
    ],
)
def test_invalid_property_values_are_a_400_listing_each_problem(hubspot_sandbox, properties, code):
    with pytest.raises(ApiException) as err:
        hubspot_sandbox.client().crm.contacts.basic_api.update("122", {"properties": properties})
    body = json.loads(err.value.body)
    assert err.value.status == 400
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == code


def test_create_is_201_and_a_duplicate_email_is_a_409(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    created = api.create({"properties": {"email": "new.person@biotech.example", "firstname": "Nia"}})
    assert created.properties["email"] == "new.person@biotech.example"
    assert api.get_by_id("new.person@biotech.example", id_property="email").id == created.id
    with pytest.raises(ApiException) as err:
        api.create({"properties": {"email": "NEW.PERSON@biotech.example"}})
    assert err.value.status == 409
    body = json.loads(err.value.body)
    assert body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {created.id}"


def test_archive_hides_the_contact_until_archived_true(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.basic_api
    api.archive("130")
    with pytest.raises(NotFoundException):
        api.get_by_id("130")
    assert hubspot_sandbox.record("contacts", 130)["archived"] is True


@pytest.mark.parametrize(
    ("token", "message"), [("", "Authentication credentials not found"), ("pat-na1-wrong", "invalid")]
)
def test_missing_or_wrong_token_is_a_401(hubspot_sandbox, token, message):
    sandbox_client = hubspot_sandbox.client(access_token=token or "x")
    if token == "":
        response = hubspot_sandbox.raw("GET", "/crm/v3/objects/contacts", headers={"Authorization": ""})
        body = json.loads(response.data)
        assert response.status == 401
        assert message in body["message"]
        assert body["category"] == "INVALID_AUTHENTICATION"
        return
    with pytest.raises(UnauthorizedException) as err:
        sandbox_client.crm.contacts.basic_api.get_page()
    assert message in json.loads(err.value.body)["message"]
