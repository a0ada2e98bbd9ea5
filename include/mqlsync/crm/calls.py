"""The one call layer: every CRM call of a task, extract or write-back, goes through a `CrmCaller`.

Per attempt, retries included, `CrmCaller.call` spends the task's `ApiBudget` (which counts and paces
it, and stops the task at its budget), runs the call, feeds what the CRM reported back to the budget
and turns a failure into the errors.py family. One retry loop (tenacity) retries `CrmTransientError`
only, with capped exponential backoff, and waits at least the `Retry-After` the CRM sent. A spent
daily limit (`DailyLimitError`) is a `BudgetExhaustedError` and is never retried: the task lands
what it has. An expired session is renewed once per attempt by the adapter, then tried again at once.

What differs between the CRMs is the adapter the caller is given (`CrmAdapter`):
`crm.salesforce.SalesforceCalls` and `crm.hubspot.HubSpotCalls`. The clients themselves retry
nothing (`connect_hubspot` turns urllib3's retries off), so the budget sees every request sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from mqlsync.crm.budget import ApiBudget
from mqlsync.errors import (
    BudgetExhaustedError,
    CrmError,
    CrmTransientError,
    SessionExpiredError,
)

ClientT = TypeVar("ClientT")
ClientT_co = TypeVar("ClientT_co", covariant=True)
T = TypeVar("T")
RETRY_AFTER_MAX = 120.0  # seconds; a longer Retry-After is waited this long, then tried again


@dataclass(frozen=True)
class RetrySettings:
    """How the one loop retries: `retries` after the first attempt, waits `wait * 2**n` capped at
    `wait_max`, or the CRM's Retry-After when longer (capped at `retry_after_max`)."""

    retries: int = 5
    wait: float = 0.5
    wait_max: float = 10.0
    retry_after_max: float = RETRY_AFTER_MAX


class CrmAdapter(Protocol[ClientT_co]):
    """The per-system half of a call: what the CRM reported, what a failure means, a new session."""

    system: str

    @property
    def client(self) -> ClientT_co:
        """What each call's function is given (a `Salesforce`, a `HubSpotConnection`)."""
        ...

    def succeeded(self, budget: ApiBudget, result: Any) -> Any:
        """Feed the usage a successful answer reported to `budget`; return the call's value."""
        ...

    def failed(
        self, budget: ApiBudget, err: BaseException, *, endpoint: str, object_name: str | None
    ) -> CrmError | None:
        """Feed what a failed answer reported to `budget`; mqlsync's error for it, or None when
        `err` is not the client's (then it propagates unchanged)."""
        ...

    def renew_session(self, err: SessionExpiredError, *, renewed: int) -> None:
        """Make the next attempt use a fresh session, or raise a CrmTerminalError saying why it cannot.
        `renewed` counts the renewals already made during this call."""
        ...


class CrmCaller(Generic[ClientT]):
    """Every call of one task against one CRM: budget, one retry loop, session renewal, errors.

    `sleep` is injectable so tests can record the waits instead of sleeping them.
    """

    def __init__(
        self,
        adapter: CrmAdapter[ClientT],
        budget: ApiBudget,
        *,
        retry: RetrySettings | None = None,
        object_name: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.adapter = adapter
        self.budget = budget
        self.retry = retry or RetrySettings()
        self.object_name = object_name
        self.sleep = sleep
        self._backoff = wait_exponential(multiplier=self.retry.wait, max=self.retry.wait_max)

    def call(self, endpoint: str, fn: Callable[[ClientT], T], *, search: bool = False) -> T:
        """`fn(client)` once per attempt; the value the adapter makes of its answer.

        Raises `BudgetExhaustedError` (the task's budget, or the CRM's daily limit) before the call
        that would go over, `CrmTerminalError` after one attempt, `CrmTransientError` once the
        retries are spent.
        """
        renewed = 0

        def attempt() -> T:
            nonlocal renewed
            self.budget.spend(endpoint, search=search)
            try:
                result = fn(self.adapter.client)
            except Exception as err:
                failure = err if isinstance(err, CrmError) else self._failed(err, endpoint)
                if failure is None:
                    raise
                if isinstance(failure, SessionExpiredError):
                    self.adapter.renew_session(failure, renewed=renewed)
                    renewed += 1
                if failure is err:
                    raise
                raise failure from err
            return self.adapter.succeeded(self.budget, result)

        retrying = Retrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(self.retry.retries + 1),
            wait=self._wait,
            sleep=self.sleep,
            retry_error_callback=self._give_up,
        )
        return retrying(attempt)

    def _failed(self, err: BaseException, endpoint: str) -> CrmError | None:
        return self.adapter.failed(self.budget, err, endpoint=endpoint, object_name=self.object_name)

    def _wait(self, state: RetryCallState) -> float:
        err = state.outcome.exception() if state.outcome else None
        if isinstance(err, SessionExpiredError):
            return 0.0  # the session was renewed; waiting would not help
        backoff = self._backoff(state)
        retry_after = getattr(err, "retry_after", None) or 0.0
        return max(backoff, min(retry_after, self.retry.retry_after_max))

    def _give_up(self, state: RetryCallState) -> Any:
        last = state.outcome.exception() if state.outcome else None
        assert isinstance(last, CrmTransientError)
        raise CrmTransientError(
            f"{last} (still failing after {state.attempt_number} attempts)",
            system=last.system,
            endpoint=last.endpoint,
            object=last.object,
            status=last.status,
            code=last.code,
            retry_after=last.retry_after,
        ) from last


def is_retryable(err: BaseException) -> bool:
    """Transient CRM errors are tried again; a spent daily limit is not (the next run continues)."""
    return isinstance(err, CrmTransientError) and not isinstance(err, BudgetExhaustedError)
