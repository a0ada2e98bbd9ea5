"""API budget and pacing: how many CRM calls a run may make, and how fast.

`ApiBudget` counts every call a task makes (per system, per run) and stops the task cleanly when
either limit is reached: `max_calls` for the run, or `share_of_daily` of the org's daily allocation
as the CRM reports it (Salesforce `Sforce-Limit-Info: api-usage=used/total`, parsed by
simple-salesforce into `sf.api_usage`; HubSpot `X-HubSpot-RateLimit-Daily` / `-Daily-Remaining`).
Stopping is `BudgetExhaustedError`, raised *before* the call that would go over, so the extract
code can finish its landing with `complete=False` and the watermark of what it did land.

Pacing (HubSpot): `RollingWindowPacer` keeps a log of send times and waits until a call fits in the
window. A log rather than a token bucket, because HubSpot's 10-second limit is a rolling window: a
bucket of size N refilled at N/10 s lets up to 2N through in some 10-second span and trips 429s.
Two pacers apply: the burst window (`X-HubSpot-RateLimit-Max` per `-Interval-Milliseconds`, learnt
from the headers, a safety margin kept) for every call except search, and the search limit (5/s per
account, no headers) for search. When the headers say the window is nearly spent (another task of
the same app is calling too) the pacer waits for the window to roll.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mqlsync.errors import BudgetExhaustedError

System = Literal["salesforce", "hubspot"]


class RollingWindowPacer:
    """At most `limit` calls in any `window` seconds, measured at send time (thread-safe)."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a pacer needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.waited = 0.0
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until one more call fits; returns the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.window:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    self.waited += waited
                    return waited
                pause = self._sent[0] + self.window - now + 0.01
                self._sleep(pause)
                waited += pause

    def resize(self, limit: int, window: float) -> None:
        with self._lock:
            self.limit, self.window = max(1, limit), window

    def pause_window(self) -> None:
        """Treat the window as full now (the server says it is), so the next call waits it out."""
        with self._lock:
            now = self._clock()
            self._sent = deque([now] * self.limit)


@dataclass
class ApiBudget:
    """Calls a task may make against one CRM; see the module docstring.

    `ApiBudget("salesforce", share_of_daily=0.2)` stops once the org has used 20 % of its daily
    allocation (whoever used it); `max_calls=500` stops after 500 calls of this task.
    """

    system: System
    max_calls: int | None = None
    share_of_daily: float | None = None
    burst_share: float = 0.85
    search_per_second: float = 4.0
    calls: int = 0
    by_endpoint: dict[str, int] = field(default_factory=dict)
    daily_used: int | None = None
    daily_total: int | None = None
    exhausted_reason: str | None = None
    burst: RollingWindowPacer | None = None
    search: RollingWindowPacer | None = None

    def __post_init__(self) -> None:
        if self.share_of_daily is not None and not 0 < self.share_of_daily <= 1:
            raise ValueError("share_of_daily is a fraction in (0, 1]")
        if self.max_calls is not None and self.max_calls < 0:
            raise ValueError("max_calls must not be negative")
        if self.system == "hubspot":
            # Until headers arrive: the Free/Starter burst (100 per 10 s), the lowest tier.
            self.burst = self.burst or RollingWindowPacer(max(1, int(100 * self.burst_share)), 10.0)
            # Search: 5 per second per account; the log also spreads them over the second.
            per_second = max(1, int(self.search_per_second))
            self.search = self.search or RollingWindowPacer(per_second, 1.0)

    # ---- spending --------------------------------------------------------------------------------
    def spend(self, endpoint: str = "call", *, search: bool = False) -> None:
        """Account for one call about to be made; raises BudgetExhaustedError instead of going over."""
        reason = self._over()
        if reason is not None:
            self.exhausted_reason = reason
            raise BudgetExhaustedError(f"{self.system} API budget spent: {reason}")
        pacer = self.search if search else self.burst
        if pacer is not None:
            pacer.acquire()
        self.calls += 1
        self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + 1

    def _over(self) -> str | None:
        if self.max_calls is not None and self.calls >= self.max_calls:
            return f"{self.calls} calls made, run allowance {self.max_calls}"
        if self.share_of_daily is not None and self.daily_used is not None and self.daily_total:
            allowed = int(self.daily_total * self.share_of_daily)
            if self.daily_used >= allowed:
                return (
                    f"daily usage {self.daily_used:,}/{self.daily_total:,} reached the extraction share "
                    f"{self.share_of_daily:.0%} ({allowed:,} calls)"
                )
        return None

    @property
    def exhausted(self) -> bool:
        return self._over() is not None

    # ---- what the CRM reports --------------------------------------------------------------------
    def observe_salesforce(self, api_usage: Mapping[str, Any] | None) -> None:
        """Read `sf.api_usage` (simple-salesforce's parse of Sforce-Limit-Info)."""
        usage = (api_usage or {}).get("api-usage")
        if usage is not None:
            self.daily_used, self.daily_total = int(usage.used), int(usage.total)

    def observe_hubspot(self, headers: Mapping[str, str] | None) -> None:
        """Read HubSpot's X-HubSpot-RateLimit-* headers (absent on search answers)."""
        if not headers:
            return
        h = {str(k).lower(): v for k, v in dict(headers).items()}
        daily = _int(h.get("x-hubspot-ratelimit-daily"))
        remaining = _int(h.get("x-hubspot-ratelimit-daily-remaining"))
        if daily is not None and remaining is not None:
            self.daily_total, self.daily_used = daily, daily - remaining
        burst = _int(h.get("x-hubspot-ratelimit-max"))
        interval = _int(h.get("x-hubspot-ratelimit-interval-milliseconds"))
        if self.burst is not None and burst and interval:
            limit = max(1, int(burst * self.burst_share))
            if (limit, interval / 1000) != (self.burst.limit, self.burst.window):
                self.burst.resize(limit, interval / 1000)
            left = _int(h.get("x-hubspot-ratelimit-remaining"))
            if left is not None and left <= max(1, burst - limit):
                self.burst.pause_window()

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "calls": self.calls,
            "by_endpoint": dict(self.by_endpoint),
            "max_calls": self.max_calls,
            "share_of_daily": self.share_of_daily,
            "daily_used": self.daily_used,
            "daily_total": self.daily_total,
            "exhausted_reason": self.exhausted_reason,
            "paced_seconds": round(sum(p.waited for p in (self.burst, self.search) if p is not None), 3),
        }


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
