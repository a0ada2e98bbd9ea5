"""The API budget and the rolling-window pacer, with a manual clock (no network)."""

from __future__ import annotations

from collections import namedtuple

import pytest

from mqlsync.crm.budget import ApiBudget, RollingWindowPacer
from mqlsync.errors import BudgetExhaustedError

Usage = namedtuple("Usage", "used total")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_pacer_never_lets_more_than_limit_into_any_window() -> None:
    clock = Clock()
    pacer = RollingWindowPacer(5, 10.0, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(23):
        pacer.acquire()
        sent.append(clock.now)
    for t in sent:
        assert sum(1 for s in sent if t <= s < t + 10.0) <= 5
    assert clock.now >= 40.0


def test_budget_stops_before_the_call_that_would_pass_max_calls() -> None:
    budget = ApiBudget("salesforce", max_calls=2)
    budget.spend("query")
    budget.spend("query")
    with pytest.raises(BudgetExhaustedError, match="2 calls made"):
        budget.spend("query")
    assert budget.calls == 2
    assert budget.exhausted_reason


def test_budget_stops_at_its_share_of_the_salesforce_daily_allocation() -> None:
    budget = ApiBudget("salesforce", share_of_daily=0.1)
    budget.observe_salesforce({"api-usage": Usage(99, 1000)})
    budget.spend()
    budget.observe_salesforce({"api-usage": Usage(100, 1000)})
    with pytest.raises(BudgetExhaustedError, match="10%"):
        budget.spend()


def test_budget_reads_hubspot_daily_and_burst_headers() -> None:
    budget = ApiBudget("hubspot", share_of_daily=0.5)
    budget.observe_hubspot(
        {
            "X-HubSpot-RateLimit-Daily": "1000",
            "X-HubSpot-RateLimit-Daily-Remaining": "400",
            "X-HubSpot-RateLimit-Max": "190",
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Remaining": "150",
        }
    )
    assert (budget.daily_used, budget.daily_total) == (600, 1000)
    assert budget.burst is not None
    assert budget.burst.limit == int(190 * 0.85)
    with pytest.raises(BudgetExhaustedError, match="daily usage 600/1,000"):
        budget.spend("contacts search", search=True)


def test_share_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="fraction"):
        ApiBudget("hubspot", share_of_daily=5)
