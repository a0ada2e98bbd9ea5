"""Single-record object calls: list (cursor pages), get (by id or a unique idProperty), create,
PATCH update and archive, for contacts and the engagement objects alike.

One set of routes serves `/crm/v3/objects/{objectType}` because the real API is generic in the
same way; contact-only rules (unique email, forward-only lifecyclestage, merged ids) live in the
store and apply whichever route writes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mqlsync.sandbox.hubspot.engagements import AssociationIndex, canonical_type
from mqlsync.sandbox.hubspot.schema import DEFAULT_PROPERTIES
from mqlsync.sandbox.hubspot.store import ObjectTable, Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, not_found, parse_bool, split_multi

MAX_PAGE = 100
MAX_PAGE_WITH_HISTORY = 50


async def read_json(request: Request) -> dict[str, Any]:
    """The request body as an object; malformed JSON is HubSpot's 400, not a crash."""
    try:
        body = await request.json()
    except ValueError as err:
        raise HubSpotHTTPError(400, f"Invalid input JSON on line 1: {err}") from err
    if not isinstance(body, dict):
        raise HubSpotHTTPError(400, "Invalid input JSON: expected an object")
    return body


def read_limit(raw: str | None, *, default: int, maximum: int) -> int:
    try:
        limit = int(raw) if raw not in (None, "") else default
    except ValueError as err:
        raise HubSpotHTTPError(400, f"limit must be a number, got {raw!r}") from err
    if not 1 <= limit <= maximum:
        raise HubSpotHTTPError(400, f"limit must be between 1 and {maximum}, got {limit}")
    return limit


def render_one(
    table: ObjectTable, oid: int, properties: list[str] | None, *, history: list[str] | None = None
) -> dict[str, Any]:
    return table.render([oid], properties, with_history=history or [])[0]


def create_router(store: Store, index: AssociationIndex) -> APIRouter:
    router = APIRouter()

    @router.get("/crm/v3/objects/{object_type}")
    async def list_objects(object_type: str, request: Request) -> dict[str, Any]:
        table = store.table(canonical_type(object_type))
        q = request.query_params
        history = split_multi(q.getlist("propertiesWithHistory"))
        limit = read_limit(q.get("limit"), default=10, maximum=MAX_PAGE_WITH_HISTORY if history else MAX_PAGE)
        after = q.get("after")
        if after not in (None, "") and not str(after).isdigit():
            raise HubSpotHTTPError(400, f"after must be a cursor returned by a previous page, got {after!r}")
        archived = parse_bool(q.get("archived"))
        frame = table.frame
        ids = frame.index.to_numpy()[table.live_mask(archived=archived)]
        start = int(np.searchsorted(ids, int(after))) if after else 0
        page = ids[start : start + limit].tolist()
        to_types = split_multi(q.getlist("associations"))
        links = index.for_objects(table.object_type, page, to_types) if to_types else None
        results = table.render(
            page, split_multi(q.getlist("properties")) or None, with_history=history, associations=links
        )
        body: dict[str, Any] = {"results": results}
        if start + limit < len(ids):
            nxt = str(ids[start + limit])
            body["paging"] = {"next": {"after": nxt, "link": f"{request.url.path}?after={nxt}"}}
        return body

    @router.get("/crm/v3/objects/{object_type}/{object_id}")
    async def get_object(object_type: str, object_id: str, request: Request) -> dict[str, Any]:
        table = store.table(canonical_type(object_type))
        q = request.query_params
        oid = table.resolve(object_id, q.get("idProperty"), archived=parse_bool(q.get("archived")))
        if oid is None:
            raise not_found(table.object_type, object_id)
        to_types = split_multi(q.getlist("associations"))
        links = index.for_objects(table.object_type, [oid], to_types) if to_types else None
        props = split_multi(q.getlist("properties")) or None
        history = split_multi(q.getlist("propertiesWithHistory"))
        return table.render([oid], props, with_history=history, associations=links)[0]

    @router.post("/crm/v3/objects/{object_type}")
    async def create_object(object_type: str, request: Request) -> JSONResponse:
        table = store.table(canonical_type(object_type))
        body = await read_json(request)
        values = body.get("properties") or {}
        oid = table.create(table.coerce(values, creating=True))
        for assoc in body.get("associations") or []:
            link_from_input(table.object_type, oid, assoc, index)
        props = list(dict.fromkeys([*DEFAULT_PROPERTIES[table.object_type], *values]))
        return JSONResponse(render_one(table, oid, props), status_code=201)

    @router.patch("/crm/v3/objects/{object_type}/{object_id}")
    async def update_object(object_type: str, object_id: str, request: Request) -> dict[str, Any]:
        table = store.table(canonical_type(object_type))
        body = await read_json(request)
        oid = table.resolve(object_id, request.query_params.get("idProperty"))
        if oid is None:
            raise not_found(table.object_type, object_id)
        values = body.get("properties") or {}
        table.write(oid, table.coerce(values))
        props = list(dict.fromkeys([*DEFAULT_PROPERTIES[table.object_type], *values]))
        return render_one(table, oid, props)

    @router.delete("/crm/v3/objects/{object_type}/{object_id}", status_code=204)
    async def archive_object(object_type: str, object_id: str) -> Response:
        table = store.table(canonical_type(object_type))
        oid = table.find_id(object_id)
        if oid is not None:  # HubSpot answers 204 for ids that are already gone
            table.archive(oid)
        return Response(status_code=204)

    return router


def link_from_input(from_type: str, oid: int, assoc: dict[str, Any], index: AssociationIndex) -> None:
    """Apply one `associations` entry of a create body (`{"to": {"id"}, "types": [...]}`)."""
    to_id = str((assoc.get("to") or {}).get("id", ""))
    if not to_id.isdigit():
        raise HubSpotHTTPError(400, f"association target id {to_id!r} is not valid")
    if from_type == "contacts":
        return  # contact-side creation would need the target type; the client sends it from engagements
    index.add(from_type, oid, int(to_id))
