"""Fault profiles: reproducible decisions, and each fault as the real clients meet it."""

from __future__ import annotations

import contextlib

import pytest
import requests
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceGeneralError

from mqlsync.sandbox.faults import PROFILES, FaultInjector, FaultProfile


def _decisions(injector: FaultInjector, n: int = 400) -> list:
    return [injector.decide("salesforce", "GET query") for _ in range(n)]


@pytest.mark.parametrize("name", PROFILES)
def test_decisions_are_reproducible_from_the_seed(name):
    assert _decisions(FaultInjector.from_name(name, 3)) == _decisions(FaultInjector.from_name(name, 3))


def test_endpoints_have_independent_streams():
    a = FaultInjector.from_name("hostile", 1)
    b = FaultInjector.from_name("hostile", 1)
    for _ in range(50):
        b.decide("salesforce", "PATCH sobjects/Lead/{id}")
    assert _decisions(a) == _decisions(b)


def test_none_never_faults_and_hostile_has_every_kind():
    assert set(_decisions(FaultInjector.from_name("none", 1))) == {None}
    injector = FaultInjector.from_name("hostile", 1)
    faults = [injector.decide("hubspot", "POST batch", can_drop=True) for _ in range(3000)]
    kinds = [f for f in faults if f is not None]
    assert any(f.status == 429 and f.retry_after for f in kinds)
    assert any(f.status == 429 and f.retry_after is None for f in kinds)
    assert any(f.status in (500, 502, 503) for f in kinds)
    assert any(f.expire_session for f in kinds)
    assert any(f.drop_connection for f in kinds)
    assert all(f.partial_failure_rate for f in kinds if f.status is None)


def test_flaky_rate_is_close_to_its_profile():
    injector = FaultInjector.from_name("flaky", 9)
    errors = sum(1 for f in _decisions(injector, 4000) if f is not None and f.status)
    assert 0.03 < errors / 4000 < 0.07


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown fault profile"):
        FaultProfile.named("chaos")


def test_admin_switches_profile_and_counts_calls(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory()
    assert sandbox.admin.faults("flaky", seed=5)["profile"] == "flaky"
    sandbox.admin.reset()
    sf = sandbox.client()
    for _ in range(3):
        with contextlib.suppress(SalesforceGeneralError):
            sf.query("SELECT Id FROM User")
    assert sandbox.admin.calls()["calls"]["GET query"] == 3


def test_hostile_run_shows_429_5xx_expiry_and_dropped_pages(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory(faults="hostile", seed=11)
    sf = sandbox.client()
    seen: dict[str, int] = {}
    for _ in range(300):
        try:
            sf.query("SELECT Id FROM Lead LIMIT 50")
            seen["ok"] = seen.get("ok", 0) + 1
        except SalesforceGeneralError as err:
            seen[str(err.status)] = seen.get(str(err.status), 0) + 1
        except SalesforceExpiredSession:
            seen["401"] = seen.get("401", 0) + 1
            sandbox.admin.post("restore-session")
        except requests.exceptions.RequestException:
            seen["dropped"] = seen.get("dropped", 0) + 1
    assert {"ok", "429", "401", "dropped"} <= set(seen)
    assert any(code in seen for code in ("500", "502", "503"))


def test_retry_after_header_on_some_429s(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory(faults="hostile", seed=2)
    http = requests.Session()
    http.trust_env = False
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    retry_after = set()
    for _ in range(400):
        response = http.get(f"{sandbox.url}/services/data/v59.0/limits/", headers=headers)
        if response.status_code == 429:
            retry_after.add(response.headers.get("Retry-After"))
    assert "1" in retry_after
    assert None in retry_after


def test_hostile_collections_fail_a_share_of_records(salesforce_sandbox_factory, salesforce_frames):
    sandbox = salesforce_sandbox_factory()
    sandbox.admin.faults("hostile", seed=4)
    leads = salesforce_frames["Lead"]
    ids = leads.loc[~leads["IsDeleted"] & ~leads["IsConverted"], "Id"][:200]
    body = {"records": [{"attributes": {"type": "Lead"}, "id": i, "Title": "x"} for i in ids]}
    codes: list[str] = []
    http = requests.Session()
    http.trust_env = False
    for _ in range(10):
        response = http.patch(
            f"{sandbox.url}/services/data/v59.0/composite/sobjects",
            json=body,
            headers={"Authorization": f"Bearer {sandbox.token}"},
        )
        if response.status_code == 200:
            codes += [e["statusCode"] for r in response.json() for e in r["errors"]]
        if response.status_code == 401:
            sandbox.admin.post("restore-session")
    assert "UNABLE_TO_LOCK_ROW" in codes
    assert len(codes) < 10 * 200 * 0.2


def test_rate_limited_profile_shrinks_the_daily_allocation(salesforce_sandbox_factory):
    sandbox = salesforce_sandbox_factory(faults="rate_limited")
    assert sandbox.client().limits()["DailyApiRequests"]["Max"] == 1000
