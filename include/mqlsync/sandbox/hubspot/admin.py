"""The HubSpot emulator's half of the shared `/__admin__` inspection API (see mqlsync.sandbox.admin).

Tests prove what the portal now holds by reading stored values here, not through the API under
test; values come back exactly as the API would render them (strings, ISO timestamps).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mqlsync.sandbox.admin import CallLog, create_admin_router
from mqlsync.sandbox.faults import FaultInjector
from mqlsync.sandbox.hubspot.engagements import canonical_type
from mqlsync.sandbox.hubspot.limits import RateLimiter
from mqlsync.sandbox.hubspot.store import Store

SYSTEM = "hubspot"


def record_reader(store: Store) -> Any:
    def read_record(object_name: str, record_id: str, fields: list[str] | None) -> dict[str, Any] | None:
        table = store.tables.get(canonical_type(object_name))
        if table is None:
            raise KeyError(f"no object type {object_name}")
        oid = table.find_id(record_id) or table.find_id(record_id, archived=True)
        if oid is None:
            return None
        names = fields or [c for c in table.frame.columns if not c.startswith("__")]
        obj = table.render([oid], names)[0]
        return {
            "id": obj["id"],
            "archived": obj["archived"],
            "updatedAt": obj["updatedAt"],
            **obj["properties"],
        }

    return read_record


def create_router(
    store: Store, *, calls: CallLog, injector: FaultInjector, limiter: RateLimiter, tier: str
) -> APIRouter:
    def status() -> dict[str, Any]:
        return {
            "tier": tier,
            "rate_limits": limiter.usage(),
            "records": {t: int((~table.frame["__archived"]).sum()) for t, table in store.tables.items()},
        }

    return create_admin_router(
        system=SYSTEM, calls=calls, injector=injector, read_record=record_reader(store), extra_status=status
    )
