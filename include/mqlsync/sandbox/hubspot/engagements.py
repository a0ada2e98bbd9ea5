"""Engagement objects (emails, calls, meetings, notes, tasks) and their contact associations.

The engagement records themselves are ordinary object tables served by the generic object routes;
what is special is the many-to-many link to contacts. It is held as two sorted id arrays per
engagement type, so "this contact's calls" and "this call's contacts" are binary searches even at
millions of rows, and exposed the two ways the client reads it: `associations=` on v3 reads and the
v4 associations API.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Request

from mqlsync.sandbox.hubspot.schema import ENGAGEMENT_TYPES
from mqlsync.sandbox.hubspot.store import Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, not_found

# HubSpot-defined association type ids and v3 labels: (contact -> engagement, engagement -> contact).
TYPE_IDS = {
    "emails": (197, 198),
    "calls": (193, 194),
    "meetings": (199, 200),
    "notes": (201, 202),
    "tasks": (203, 204),
}
_SINGULAR = {
    "emails": "email",
    "calls": "call",
    "meetings": "meeting_event",
    "notes": "note",
    "tasks": "task",
}
_ALIASES = {
    "contact": "contacts",
    "email": "emails",
    "call": "calls",
    "meeting": "meetings",
    "note": "notes",
    "task": "tasks",
}


def canonical_type(name: str) -> str:
    name = name.lower()
    return _ALIASES.get(name, name)


class AssociationIndex:
    """Contact <-> engagement pairs per engagement type, sorted both ways for binary search."""

    def __init__(self, store: Store) -> None:
        self._pairs: dict[str, pd.DataFrame] = {}
        self._by: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        for kind in ENGAGEMENT_TYPES:
            series = store.tables[kind].attach_engagement_contacts()
            pairs = pd.DataFrame(
                {
                    "engagement": series.index.to_numpy(dtype="int64") if series is not None else [],
                    "contact": series.to_numpy(dtype="int64") if series is not None else [],
                },
                dtype="int64",
            )
            self._pairs[kind] = pairs
            self._sort(kind)

    def _sort(self, kind: str) -> None:
        pairs = self._pairs[kind]
        for key, other in (("engagement", "contact"), ("contact", "engagement")):
            ordered = pairs.sort_values([key, other], kind="stable")
            self._by[(kind, key)] = (ordered[key].to_numpy(), ordered[other].to_numpy())

    def add(self, kind: str, engagement_id: int, contact_id: int) -> None:
        extra = pd.DataFrame({"engagement": [engagement_id], "contact": [contact_id]}, dtype="int64")
        self._pairs[kind] = pd.concat([self._pairs[kind], extra], ignore_index=True).drop_duplicates()
        self._sort(kind)

    def linked(self, kind: str, key: str, oid: int) -> list[int]:
        """Ids on the other side of `oid`, where `key` is "engagement" or "contact"."""
        keys, others = self._by[(kind, key)]
        lo, hi = np.searchsorted(keys, oid, "left"), np.searchsorted(keys, oid, "right")
        return [int(x) for x in others[lo:hi]]

    def for_objects(self, from_type: str, ids: list[int], to_types: list[str]) -> dict[int, dict[str, Any]]:
        """The `associations` member of v3 objects: `{to_type: {"results": [{"id", "type"}]}}`."""
        out: dict[int, dict[str, Any]] = {}
        for to_type in (canonical_type(t) for t in to_types):
            pair = _pair(from_type, to_type)
            if pair is None:
                continue
            kind, key, label = pair
            for oid in ids:
                linked = self.linked(kind, key, oid)
                if linked:
                    results = [{"id": str(x), "type": label} for x in linked]
                    out.setdefault(oid, {})[to_type] = {"results": results}
        return out


def _pair(from_type: str, to_type: str) -> tuple[str, str, str] | None:
    """(engagement kind, which side `from` is, v3 label) or None when the types do not associate."""
    if from_type == "contacts" and to_type in ENGAGEMENT_TYPES:
        return to_type, "contact", f"contact_to_{_SINGULAR[to_type]}"
    if from_type in ENGAGEMENT_TYPES and to_type == "contacts":
        return from_type, "engagement", f"{_SINGULAR[from_type]}_to_contact"
    return None


def create_router(store: Store, index: AssociationIndex) -> APIRouter:
    """The v4 associations read (`crm.associations.v4.basic_api.get_page`)."""
    router = APIRouter()

    @router.get("/crm/v4/objects/{from_type}/{object_id}/associations/{to_type}")
    async def get_associations(
        from_type: str, object_id: str, to_type: str, request: Request
    ) -> dict[str, Any]:
        from_type, to_type = canonical_type(from_type), canonical_type(to_type)
        pair = _pair(from_type, to_type)
        if pair is None:
            raise HubSpotHTTPError(400, f"No association definitions between {from_type} and {to_type}")
        oid = store.table(from_type).find_id(object_id)
        if oid is None:
            raise not_found(from_type, object_id)
        kind, key, _ = pair
        limit = int(request.query_params.get("limit", 500))
        if not 1 <= limit <= 500:
            raise HubSpotHTTPError(400, "limit must be between 1 and 500")
        after = int(request.query_params.get("after", 0) or 0)
        linked = index.linked(kind, key, oid)
        type_id = TYPE_IDS[kind][0 if key == "contact" else 1]
        page = linked[after : after + limit]
        body: dict[str, Any] = {
            "results": [
                {
                    "toObjectId": x,
                    "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}],
                }
                for x in page
            ]
        }
        if after + limit < len(linked):
            nxt = str(after + limit)
            body["paging"] = {"next": {"after": nxt, "link": f"{request.url.path}?after={nxt}"}}
        return body

    return router
