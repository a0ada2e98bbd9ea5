"""The v4 batch association read (`crm.associations.v4.batch_api.get_page`) through the real client."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.associations.v4 import ApiException


def test_batch_read_returns_each_engagements_contacts(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.associations.v4.batch_api
    page = api.get_page("emails", "contacts", {"inputs": [{"id": "7001"}, {"id": "7002"}]})
    links = {r._from.id: sorted(t.to_object_id for t in r.to) for r in page.results}
    assert links == {"7001": ["102", "103"], "7002": ["102"]}
    assert page.results[0].to[0].association_types[0].type_id == 198  # email -> contact
    assert page.status == "COMPLETE"


def test_ids_without_associations_are_a_207_no_associations_found(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.associations.v4.batch_api
    page = api.get_page("calls", "contacts", {"inputs": [{"id": "7001"}, {"id": "7002"}]})
    assert [r._from.id for r in page.results] == ["7001"]
    assert page.num_errors == 1
    assert page.errors[0].sub_category == "crm.associations.NO_ASSOCIATIONS_FOUND"
    assert page.errors[0].context == {"fromObjectId": ["7002"]}


def test_batch_read_takes_at_most_1000_inputs(hubspot_sandbox):
    api = hubspot_sandbox.client().crm.associations.v4.batch_api
    inputs = [{"id": str(7000 + i)} for i in range(1_001)]
    with pytest.raises(ApiException) as err:
        api.get_page("emails", "contacts", {"inputs": inputs})
    assert err.value.status == 400
    assert "1000" in json.loads(err.value.body)["message"]


def test_more_than_500_associations_page_per_input(hubspot_sandbox_factory):
    from tests.fixtures.hubspot_sandbox import hubspot_world_frames

    client = hubspot_sandbox_factory(frames=hubspot_world_frames(700)).client()
    email = client.crm.objects.basic_api.create(
        "emails",
        {
            "properties": {"hs_timestamp": "2026-10-03T10:00:00Z", "hs_email_subject": "Webinar recap"},
            "associations": [{"to": {"id": str(101 + i)}, "types": []} for i in range(600)],
        },
    )
    api = client.crm.associations.v4.batch_api
    first = api.get_page("emails", "contacts", {"inputs": [{"id": email.id}]}).results[0]
    assert len(first.to) == 500
    rest = api.get_page(
        "emails", "contacts", {"inputs": [{"id": email.id, "after": first.paging.next.after}]}
    ).results[0]
    assert len(rest.to) == 100
    assert rest.paging is None
    assert {t.to_object_id for t in first.to + rest.to} == {str(101 + i) for i in range(600)}
