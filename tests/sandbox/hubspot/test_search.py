"""CRM search: every operator, sorts, limits, and the 10,000-result cap, through the real client."""

from __future__ import annotations

import json
from contextlib import ExitStack

import pandas as pd
import pytest
from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest

from tests.fixtures.hubspot_sandbox import hubspot_world_frames, start_sandbox

FRAME = hubspot_world_frames()["contacts"]
LIVE = FRAME[~FRAME["archived"]]


@pytest.fixture(scope="module")
def pristine():
    """A sandbox no test writes to, so counts can be compared with the frame."""
    with ExitStack() as stack:
        yield start_sandbox(stack, frames=hubspot_world_frames(), tier="unlimited")


def search(sandbox, filters=None, *, groups=None, **kwargs):
    filter_groups = groups if groups is not None else ([{"filters": filters}] if filters else [])
    request = PublicObjectSearchRequest(filter_groups=filter_groups, **{"limit": 10, **kwargs})
    return sandbox.client().crm.contacts.search_api.do_search(request)


def ms(ts: str) -> str:
    return str(int(pd.Timestamp(ts).timestamp() * 1000))


CUTOFF = "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"propertyName": "country", "operator": "EQ", "value": "de"}, (LIVE["country"] == "DE").sum()),
        ({"propertyName": "country", "operator": "NEQ", "value": "DE"}, (LIVE["country"] != "DE").sum()),
        (
            {"propertyName": "numemployees", "operator": "LT", "value": "1000"},
            (LIVE["numemployees"] < 1000).sum(),
        ),
        (
            {"propertyName": "numemployees", "operator": "LTE", "value": "1000"},
            (LIVE["numemployees"] <= 1000).sum(),
        ),
        (
            {"propertyName": "numemployees", "operator": "GT", "value": "40000"},
            (LIVE["numemployees"] > 40000).sum(),
        ),
        (
            {"propertyName": "createdate", "operator": "GTE", "value": ms(CUTOFF)},
            (LIVE["createdate"] >= pd.Timestamp(CUTOFF)).sum(),
        ),
        (
            {"propertyName": "numemployees", "operator": "BETWEEN", "value": "100", "highValue": "200"},
            LIVE["numemployees"].between(100, 200).sum(),
        ),
        (
            {"propertyName": "hs_lead_status", "operator": "IN", "values": ["NEW", "OPEN"]},
            LIVE["hs_lead_status"].notna().sum(),
        ),
        (
            {"propertyName": "organization_type", "operator": "NOT_IN", "values": ["cro"]},
            (LIVE["organization_type"] != "cro").sum(),
        ),
        ({"propertyName": "jobtitle", "operator": "HAS_PROPERTY"}, LIVE["jobtitle"].notna().sum()),
        ({"propertyName": "jobtitle", "operator": "NOT_HAS_PROPERTY"}, LIVE["jobtitle"].isna().sum()),
        (
            {"propertyName": "therapeutic_areas", "operator": "CONTAINS_TOKEN", "value": "immunology"},
            LIVE["therapeutic_areas"].fillna("").str.contains("immunology").sum(),
        ),
        (
            {"propertyName": "therapeutic_areas", "operator": "NOT_CONTAINS_TOKEN", "value": "immunology"},
            (~LIVE["therapeutic_areas"].fillna("").str.contains("immunology")).sum(),
        ),
        (
            {"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@lab7.example.org"},
            (LIVE["id"].astype(int) % 50 == 7).sum(),
        ),
        (
            {"propertyName": "hs_email_optout", "operator": "EQ", "value": "true"},
            LIVE["hs_email_optout"].sum(),
        ),
    ],
    ids=lambda v: v["operator"] if isinstance(v, dict) else "",
)
def test_every_operator_matches_the_frame(pristine, flt, expected):
    assert search(pristine, [flt]).total == int(expected)


def test_groups_are_ored_and_filters_anded(pristine):
    de_cro = [
        {"propertyName": "country", "operator": "EQ", "value": "DE"},
        {"propertyName": "organization_type", "operator": "EQ", "value": "cro"},
    ]
    us = [{"propertyName": "country", "operator": "EQ", "value": "US"}]
    answer = search(pristine, groups=[{"filters": de_cro}, {"filters": us}])
    expected = ((LIVE["country"] == "DE") & (LIVE["organization_type"] == "cro")) | (LIVE["country"] == "US")
    assert answer.total == int(expected.sum())


def test_sort_descending_with_id_tiebreak(hubspot_sandbox):
    answer = search(
        hubspot_sandbox,
        sorts=[{"propertyName": "numemployees", "direction": "DESCENDING"}],
        properties=["numemployees"],
        limit=5,
    )
    values = [int(r.properties["numemployees"]) for r in answer.results]
    assert values == sorted(LIVE["numemployees"], reverse=True)[:5]


def test_sort_on_lastmodifieddate_ascending_pages_in_order(hubspot_sandbox):
    flt = [{"propertyName": "lastmodifieddate", "operator": "GTE", "value": ms("2026-06-01T00:00:00Z")}]
    sorts = [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]
    first = search(hubspot_sandbox, flt, sorts=sorts, properties=["lastmodifieddate"], limit=200)
    second = search(
        hubspot_sandbox,
        flt,
        sorts=sorts,
        properties=["lastmodifieddate"],
        limit=200,
        after=first.paging.next.after,
    )
    stamps = [r.properties["lastmodifieddate"] for r in first.results + second.results]
    assert stamps == sorted(stamps)


def test_free_text_query(hubspot_sandbox):
    answer = search(hubspot_sandbox, query="First4321")
    assert [r.id for r in answer.results] == ["4321"]


def test_search_never_returns_archived(hubspot_sandbox):
    assert (
        search(hubspot_sandbox).total == hubspot_sandbox.app.state.store.tables["contacts"].live_mask().sum()
    )


def test_limit_over_200_is_a_400(hubspot_sandbox):
    with pytest.raises(ApiException) as err:
        search(hubspot_sandbox, limit=201)
    assert err.value.status == 400


def test_paging_past_10000_results_is_a_400(hubspot_sandbox):
    near_end = search(hubspot_sandbox, limit=200, after="9800")
    assert near_end.total > 10_000
    assert len(near_end.results) == 200
    assert near_end.paging.next.after == "10000"
    with pytest.raises(ApiException) as err:
        search(hubspot_sandbox, limit=200, after=near_end.paging.next.after)
    body = json.loads(err.value.body)
    assert err.value.status == 400
    assert body["category"] == "VALIDATION_ERROR"
    assert "10,000" in body["message"]


def test_a_page_that_would_cross_10000_stops_at_the_cap(hubspot_sandbox):
    answer = search(hubspot_sandbox, limit=200, after="9900")
    assert len(answer.results) == 100


@pytest.mark.parametrize(
    "body",
    [
        {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "LIKE", "value": "x"}]}]},
        {"filterGroups": [{"filters": [{"propertyName": "no_such", "operator": "EQ", "value": "x"}]}]},
        {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}] * 6},
        {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}] * 11}]},
        {
            "filterGroups": [
                {"filters": [{"propertyName": "createdate", "operator": "GT", "value": "yesterday"}]}
            ]
        },
        {
            "filterGroups": [
                {"filters": [{"propertyName": "numemployees", "operator": "BETWEEN", "value": "1"}]}
            ]
        },
        {"sorts": ["createdate", "email"]},
    ],
    ids=["operator", "property", "groups", "filters", "date-value", "between", "two-sorts"],
)
def test_invalid_search_bodies_are_a_400(hubspot_sandbox, body):
    response = hubspot_sandbox.raw("POST", "/crm/v3/objects/contacts/search", json=body)
    assert response.status == 400
    assert json.loads(response.data)["category"] == "VALIDATION_ERROR"
