"""The org's API allocation: every authenticated REST/Bulk call counts, as in a rolling 24 hours.

Each response carries `Sforce-Limit-Info: api-usage=used/max` (simple-salesforce parses it into
`sf.api_usage`). Past the allocation the org answers 403 REQUEST_LIMIT_EXCEEDED and never sends a
Retry-After: a client must stop, not sleep. The `rate_limited` fault profile shrinks the allocation.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from mqlsync.sandbox.salesforce.errors import SalesforceApiError

DEFAULT_DAILY_REQUESTS = 100_000  # Enterprise Edition base allocation
DAY_SECONDS = 24 * 3600
BULK_QUERY_JOBS = 10_000


@dataclass
class ApiUsage:
    """Calls used in the current 24-hour window against `daily_max`."""

    daily_max: int = DEFAULT_DAILY_REQUESTS
    used: int = 0
    bulk_query_jobs: int = 0
    window_started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def consume(self) -> None:
        """Count one call; raise 403 REQUEST_LIMIT_EXCEEDED when the allocation is spent."""
        with self._lock:
            if time.monotonic() - self.window_started > DAY_SECONDS:
                self.used, self.window_started = 0, time.monotonic()
            if self.used >= self.daily_max:
                raise SalesforceApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            self.used += 1

    def header(self) -> str:
        return f"api-usage={self.used}/{self.daily_max}"

    def reset(self, daily_max: int | None = None) -> None:
        with self._lock:
            self.used = 0
            self.bulk_query_jobs = 0
            if daily_max is not None:
                self.daily_max = daily_max

    def limits_body(self) -> dict[str, Any]:
        """The `GET limits/` document (the parts clients read)."""

        def pair(maximum: int, used: int) -> dict[str, int]:
            return {"Max": maximum, "Remaining": max(maximum - used, 0)}

        return {
            "DailyApiRequests": pair(self.daily_max, self.used),
            "DailyBulkV2QueryJobs": pair(BULK_QUERY_JOBS, self.bulk_query_jobs),
            "DailyBulkV2QueryFileStorageMB": pair(976_562, 0),
            "DailyBulkApiBatches": pair(15_000, 0),
            "DataStorageMB": pair(1_024_000, 0),
            "ConcurrentAsyncGetReportInstances": pair(200, 0),
        }
