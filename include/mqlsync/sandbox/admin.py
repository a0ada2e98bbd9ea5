"""Inspection for tests and benchmarks, kept apart from the emulated API.

A test must be able to prove what the CRM now holds without going through the API under test, and a
benchmark must count calls without wrapping the client. Each emulator mounts the router from
`create_admin_router` under `/__admin__/` only when built with `admin=True`; no real CRM has these
paths, so nothing in mqlsync's own code may call them (only tests, benchmarks and people do).

Endpoints (per app):
- `GET  /__admin__/calls`: `{"calls": {"<endpoint>": n}, "total": n, "written": {"<object>": n}}`
- `GET  /__admin__/records/{object}/{id}?fields=A,B`: the stored values, or 404
- `POST /__admin__/reset-counters`: zero the call and write counters
- `GET  /__admin__/faults`, `POST /__admin__/faults` `{"profile": "hostile", "seed": 7}`
- `GET  /__admin__/health`
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query

from mqlsync.sandbox.faults import PROFILES, FaultInjector

ADMIN_PREFIX = "/__admin__"

# read_record(object, id, fields or None) -> {field: JSON value} or None when there is no such record.
RecordReader = Callable[[str, str, list[str] | None], dict[str, Any] | None]


@dataclass
class CallLog:
    """Thread-safe counters: calls per (system, endpoint) and records written per (system, object)."""

    _calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    _written: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_call(self, system: str, endpoint: str) -> None:
        with self._lock:
            self._calls[(system, endpoint)] += 1

    def record_write(self, system: str, object_name: str, count: int = 1) -> None:
        if count:
            with self._lock:
                self._written[(system, object_name)] += count

    def calls(self, system: str | None = None) -> dict[str, int]:
        with self._lock:
            return {e: n for (s, e), n in sorted(self._calls.items()) if system in (None, s)}

    def written(self, system: str | None = None) -> dict[str, int]:
        with self._lock:
            return {o: n for (s, o), n in sorted(self._written.items()) if system in (None, s)}

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._written.clear()

    def snapshot(self, system: str | None = None) -> dict[str, Any]:
        calls = self.calls(system)
        return {"calls": calls, "total": sum(calls.values()), "written": self.written(system)}


def create_admin_router(
    *,
    system: str,
    calls: CallLog,
    injector: FaultInjector,
    read_record: RecordReader,
    extra_status: Callable[[], dict[str, Any]] | None = None,
) -> APIRouter:
    """The `/__admin__` router for one emulator; include it only when the app is built with admin=True."""
    router = APIRouter(prefix=ADMIN_PREFIX, tags=["sandbox-admin"])

    @router.get("/health")
    def health() -> dict[str, Any]:
        status = {"system": system, "ok": True, "faults": injector.describe()["profile"]}
        if extra_status is not None:
            status.update(extra_status())
        return status

    @router.get("/calls")
    def get_calls() -> dict[str, Any]:
        return calls.snapshot(system)

    @router.post("/reset-counters")
    def reset_counters() -> dict[str, Any]:
        calls.reset()
        return calls.snapshot(system)

    @router.get("/faults")
    def get_faults() -> dict[str, Any]:
        return injector.describe()

    @router.post("/faults")
    def set_faults(payload: dict[str, Any] = Body(...)) -> dict[str, Any]:
        name = payload.get("profile")
        if name not in PROFILES:
            raise HTTPException(400, f"profile must be one of {', '.join(PROFILES)}")
        seed = payload.get("seed")
        injector.reconfigure(str(name), int(seed) if seed is not None else None)
        return injector.describe()

    @router.get("/records/{object_name}/{record_id}")
    def get_record(object_name: str, record_id: str, fields: str | None = Query(None)) -> dict[str, Any]:
        wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
        try:
            record = read_record(object_name, record_id, wanted)
        except KeyError as err:
            raise HTTPException(404, str(err)) from err
        if record is None:
            raise HTTPException(404, f"no {object_name} record {record_id}")
        return record

    return router
