"""Owners (`/crm/v3/owners/`): the sales users that `hubspot_owner_id` points at.

Routing and SLA reports need owner emails and teams; the generator writes them to owners.parquet.
"""

from __future__ import annotations

import zlib
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request

from mqlsync.sandbox.hubspot.contacts import read_limit
from mqlsync.sandbox.hubspot.store import Store
from mqlsync.sandbox.hubspot.wire import EPOCH_ISO, HubSpotHTTPError, format_value, parse_bool

MAX_OWNERS_PAGE = 500


def owner_json(row: dict[str, Any]) -> dict[str, Any]:
    teams = row.get("teams")
    names = [t.strip() for t in str(teams).split(";") if t.strip()] if isinstance(teams, str) else []
    return {
        "id": format_value(row.get("id")),
        "email": format_value(row.get("email")),
        "firstName": format_value(row.get("firstName")),
        "lastName": format_value(row.get("lastName")),
        "userId": int(row["userId"]) if pd.notna(row.get("userId")) else None,
        "type": "PERSON",
        "createdAt": format_value(row.get("createdAt")) or EPOCH_ISO,
        "updatedAt": format_value(row.get("updatedAt")) or EPOCH_ISO,
        "archived": bool(row.get("archived", False)),
        "teams": [
            {"id": str(zlib.crc32(n.encode()) % 10**8), "name": n, "primary": i == 0}
            for i, n in enumerate(names)
        ],
    }


def create_router(store: Store) -> APIRouter:
    router = APIRouter()

    def owners(archived: bool) -> pd.DataFrame:
        frame = store.owners
        if frame.empty:
            return frame
        flags = (
            frame["archived"].fillna(False).astype(bool)
            if "archived" in frame
            else pd.Series(False, index=frame.index)
        )
        return frame[flags == archived]

    @router.get("/crm/v3/owners/")
    @router.get("/crm/v3/owners")
    async def list_owners(request: Request) -> dict[str, Any]:
        q = request.query_params
        limit = read_limit(q.get("limit"), default=100, maximum=MAX_OWNERS_PAGE)
        frame = owners(parse_bool(q.get("archived")))
        if q.get("email") and not frame.empty:
            frame = frame[frame["email"].astype(str).str.lower() == q["email"].lower()]
        after = int(q.get("after") or 0)
        rows = frame.iloc[after : after + limit].to_dict("records")
        body: dict[str, Any] = {"results": [owner_json(r) for r in rows]}
        if after + limit < len(frame):
            body["paging"] = {
                "next": {"after": str(after + limit), "link": f"{request.url.path}?after={after + limit}"}
            }
        return body

    @router.get("/crm/v3/owners/{owner_id}")
    async def get_owner(owner_id: str, request: Request) -> dict[str, Any]:
        q = request.query_params
        column = "userId" if q.get("idProperty") == "userId" else "id"
        frame = owners(parse_bool(q.get("archived")))
        if not frame.empty:
            hit = frame[frame[column].astype(str) == owner_id]
            if len(hit):
                return owner_json(hit.iloc[0].to_dict())
        raise HubSpotHTTPError(404, f"Owner {owner_id} not found", category="OBJECT_NOT_FOUND")

    return router
