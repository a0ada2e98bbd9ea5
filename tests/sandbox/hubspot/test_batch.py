"""Batch read / update / upsert / create / archive: 100 inputs at most, 207 with per-record errors."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    BatchResponseSimplePublicObject,
    BatchResponseSimplePublicObjectWithErrors,
    BatchResponseSimplePublicUpsertObject,
)


def read_input(ids, **kwargs):
    return BatchReadInputSimplePublicObjectId(inputs=[{"id": str(i)} for i in ids], **kwargs)


def test_batch_read_all_found_is_a_200(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    answer = api.read(
        read_input(range(200, 300), properties=["email", "country"], properties_with_history=[])
    )
    assert isinstance(answer, BatchResponseSimplePublicObject)
    assert len(answer.results) == 100
    assert answer.status == "COMPLETE"


def test_batch_read_with_missing_ids_is_a_207_listing_them(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    answer = api.read(
        read_input([201, 999_998, 202, 999_999], properties=["email"], properties_with_history=[])
    )
    assert isinstance(answer, BatchResponseSimplePublicObjectWithErrors)
    assert {r.id for r in answer.results} == {"201", "202"}
    assert answer.num_errors == 2
    error = answer.errors[0]
    assert error.category == "OBJECT_NOT_FOUND"
    assert error.context == {"ids": ["999998", "999999"]}
    assert "Could not get some CONTACT objects" in error.message


def test_batch_read_by_email_id_property(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    request = BatchReadInputSimplePublicObjectId(
        inputs=[{"id": "person210@lab10.example.org"}],
        properties=["email"],
        properties_with_history=[],
        id_property="email",
    )
    assert api.read(request).results[0].id == "210"


@pytest.mark.parametrize(("count", "history"), [(101, []), (51, ["lifecyclestage"])])
def test_batch_read_over_the_input_limit_is_a_400(hubspot_sandbox, count, history):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    with pytest.raises(ApiException) as err:
        api.read(read_input(range(300, 300 + count), properties=["email"], properties_with_history=history))
    assert err.value.status == 400


def test_batch_read_non_unique_id_property_is_a_400(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    request = BatchReadInputSimplePublicObjectId(
        inputs=[{"id": "CSO"}], properties=[], properties_with_history=[], id_property="jobtitle"
    )
    with pytest.raises(ApiException) as err:
        api.read(request)
    assert "not a unique property" in json.loads(err.value.body)["message"]


def test_batch_update_partial_failure_writes_the_rest_and_surfaces_errors(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    inputs = [
        {"id": "401", "properties": {"mql_status": "mql"}},
        {"id": "888888", "properties": {"mql_status": "mql"}},
    ]
    answer = api.update(BatchInputSimplePublicObjectBatchInput(inputs=inputs))
    assert isinstance(answer, BatchResponseSimplePublicObjectWithErrors)
    assert [r.id for r in answer.results] == ["401"]
    assert answer.errors[0].context["ids"] == ["888888"]
    assert hubspot_sandbox.record("contacts", 401, "mql_status")["mql_status"] == "mql"


def test_batch_update_by_email_id_property(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    inputs = [
        {"id": "person402@lab2.example.org", "idProperty": "email", "properties": {"routing_queue": "sales"}}
    ]
    answer = api.update(BatchInputSimplePublicObjectBatchInput(inputs=inputs))
    assert answer.results[0].id == "402"


def test_batch_update_all_or_nothing_on_invalid_values_and_duplicates(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    bad = [{"id": "403", "properties": {"lead_score": "1"}}, {"id": "404", "properties": {"nope": "x"}}]
    with pytest.raises(ApiException) as err:
        api.update(BatchInputSimplePublicObjectBatchInput(inputs=bad))
    assert err.value.status == 400
    assert hubspot_sandbox.record("contacts", 403, "lead_score")["lead_score"] is None
    dupes = [
        {"id": "405", "properties": {"lead_score": "1"}},
        {"id": "405", "properties": {"lead_score": "2"}},
    ]
    with pytest.raises(ApiException) as err:
        api.update(BatchInputSimplePublicObjectBatchInput(inputs=dupes))
    assert "Duplicate IDs" in json.loads(err.value.body)["message"]


def test_batch_update_over_100_inputs_is_a_400(hubspot_sandbox):
    inputs = [{"id": str(i), "properties": {"lead_score": "5"}} for i in range(500, 601)]
    with pytest.raises(ApiException) as err:
        hubspot_sandbox.client().crm.contacts.batch_api.update(
            BatchInputSimplePublicObjectBatchInput(inputs=inputs)
        )
    assert err.value.status == 400


def test_batch_upsert_creates_and_updates_with_the_new_flag(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    inputs = [
        {"idProperty": "email", "id": "person410@lab10.example.org", "properties": {"lead_tier": "A1"}},
        {"idProperty": "email", "id": "fresh.upsert@cro.example", "properties": {"lead_tier": "B2"}},
    ]
    answer = api.upsert(BatchInputSimplePublicObjectBatchInputUpsert(inputs=inputs))
    assert isinstance(answer, BatchResponseSimplePublicUpsertObject)
    flags = {r.properties["email"]: r.new for r in answer.results}
    assert flags == {"person410@lab10.example.org": False, "fresh.upsert@cro.example": True}
    new_id = next(r.id for r in answer.results if r.new)
    assert hubspot_sandbox.record("contacts", new_id, "email", "lead_tier")["lead_tier"] == "B2"


def test_batch_create_then_archive(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    created = api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                {"properties": {"email": f"batch{i}@create.example"}, "associations": []} for i in range(3)
            ]
        )
    )
    assert len(created.results) == 3
    api.archive(BatchInputSimplePublicObjectId(inputs=[{"id": r.id} for r in created.results]))
    assert all(hubspot_sandbox.record("contacts", r.id)["archived"] for r in created.results)


def test_batch_create_duplicate_email_is_a_207_conflict(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.contacts.batch_api
    inputs = [
        {"properties": {"email": "person420@lab20.example.org"}, "associations": []},
        {"properties": {"email": "ok.new@x.example"}, "associations": []},
    ]
    answer = api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs))
    assert isinstance(answer, BatchResponseSimplePublicObjectWithErrors)
    assert answer.errors[0].category == "CONFLICT"
    assert len(answer.results) == 1
