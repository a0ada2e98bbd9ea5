"""The one call layer (`mqlsync.crm.calls.CrmCaller`) with the real clients against the sandboxes."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hubspot.crm.contacts import ApiException
from simple_salesforce.bulk2 import Operation

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.calls import CrmCaller, RetrySettings
from mqlsync.crm.hubspot import HubSpotCalls, HubSpotConnection, HubSpotConnectionConfig, translate_error
from mqlsync.crm.salesforce import SalesforceCalls, SalesforceConnectionConfig, salesforce_kwargs
from mqlsync.errors import (
    BudgetExhaustedError,
    CrmConnectionError,
    CrmTerminalError,
    CrmTransientError,
    DailyLimitError,
    TerminalError,
)
from mqlsync.orchestration import hooks
from mqlsync.sandbox.faults import Fault, FaultProfile
from mqlsync.sandbox.hubspot.limits import RateLimitPolicy
from mqlsync.sandbox.salesforce.app import DEFAULT_SESSION_ID, create_app
from mqlsync.sandbox.salesforce.auth import SandboxCredentials
from mqlsync.sandbox.server import SandboxServer
from mqlsync.settings import Settings
from tests.fixtures.sandbox import INSTANCE_URL, AdminClient

FAST = RetrySettings(retries=3, wait=0.01, wait_max=0.05)
CONTACTS = "GET /crm/v3/objects/contacts"


class Scripted:
    """A FaultInjector stand-in: the given decisions for the first calls, then clean calls."""

    def __init__(self, *faults: Fault) -> None:
        self.faults = list(faults)
        self.profile = FaultProfile("hostile")
        self.seed = 0

    def decide(self, system, endpoint, *, can_drop=False):
        return self.faults.pop(0) if self.faults else None

    def describe(self):
        return {"profile": "scripted", "seed": self.seed, "settings": {}}


class Sleeps(list):
    """An injected sleep that records the waits instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def hubspot_caller(connection, budget, sleeps, retry=FAST):
    return CrmCaller(HubSpotCalls(connection), budget, retry=retry, object_name="contacts", sleep=sleeps)


def list_page(connection):
    return connection.contacts_basic.get_page_with_http_info(limit=5)


# ---- HubSpot ----------------------------------------------------------------------------------------
def test_every_hubspot_attempt_including_retries_is_counted_by_the_budget(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(500, "server_error"), Fault(503, "server_error")))
    budget, sleeps = ApiBudget("hubspot"), Sleeps()
    page = hubspot_caller(sandbox.connection(), budget, sleeps).call("contacts list", list_page)
    assert len(page.results) == 5
    assert budget.calls == 3 == sandbox.admin_get("calls")["calls"][CONTACTS]
    assert len(sleeps) == 2
    assert budget.daily_total is not None  # the successful answer's headers reached the budget


def test_a_429_with_retry_after_waits_at_least_that_long(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(429, "rate_limit", retry_after=2)))
    sleeps = Sleeps()
    hubspot_caller(sandbox.connection(), ApiBudget("hubspot"), sleeps).call("contacts list", list_page)
    assert sleeps == [2.0]  # max(Retry-After, backoff 0.01)


def test_the_daily_limit_stops_at_once_as_a_budget_stop(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(limits=RateLimitPolicy(burst=100, daily=1, window_seconds=10))
    budget, sleeps = ApiBudget("hubspot"), Sleeps()
    caller = hubspot_caller(sandbox.connection(), budget, sleeps)
    caller.call("contacts list", list_page)
    with pytest.raises(DailyLimitError) as err:
        caller.call("contacts list", list_page)
    assert isinstance(err.value, BudgetExhaustedError)
    assert isinstance(err.value, CrmTransientError)
    assert err.value.code == "RATE_LIMIT:DAILY"
    assert (budget.calls, sleeps) == (2, [])  # never retried


@pytest.mark.parametrize(
    ("body", "headers", "daily"),
    [
        ({"errorType": "RATE_LIMIT", "policyName": "DAILY", "message": "Limit reached."}, {}, True),
        ({"errorType": "RATE_LIMIT", "message": "m"}, {"X-HubSpot-RateLimit-Daily-Remaining": "0"}, True),
        (
            {"errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING", "message": "not the daily one"},
            {"X-HubSpot-RateLimit-Daily-Remaining": "5"},
            False,
        ),
    ],
    ids=["policy-name", "header", "text-says-daily-but-policy-does-not"],
)
def test_the_daily_limit_is_read_from_policy_name_and_header_not_text(body, headers, daily):
    err = SimpleNamespace(status=429, body=json.dumps(body), headers=headers)
    assert isinstance(translate_error(err, object_name="contacts"), DailyLimitError) is daily


def test_a_terminal_hubspot_error_is_raised_after_exactly_one_attempt(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory()
    budget, sleeps = ApiBudget("hubspot"), Sleeps()
    caller = hubspot_caller(sandbox.connection(access_token="pat-na1-wrong"), budget, sleeps)
    with pytest.raises(CrmTerminalError) as err:
        caller.call("contacts list", list_page)
    assert (err.value.code, err.value.endpoint, err.value.object) == (
        "INVALID_AUTHENTICATION",
        "contacts list",
        "contacts",
    )
    assert (budget.calls, sleeps) == (1, [])
    assert sandbox.admin_get("calls")["calls"][CONTACTS] == 1


def test_an_expired_hubspot_token_reconnects_and_is_tried_again_at_once(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(expire_session=True)))
    connection, budget, sleeps = sandbox.connection(), ApiBudget("hubspot"), Sleeps()
    hubspot_caller(connection, budget, sleeps).call("contacts list", list_page)
    assert (connection.reconnects, budget.calls, sleeps) == (1, 2, [0.0])


def test_mqlsyncs_hubspot_client_has_no_urllib3_retries(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(429, "rate_limit", retry_after=1)))
    with pytest.raises(ApiException) as err:
        sandbox.mqlsync_client().crm.contacts.basic_api.get_page(limit=1)
    assert err.value.status == 429
    assert json.loads(err.value.body)["errorType"] == "RATE_LIMIT"
    assert err.value.headers["Retry-After"] == "1"
    assert sandbox.admin_get("calls")["calls"][CONTACTS] == 1


def test_connection_call_with_no_retries_makes_one_request_per_429(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(429, "rate_limit")))
    with pytest.raises(CrmTransientError) as err:
        sandbox.connection(retries=0).call(
            lambda c: c.contacts_basic.get_page(limit=1), object_name="contacts"
        )
    assert err.value.status == 429
    assert sandbox.admin_get("calls")["calls"][CONTACTS] == 1


# ---- Salesforce -------------------------------------------------------------------------------------
@pytest.fixture
def scripted_salesforce(salesforce_frames):
    """`start(*faults)` -> (url, admin) of a private Salesforce sandbox with scripted faults."""
    servers = []

    def start(*faults: Fault):
        app = create_app(
            {k: v.copy() for k, v in salesforce_frames.items()},
            faults=Scripted(*faults),
            admin=True,
            token=DEFAULT_SESSION_ID,
        )
        server = SandboxServer(app, name="salesforce-calls-test")
        servers.append(server.__enter__())
        return server.url, AdminClient(server.url)

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def session_client(url):
    from mqlsync.crm.salesforce import connect_salesforce

    config = SalesforceConnectionConfig(
        session_id=DEFAULT_SESSION_ID, instance_url=INSTANCE_URL, sandbox_url=url
    )
    return connect_salesforce(config)


def salesforce_caller(sf, budget, sleeps, retry=FAST):
    return CrmCaller(SalesforceCalls(sf), budget, retry=retry, object_name="User", sleep=sleeps)


def count_users(sf):
    return sf.query("SELECT COUNT() FROM User")


def test_every_salesforce_attempt_including_retries_is_counted_by_the_budget(scripted_salesforce):
    url, admin = scripted_salesforce(Fault(503, "server_error"), Fault(429, "rate_limit"))
    budget, sleeps = ApiBudget("salesforce"), Sleeps()
    answer = salesforce_caller(session_client(url), budget, sleeps).call("query", count_users)
    assert answer["totalSize"] == 3
    assert budget.calls == 3 == admin.calls()["total"]
    assert sleeps == [0.01, 0.02]  # capped exponential backoff
    assert budget.daily_used is not None  # sf.api_usage reached the budget


def test_retries_run_out_as_a_transient_error_saying_how_many_attempts(scripted_salesforce):
    url, admin = scripted_salesforce(*[Fault(500, "server_error")] * 3)
    budget, sleeps = ApiBudget("salesforce"), Sleeps()
    caller = salesforce_caller(session_client(url), budget, sleeps, retry=RetrySettings(retries=2, wait=0.01))
    with pytest.raises(CrmTransientError, match="still failing after 3 attempts") as err:
        caller.call("query", count_users)
    assert err.value.status == 500
    assert budget.calls == 3 == admin.calls()["total"]


def test_a_terminal_salesforce_error_is_raised_after_exactly_one_attempt(salesforce_sandbox):
    budget, sleeps = ApiBudget("salesforce"), Sleeps()
    caller = salesforce_caller(salesforce_sandbox.client(), budget, sleeps)
    with pytest.raises(CrmTerminalError) as err:
        caller.call("query", lambda sf: sf.query("SELECT NoSuchField__c FROM User"))
    assert (err.value.status, err.value.code, err.value.endpoint) == (400, "INVALID_FIELD", "query")
    assert (budget.calls, sleeps) == (1, [])


def test_an_expired_session_on_a_session_id_connection_is_terminal(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory()
    budget, sleeps = ApiBudget("salesforce"), Sleeps()
    caller = salesforce_caller(sandbox.client(), budget, sleeps)
    sandbox.admin.post("expire-sessions", {})
    with pytest.raises(CrmTerminalError, match="cannot log in again") as err:
        caller.call("query", count_users)
    assert err.value.code == "INVALID_SESSION_ID"
    assert (budget.calls, sleeps) == (1, [])


def test_an_expired_session_on_a_login_connection_is_renewed_and_retried(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory()
    sf = sandbox.oauth_client()
    budget, sleeps = ApiBudget("salesforce"), Sleeps()
    sandbox.admin.post("expire-sessions", {})
    old_session = sf.session_id
    # Bulk 2.0 carries the session id itself: the client does not log in again there, the caller does.
    job = salesforce_caller(sf, budget, sleeps).call(
        "bulk2 create", lambda s: s.bulk2.Lead._client.create_job(Operation.query_all, "SELECT Id FROM Lead")
    )
    assert job["id"]
    assert sf.session_id != old_session
    assert (budget.calls, sleeps) == (2, [0.0])


# ---- connections that cannot work --------------------------------------------------------------------
SECRET = "s3cr3t-value-never-shown"


def test_a_salesforce_connection_without_usable_auth_is_terminal_and_names_the_fix():
    config = SalesforceConnectionConfig.from_connection(password=SECRET, conn_id="sf_prod")
    with pytest.raises(CrmConnectionError) as err:
        salesforce_kwargs(config)
    assert isinstance(err.value, TerminalError)
    assert "sf_prod" in str(err.value)
    assert "no usable auth" in str(err.value)
    assert "fix:" in str(err.value)
    assert SECRET not in str(err.value)


def test_an_invalid_salesforce_connection_field_is_terminal_without_the_secret():
    with pytest.raises(CrmConnectionError) as err:
        SalesforceConnectionConfig.from_connection(
            extra={"session_id": SECRET, "sandbox_url": "ftp://127.0.0.1"}, conn_id="sf_prod"
        )
    assert err.value.conn_id == "sf_prod"
    assert any(p.startswith("sandbox_url:") for p in err.value.problems)
    assert SECRET not in str(err.value)


@pytest.mark.parametrize(
    ("password", "extra", "field"),
    [(None, {}, "access_token"), ("  ", {}, "access_token"), (SECRET, {"host": "127.0.0.1:8802"}, "host")],
    ids=["missing-token", "empty-token", "host-without-scheme"],
)
def test_an_invalid_hubspot_connection_is_terminal_without_the_token(password, extra, field):
    conn = SimpleNamespace(
        conn_id="hs_prod", conn_type="hubspot", host=None, port=None, password=password, extra_dejson=extra
    )
    with pytest.raises(CrmConnectionError) as err:
        HubSpotConnectionConfig.from_connection(conn)
    assert err.value.conn_id == "hs_prod"
    assert "hs_prod" in str(err.value)
    assert any(p.startswith(f"{field}:") for p in err.value.problems)
    assert SECRET not in str(err.value)


def test_refused_salesforce_credentials_are_a_connection_error(salesforce_sandbox):
    creds = SandboxCredentials()
    environ = {
        "AIRFLOW_CONN_SF_LOGIN_TEST": json.dumps(
            {
                "conn_type": "salesforce",
                "extra": {
                    "consumer_key": creds.consumer_key,
                    "consumer_secret": SECRET,
                    "domain": "acme.my",
                    "sandbox_url": salesforce_sandbox.url,
                },
            }
        )
    }
    settings = Settings(salesforce_conn_id="sf_login_test")
    with pytest.raises(CrmConnectionError, match="login refused") as err:
        hooks.salesforce_from_settings(settings, environ=environ)
    assert err.value.conn_id == "sf_login_test"
    assert SECRET not in str(err.value)


def test_a_missing_airflow_connection_is_a_connection_error():
    with pytest.raises(CrmConnectionError, match="mqlsync_no_such_conn") as err:
        hooks.salesforce_from_airflow("mqlsync_no_such_conn")
    assert "AIRFLOW_CONN_MQLSYNC_NO_SUCH_CONN" in err.value.fix
    with pytest.raises(CrmConnectionError, match="not defined in Airflow"):
        hooks.HubSpotHook("mqlsync_no_such_hubspot").get_conn()


def test_a_connection_call_without_budget_limits_still_counts_every_attempt(hubspot_sandbox_factory):
    sandbox = hubspot_sandbox_factory(faults=Scripted(Fault(502, "server_error")))
    connection: HubSpotConnection = sandbox.connection()
    connection.call(lambda c: c.contacts_basic.get_page(limit=1), object_name="contacts")
    assert connection.budget.calls == 2 == sandbox.admin_get("calls")["calls"][CONTACTS]
