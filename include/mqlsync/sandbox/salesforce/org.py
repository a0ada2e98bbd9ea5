"""Everything one emulated org holds, passed to each router: data, sessions, quotas, cursors, jobs.

Keeping it in one object (rather than module globals) is what lets two sandboxes run in one process,
which the parallel test runs rely on.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from mqlsync.sandbox.admin import CallLog
from mqlsync.sandbox.faults import FaultInjector, unit_float
from mqlsync.sandbox.salesforce.auth import SessionRegistry, check_session
from mqlsync.sandbox.salesforce.errors import RecordError, SalesforceApiError
from mqlsync.sandbox.salesforce.limits import ApiUsage
from mqlsync.sandbox.salesforce.query import CursorRegistry
from mqlsync.sandbox.salesforce.store import Store, Table

MIN_VERSION = 59.0
MAX_VERSION = 62.0


@dataclass
class Org:
    store: Store
    sessions: SessionRegistry
    usage: ApiUsage
    injector: FaultInjector
    calls: CallLog
    cursors: CursorRegistry = field(default_factory=CursorRegistry)
    jobs: dict[str, Any] = field(default_factory=dict)
    _partial: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def authorize(self, request: Request, version: str | None = None) -> str:
        """Check the API version, the session and the allocation; returns the session id."""
        if version is not None:
            check_version(version)
        token = check_session(request, self.sessions)
        self.usage.consume()
        return token

    def table(self, name: str) -> Table:
        table = self.store.table(name)
        if table is None:
            raise SalesforceApiError(
                404,
                "NOT_FOUND",
                f"The requested resource does not exist: sObject type '{name}' is not supported.",
            )
        return table

    def partial_failures(self, request: Request) -> Any:
        """A record-failure hook for this request when the fault profile asks for partial failures."""
        fault = getattr(request.state, "fault", None)
        rate = fault.partial_failure_rate if fault is not None else 0.0
        if not rate:
            return None
        with self._lock:
            call = next(self._partial)

        def inject(record_id: str) -> RecordError | None:
            if unit_float(self.injector.seed, "partial", call, record_id) < rate:
                return RecordError(
                    "UNABLE_TO_LOCK_ROW",
                    f"unable to obtain exclusive access to this record or 1 records: {record_id}",
                )
            return None

        return inject


def check_version(version: str) -> float:
    try:
        number = float(version.removeprefix("v"))
    except ValueError:
        number = 0.0
    if not MIN_VERSION <= number <= MAX_VERSION:
        raise SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist")
    return number
