"""Rate limits by tier, HubSpot's 429 bodies and headers, and the fault profiles, with the real client."""

from __future__ import annotations

import json
import time

import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchResponseSimplePublicObjectWithErrors,
    PublicObjectSearchRequest,
)
from urllib3.exceptions import MaxRetryError

from mqlsync.crm.hubspot import HubSpotConnection
from mqlsync.errors import CrmTransientError
from mqlsync.sandbox.faults import Fault, FaultInjector, FaultProfile
from mqlsync.sandbox.hubspot.limits import RateLimitPolicy, policy_for

TIGHT = RateLimitPolicy(burst=3, daily=1000, search_per_second=2, window_seconds=0.5)


def test_rate_limit_headers_on_every_non_search_answer(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(tier="starter")
    response = sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1")
    assert response.headers["X-HubSpot-RateLimit-Max"] == "100"
    assert response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert response.headers["X-HubSpot-RateLimit-Daily"] == "250000"
    assert response.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "249999"
    assert response.headers["X-HubSpot-RateLimit-Remaining"] == "99"
    assert "X-HubSpot-RateLimit-Secondly" in response.headers


def test_search_answers_carry_no_rate_limit_headers(hubspot_sandbox_factory):
    response = hubspot_sandbox_factory().raw("POST", "/crm/v3/objects/contacts/search", json={})
    assert response.status == 200
    assert "X-HubSpot-RateLimit-Max" not in response.headers


@pytest.mark.parametrize(
    ("tier", "burst", "daily"),
    [("starter", 100, 250_000), ("professional", 190, 650_000), ("enterprise", 190, 1_000_000)],
)
def test_tiers_match_hubspots_published_limits(tier, burst, daily):
    policy = policy_for(tier)
    assert (policy.burst, policy.daily, policy.search_per_second, policy.window_seconds) == (
        burst,
        daily,
        5,
        10.0,
    )


def test_burst_over_the_window_is_a_429_ten_secondly_rolling(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=TIGHT)
    statuses = [sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1").status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1")
    body = json.loads(refused.data)
    assert body["errorType"] == "RATE_LIMIT"
    assert body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert body["status"] == "error"
    assert body["correlationId"]
    assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    time.sleep(0.55)
    assert sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1").status == 200


def test_search_has_its_own_per_second_limit(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=TIGHT)
    statuses = [sandbox.raw("POST", "/crm/v3/objects/contacts/search", json={}).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    body = json.loads(sandbox.raw("POST", "/crm/v3/objects/contacts/search", json={}).data)
    assert body["policyName"] == "SECONDLY"
    assert body["message"] == "You have reached your secondly limit."
    assert (
        sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1").status == 200
    )  # the burst budget is separate


def test_daily_limit_is_a_429_daily(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=RateLimitPolicy(burst=100, daily=2, window_seconds=10))
    for _ in range(2):
        assert sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1").status == 200
    refused = sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1")
    assert refused.status == 429
    assert json.loads(refused.data)["policyName"] == "DAILY"


def test_rate_limited_profile_shrinks_the_real_quotas(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(
        tier="professional", faults=FaultInjector.from_name("rate_limited", seed=1)
    )
    statuses = [sandbox.raw("GET", "/crm/v3/objects/contacts?limit=1").status for _ in range(3)]
    assert statuses == [200, 200, 429]  # ceil(190 * 0.01) = 2 per 10 s


def test_client_with_retry_rides_out_the_burst_limit(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=TIGHT)
    client = sandbox.client(backoff_factor=0.2)
    for _ in range(8):  # 8 calls against 3 per 0.5 s: the 429s are retried after backoff
        client.crm.contacts.basic_api.get_page(limit=1)
    search = client.crm.contacts.search_api.do_search(PublicObjectSearchRequest(limit=1))
    assert search.total == 280


def test_readme_retry_never_retries_post_but_ours_does(hubspot_sandbox_factory):
    import hubspot
    from urllib3.util.retry import Retry

    sandbox = hubspot_sandbox_factory(limits=TIGHT)
    readme = hubspot.HubSpot(
        access_token=sandbox.token, host=sandbox.url, retry=Retry(total=5, status_forcelist=(429,))
    )
    search = readme.crm.contacts.search_api
    search.do_search(PublicObjectSearchRequest(limit=1))
    search.do_search(PublicObjectSearchRequest(limit=1))
    with pytest.raises(ApiException) as err:
        search.do_search(PublicObjectSearchRequest(limit=1))
    assert err.value.status == 429
    time.sleep(1.05)
    ours = sandbox.client(backoff_factor=0.3).crm.contacts.search_api
    for _ in range(4):
        ours.do_search(PublicObjectSearchRequest(limit=1))


def test_exhausted_retries_raise_max_retry_error(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=RateLimitPolicy(burst=100, daily=1, window_seconds=10))
    client = sandbox.client(retries=1, backoff_factor=0)
    client.crm.contacts.basic_api.get_page(limit=1)
    with pytest.raises(MaxRetryError):
        client.crm.contacts.basic_api.get_page(limit=1)


def test_connection_call_translates_exhaustion_into_a_transient_error(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=RateLimitPolicy(burst=100, daily=0, window_seconds=10))
    connection = sandbox.connection(retries=0)
    with pytest.raises(CrmTransientError):
        connection.call(lambda c: c.contacts_basic.get_page(limit=1), object_name="contacts")


class Scripted:
    """A FaultInjector stand-in that returns a fixed sequence of decisions, then clean calls."""

    def __init__(self, *faults: Fault | None, endpoint: str | None = None) -> None:
        self.faults = list(faults)
        self.endpoint = endpoint
        self.profile = FaultProfile("hostile")
        self.seed = 3

    def decide(self, system, endpoint, *, can_drop=False):
        if self.endpoint and endpoint != self.endpoint:
            return None
        return self.faults.pop(0) if self.faults else None

    def describe(self):
        return {"profile": "scripted", "seed": self.seed, "settings": {}}


@pytest.mark.parametrize(
    "fault",
    [
        Fault(429, "rate_limit", retry_after=1),
        Fault(429, "rate_limit"),
        Fault(500, "server_error"),
        Fault(503, "server_error"),
        Fault(drop_connection=True),
        Fault(delay=0.3),
    ],
    ids=["429-retry-after", "429-bare", "500", "503", "dropped-mid-page", "slow"],
)
def test_client_survives_each_injected_fault(hubspot_sandbox_factory, fault):
    sandbox = hubspot_sandbox_factory(faults=Scripted(fault, fault, endpoint="GET /crm/v3/objects/contacts"))
    page = sandbox.client(backoff_factor=0.05).crm.contacts.basic_api.get_page(limit=100)
    assert len(page.results) == 100
    assert sandbox.admin_get("calls")["calls"]["GET /crm/v3/objects/contacts"] >= 1


def test_injected_faults_use_hubspots_error_shapes(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(
        faults=Scripted(Fault(429, "rate_limit", retry_after=2), Fault(502, "server_error"))
    )
    limited = sandbox.raw("GET", "/crm/v3/objects/contacts")
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "2"
    assert json.loads(limited.data)["errorType"] == "RATE_LIMIT"
    failed = sandbox.raw("GET", "/crm/v3/objects/contacts")
    assert failed.status == 502
    assert json.loads(failed.data)["status"] == "error"


def test_expired_session_is_a_401_that_the_connection_recovers_from(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(expire_session=True)))
    raw = sandbox.raw("GET", "/crm/v3/objects/contacts")
    assert raw.status == 401
    assert json.loads(raw.data)["category"] == "EXPIRED_AUTHENTICATION"
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(expire_session=True)))
    tokens = iter(["fresh-token-is-the-same-in-the-sandbox"])
    connection = HubSpotConnection(sandbox.config(), token_provider=lambda: sandbox.token or next(tokens))
    page = connection.call(lambda c: c.contacts_basic.get_page(limit=2))
    assert len(page.results) == 2
    assert connection.reconnects == 1


def test_partial_batch_failure_is_a_207_and_a_retry_of_the_failed_ids_completes(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(partial_failure_rate=0.5)))
    api = sandbox.client().crm.contacts.batch_api
    inputs = [{"id": str(i), "properties": {"mql_status": "nurture"}} for i in range(101, 141)]
    answer = api.update(BatchInputSimplePublicObjectBatchInput(inputs=inputs))
    assert isinstance(answer, BatchResponseSimplePublicObjectWithErrors)
    failed = [i for e in answer.errors for i in e.context["ids"]]
    assert 0 < len(failed) < 40
    assert len(answer.results) + len(failed) == 40
    assert {e.category for e in answer.errors} == {"INTERNAL_ERROR"}
    assert sandbox.record("contacts", failed[0], "mql_status")["mql_status"] is None
    retry = api.update(
        BatchInputSimplePublicObjectBatchInput(inputs=[i for i in inputs if i["id"] in failed])
    )
    assert len(retry.results) == len(failed)


def test_same_seed_gives_the_same_faults():
    def run(seed):
        injector = FaultInjector.from_name("hostile", seed=seed)
        return [injector.decide("hubspot", "GET /crm/v3/objects/contacts", can_drop=True) for _ in range(200)]

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_hostile_run_with_a_retrying_client_completes(hubspot_sandbox_factory):
    """Page every contact, push a score to each in batches, re-push what failed: nothing is lost."""
    sandbox = hubspot_sandbox_factory(faults=FaultInjector.from_name("hostile", seed=5), tier="unlimited")
    connection = sandbox.connection(backoff_factor=0.01, retries=8)
    seen, after = [], None
    while True:
        page = connection.call(lambda c, a=after: c.contacts_basic.get_page(limit=100, after=a))
        seen += [r.id for r in page.results]
        if page.paging is None or page.paging.next is None:
            break
        after = page.paging.next.after
    assert len(set(seen)) == 280
    pending = {i: {"lead_score": str(int(i) % 100)} for i in seen}
    for _ in range(20):
        if not pending:
            break
        ids = sorted(pending)[:100]
        body = BatchInputSimplePublicObjectBatchInput(
            inputs=[{"id": i, "properties": pending[i]} for i in ids]
        )
        answer = connection.call(lambda c, b=body: c.contacts_batch.update(b))
        for record in answer.results:
            pending.pop(record.id, None)
    assert not pending
    assert sandbox.record("contacts", seen[-1], "lead_score")["lead_score"] == str(int(seen[-1]) % 100)
    assert sum(sandbox.admin_get("calls")["calls"].values()) > 6


def test_admin_reports_calls_and_writes_and_is_off_when_disabled(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory()
    sandbox.client().crm.contacts.basic_api.update("150", {"properties": {"mql_status": "mql"}})
    snapshot = sandbox.admin_get("calls")
    assert snapshot["calls"] == {"PATCH /crm/v3/objects/contacts/{id}": 1}
    assert snapshot["written"] == {"contacts": 1}
    health = sandbox.admin_get("health")
    assert health["tier"] == "professional"
    assert health["records"]["contacts"] == 280
    closed = hubspot_sandbox_factory(admin=False)
    assert closed.raw("GET", "/__admin__/calls").status == 404
