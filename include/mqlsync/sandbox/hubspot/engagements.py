"""Engagement objects (emails, calls, meetings, notes, tasks) and their contact associations.

The engagement records themselves are ordinary object tables served by the generic object routes;
what is special is the many-to-many link to contacts. It is held as two sorted id arrays per
engagement type, so "this contact's calls" and "this call's contacts" are binary searches even at
millions of rows, and exposed the ways the client reads it: `associations=` on v3 reads, the v4
per-object read and the v4 batch read (`POST /crm/v4/associations/{from}/{to}/batch/read`, up to
1,000 inputs, 500 associations per input and page, `after` per input for the next page; an input with
no associations is a 207 error `crm.associations.NO_ASSOCIATIONS_FOUND`, as on a real portal).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mqlsync.sandbox.hubspot.schema import ENGAGEMENT_TYPES
from mqlsync.sandbox.hubspot.store import Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, format_timestamp, not_found, now

# HubSpot-defined association type ids and v3 labels: (contact -> engagement, engagement -> contact).
TYPE_IDS = {
    "emails": (197, 198),
    "calls": (193, 194),
    "meetings": (199, 200),
    "notes": (201, 202),
    "tasks": (203, 204),
}
MAX_BATCH_READ_INPUTS = 1_000
MAX_ASSOCIATIONS_PAGE = 500
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


def _to_entry(x: int, type_id: int) -> dict[str, Any]:
    return {
        "toObjectId": x,
        "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}],
    }


def create_router(store: Store, index: AssociationIndex) -> APIRouter:
    """The v4 associations reads (`crm.associations.v4.basic_api.get_page`, `batch_api.get_page`)."""
    router = APIRouter()

    @router.post("/crm/v4/associations/{from_type}/{to_type}/batch/read")
    async def batch_read(from_type: str, to_type: str, request: Request) -> JSONResponse:
        from mqlsync.sandbox.hubspot.contacts import read_json  # contacts imports this module

        started = format_timestamp(now())
        from_type, to_type = canonical_type(from_type), canonical_type(to_type)
        pair = _pair(from_type, to_type)
        if pair is None:
            raise HubSpotHTTPError(400, f"No association definitions between {from_type} and {to_type}")
        kind, key, _ = pair
        type_id = TYPE_IDS[kind][0 if key == "contact" else 1]
        table = store.table(from_type)
        inputs = (await read_json(request)).get("inputs")
        if not isinstance(inputs, list):
            raise HubSpotHTTPError(400, "Invalid input JSON: inputs must be a list")
        if len(inputs) > MAX_BATCH_READ_INPUTS:
            raise HubSpotHTTPError(
                400,
                f"Batch input limit exceeded: {len(inputs)} inputs were sent, "
                f"the maximum is {MAX_BATCH_READ_INPUTS}.",
            )
        results, errors = [], []
        for item in inputs:
            key_id = str((item or {}).get("id", ""))
            after_text = str((item or {}).get("after") or "0")
            oid = table.find_id(key_id)
            linked = index.linked(kind, key, oid) if oid is not None else []
            if not linked:
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                        "context": {"fromObjectId": [key_id]},
                        "message": f"No {_SINGULAR.get(to_type, to_type.rstrip('s'))} "
                        f"is associated with {_SINGULAR.get(from_type, from_type.rstrip('s'))} {key_id}.",
                        "links": {},
                        "errors": [],
                    }
                )
                continue
            start = int(after_text) if after_text.isdigit() else 0
            entry: dict[str, Any] = {
                "from": {"id": str(oid)},
                "to": [_to_entry(x, type_id) for x in linked[start : start + MAX_ASSOCIATIONS_PAGE]],
            }
            if start + MAX_ASSOCIATIONS_PAGE < len(linked):
                entry["paging"] = {"next": {"after": str(start + MAX_ASSOCIATIONS_PAGE)}}
            results.append(entry)
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": format_timestamp(now()),
        }
        if errors:
            body["numErrors"] = len(errors)
            body["errors"] = errors
            return JSONResponse(body, status_code=207)
        return JSONResponse(body)

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
        body: dict[str, Any] = {"results": [_to_entry(x, type_id) for x in page]}
        if after + limit < len(linked):
            nxt = str(after + limit)
            body["paging"] = {"next": {"after": nxt, "link": f"{request.url.path}?after={nxt}"}}
        return body

    return router
