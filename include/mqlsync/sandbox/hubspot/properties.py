"""Property definitions and property groups: list, read, create (409 on duplicates), update, archive.

mqlsync creates its own contact properties (group `mqlsync`) on a fresh portal, so the sandbox must
answer the create calls exactly like HubSpot, including the 201 body the client deserialises and
the 409 a second run meets.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mqlsync.sandbox.hubspot.contacts import read_json
from mqlsync.sandbox.hubspot.engagements import canonical_type
from mqlsync.sandbox.hubspot.schema import FIELD_TYPES, PROPERTY_TYPES, PropertyRegistry, property_definition
from mqlsync.sandbox.hubspot.store import Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, format_timestamp, now, parse_bool
from mqlsync.sandbox.hubspot.writes import dtype_for

REQUIRED = ("name", "label", "type", "fieldType", "groupName")


def _validate_create(body: dict[str, Any], groups: dict[str, Any]) -> list[str]:
    problems = [f"{key} is required" for key in REQUIRED if not body.get(key)]
    if body.get("type") and body["type"] not in PROPERTY_TYPES:
        problems.append(f"type {body['type']!r} is not one of {sorted(PROPERTY_TYPES)}")
    if body.get("fieldType") and body["fieldType"] not in FIELD_TYPES:
        problems.append(f"fieldType {body['fieldType']!r} is not one of {sorted(FIELD_TYPES)}")
    if body.get("groupName") and body["groupName"] not in groups:
        problems.append(f"group {body['groupName']!r} does not exist")
    if (
        body.get("type") == "enumeration"
        and not body.get("options")
        and body.get("fieldType") != "booleancheckbox"
    ):
        problems.append("enumeration properties need options")
    return problems


def create_router(store: Store) -> APIRouter:
    router = APIRouter()

    def registry(object_type: str) -> PropertyRegistry:
        return store.table(canonical_type(object_type)).registry

    @router.get("/crm/v3/properties/{object_type}")
    async def list_properties(object_type: str, request: Request) -> dict[str, Any]:
        reg = registry(object_type)
        source = (
            reg.archived_properties if parse_bool(request.query_params.get("archived")) else reg.properties
        )
        return {"results": list(source.values())}

    @router.post("/crm/v3/properties/{object_type}")
    async def create_property(object_type: str, request: Request) -> JSONResponse:
        table = store.table(canonical_type(object_type))
        reg = table.registry
        body = await read_json(request)
        problems = _validate_create(body, reg.groups)
        if problems:
            raise HubSpotHTTPError(400, "Property definition is invalid: " + "; ".join(problems))
        name = str(body["name"])
        if name in reg.properties:
            raise HubSpotHTTPError(
                409, f"A property named '{name}' already exists.", category="OBJECT_ALREADY_EXISTS"
            )
        stamp = format_timestamp(now())
        definition = property_definition(
            name,
            body["type"],
            body["fieldType"],
            body["groupName"],
            options=[
                {
                    "label": o["label"],
                    "value": o["value"],
                    "displayOrder": o.get("displayOrder", i),
                    "hidden": o.get("hidden", False),
                }
                for i, o in enumerate(body.get("options") or [])
            ],
            label=body["label"],
            description=body.get("description", ""),
            hubspot_defined=False,
            created_at=stamp,
        )
        definition["hasUniqueValue"] = bool(body.get("hasUniqueValue", False))
        definition["formField"] = bool(body.get("formField", False))
        reg.properties[name] = definition
        if name not in table.frame.columns:
            table.frame[name] = pd.Series(None, index=table.frame.index, dtype=dtype_for(body["type"]))
        return JSONResponse(definition, status_code=201)

    @router.get("/crm/v3/properties/{object_type}/groups")
    async def list_groups(object_type: str) -> dict[str, Any]:
        return {"results": list(registry(object_type).groups.values())}

    @router.post("/crm/v3/properties/{object_type}/groups")
    async def create_group(object_type: str, request: Request) -> JSONResponse:
        reg = registry(object_type)
        body = await read_json(request)
        if not body.get("name") or not body.get("label"):
            raise HubSpotHTTPError(400, "name and label are required")
        if body["name"] in reg.groups:
            raise HubSpotHTTPError(
                409,
                f"A property group named '{body['name']}' already exists.",
                category="OBJECT_ALREADY_EXISTS",
            )
        group = {
            "name": body["name"],
            "label": body["label"],
            "displayOrder": body.get("displayOrder", -1),
            "archived": False,
        }
        reg.groups[group["name"]] = group
        return JSONResponse(group, status_code=201)

    @router.get("/crm/v3/properties/{object_type}/groups/{group_name}")
    async def get_group(object_type: str, group_name: str) -> dict[str, Any]:
        group = registry(object_type).groups.get(group_name)
        if group is None:
            raise HubSpotHTTPError(
                404, f"Unable to find property group {group_name}", category="OBJECT_NOT_FOUND"
            )
        return group

    @router.patch("/crm/v3/properties/{object_type}/groups/{group_name}")
    async def update_group(object_type: str, group_name: str, request: Request) -> dict[str, Any]:
        group = await get_group(object_type, group_name)
        body = await read_json(request)
        group.update({k: body[k] for k in ("label", "displayOrder") if k in body})
        return group

    @router.delete("/crm/v3/properties/{object_type}/groups/{group_name}", status_code=204)
    async def archive_group(object_type: str, group_name: str) -> Response:
        registry(object_type).groups.pop(group_name, None)
        return Response(status_code=204)

    @router.get("/crm/v3/properties/{object_type}/{property_name}")
    async def get_property(object_type: str, property_name: str, request: Request) -> dict[str, Any]:
        reg = registry(object_type)
        archived = parse_bool(request.query_params.get("archived"))
        definition = (reg.archived_properties if archived else reg.properties).get(property_name)
        if definition is None:
            raise HubSpotHTTPError(
                404, f"Unable to find property {property_name}", category="OBJECT_NOT_FOUND"
            )
        return definition

    @router.patch("/crm/v3/properties/{object_type}/{property_name}")
    async def update_property(object_type: str, property_name: str, request: Request) -> dict[str, Any]:
        definition = await get_property(object_type, property_name, request)
        if definition["modificationMetadata"]["readOnlyDefinition"]:
            raise HubSpotHTTPError(
                400, f"{property_name} is a HubSpot-defined property and cannot be changed"
            )
        body = await read_json(request)
        for key in (
            "label",
            "description",
            "groupName",
            "options",
            "displayOrder",
            "hidden",
            "formField",
            "fieldType",
        ):
            if key in body:
                definition[key] = body[key]
        definition["updatedAt"] = format_timestamp(now())
        return definition

    @router.delete("/crm/v3/properties/{object_type}/{property_name}", status_code=204)
    async def archive_property(object_type: str, property_name: str) -> Response:
        reg = registry(object_type)
        definition = reg.properties.get(property_name)
        if definition is not None:
            if not definition["modificationMetadata"]["archivable"]:
                raise HubSpotHTTPError(
                    400, f"{property_name} is a HubSpot-defined property and cannot be archived"
                )
            reg.archived_properties[property_name] = {**reg.properties.pop(property_name), "archived": True}
        return Response(status_code=204)

    return router
