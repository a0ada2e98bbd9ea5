"""HubSpot's API limits for private apps, by account tier, and the headers that report them.

Three budgets apply at once: a rolling 10-second burst window and a daily allocation for every
call, and a separate per-second limit on the search endpoints (which do not report the
X-HubSpot-RateLimit-* headers). A refused call gets HubSpot's 429 body with the policy that refused
it, so clients can tell a burst (wait seconds) from the daily cap (stop until midnight).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from mqlsync.sandbox.hubspot.wire import correlation_id


@dataclass(frozen=True)
class RateLimitPolicy:
    """One account's quotas. `window_seconds` is 10 on HubSpot; tests shrink it to stay fast."""

    burst: int
    daily: int
    search_per_second: int = 5
    window_seconds: float = 10.0

    def scaled(self, factor: float) -> RateLimitPolicy:
        """Tight quotas for the `rate_limited` fault profile (never below one call)."""
        if factor >= 1.0:
            return self
        return replace(
            self,
            burst=max(1, math.ceil(self.burst * factor)),
            daily=max(1, math.ceil(self.daily * factor)),
            search_per_second=max(1, math.ceil(self.search_per_second * factor)),
        )


TIERS: dict[str, RateLimitPolicy] = {
    "free": RateLimitPolicy(burst=100, daily=250_000),
    "starter": RateLimitPolicy(burst=100, daily=250_000),
    "professional": RateLimitPolicy(burst=190, daily=650_000),
    "enterprise": RateLimitPolicy(burst=190, daily=1_000_000),
    "api_limit_increase": RateLimitPolicy(burst=250, daily=1_650_000),
    # Not a HubSpot tier: for tests of everything except limits, where quotas would only add noise.
    "unlimited": RateLimitPolicy(burst=10**9, daily=10**12, search_per_second=10**9),
}


def policy_for(tier: str) -> RateLimitPolicy:
    try:
        return TIERS[tier]
    except KeyError:
        raise ValueError(f"unknown HubSpot tier {tier!r}; use one of {', '.join(TIERS)}") from None


@dataclass(frozen=True)
class Refusal:
    """A 429: which policy refused and the body HubSpot sends for it."""

    policy: str
    body: dict[str, Any]
    headers: dict[str, str]


_MESSAGES = {
    "TEN_SECONDLY_ROLLING": "You have reached your ten_secondly_rolling limit.",
    "DAILY": "You have reached your daily limit.",
    "SECONDLY": "You have reached your secondly limit.",
}


def rate_limit_body(policy: str) -> dict[str, Any]:
    cid = correlation_id()
    return {
        "status": "error",
        "message": _MESSAGES[policy],
        "errorType": "RATE_LIMIT",
        "correlationId": cid,
        "policyName": policy,
        "groupName": "publicapi:private-app:sandbox",
        "requestId": cid,
    }


class RateLimiter:
    """Sliding-window counters for one account; thread-safe (uvicorn may run handlers in threads)."""

    def __init__(
        self, policy: RateLimitPolicy, *, scale: Any = lambda: 1.0, clock: Any = time.monotonic
    ) -> None:
        self.base_policy = policy
        self._scale = scale
        self._clock = clock
        self._burst: deque[float] = deque()
        self._search: deque[float] = deque()
        self._day = self._today()
        self._daily_used = 0
        self._lock = threading.Lock()

    @property
    def policy(self) -> RateLimitPolicy:
        """The tier's quotas, shrunk while the fault profile asks for tight limits."""
        return self.base_policy.scaled(self._scale())

    @staticmethod
    def _today() -> str:
        return datetime.now(UTC).date().isoformat()  # HubSpot resets at the account's midnight; UTC here

    def check(self, *, search: bool) -> tuple[Refusal | None, dict[str, str]]:
        """Count one call; returns a refusal (the call must not run) and the headers to send."""
        p = self.policy
        with self._lock:
            t = self._clock()
            if self._today() != self._day:
                self._day, self._daily_used = self._today(), 0
            _expire(self._burst, t - p.window_seconds)
            _expire(self._search, t - 1.0)
            if self._daily_used >= p.daily:
                return Refusal("DAILY", rate_limit_body("DAILY"), {}), self._headers(search)
            if search and len(self._search) >= p.search_per_second:
                return Refusal("SECONDLY", rate_limit_body("SECONDLY"), {}), {}
            if not search and len(self._burst) >= p.burst:
                return Refusal(
                    "TEN_SECONDLY_ROLLING", rate_limit_body("TEN_SECONDLY_ROLLING"), {}
                ), self._headers(search)
            (self._search if search else self._burst).append(t)
            self._daily_used += 1
            return None, self._headers(search)

    def _headers(self, search: bool) -> dict[str, str]:
        if search:  # the search endpoints do not report these headers
            return {}
        p = self.policy
        secondly = max(1, int(p.burst / p.window_seconds))
        return {
            "X-HubSpot-RateLimit-Daily": str(p.daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, p.daily - self._daily_used)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(p.window_seconds * 1000)),
            "X-HubSpot-RateLimit-Max": str(p.burst),
            "X-HubSpot-RateLimit-Remaining": str(max(0, p.burst - len(self._burst))),
            "X-HubSpot-RateLimit-Secondly": str(secondly),
            "X-HubSpot-RateLimit-Secondly-Remaining": str(
                max(0, secondly - _recent(self._burst, self._clock()))
            ),
        }

    def usage(self) -> dict[str, Any]:
        with self._lock:
            return {
                "tier_policy": self.policy.__dict__,
                "daily_used": self._daily_used,
                "burst_in_window": len(self._burst),
                "resets_at": (
                    datetime.now(UTC).replace(hour=0, minute=0, second=0) + timedelta(days=1)
                ).isoformat(),
            }


def _expire(window: deque[float], older_than: float) -> None:
    while window and window[0] <= older_than:
        window.popleft()


def _recent(window: deque[float], t: float) -> int:
    return sum(1 for s in window if s > t - 1.0)
