"""Batch read, update, upsert, create and archive: up to 100 inputs, 207 on partial failure.

A batch is all-or-nothing for malformed input (too many inputs, duplicate ids, invalid property
values: 400, nothing written) and per-record for missing records and injected partial failures
(207 Multi-Status: the good records are written and returned, the rest listed in `errors`),
because that is the split HubSpot makes and the one push code must handle.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mqlsync.sandbox.faults import Fault, unit_float
from mqlsync.sandbox.hubspot.contacts import link_from_input, read_json
from mqlsync.sandbox.hubspot.engagements import AssociationIndex, canonical_type
from mqlsync.sandbox.hubspot.schema import DEFAULT_PROPERTIES
from mqlsync.sandbox.hubspot.store import ObjectTable, Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, format_timestamp, now, parse_bool

MAX_INPUTS = 100
MAX_INPUTS_WITH_HISTORY = 50
OBJECT_NAMES = {
    "contacts": "CONTACT",
    "emails": "EMAIL",
    "calls": "CALL",
    "meetings": "MEETING",
    "notes": "NOTE",
    "tasks": "TASK",
}


class BatchErrors:
    """Per-record failures grouped HubSpot's way: one entry per category and message, ids in context."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, category: str, message: str, record_id: str) -> None:
        self._groups[(category, message)].append(record_id)

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._groups.values())

    def render(self) -> list[dict[str, Any]]:
        return [
            {
                "status": "error",
                "category": cat,
                "message": msg,
                "context": {"ids": ids},
                "links": {},
                "errors": [],
            }
            for (cat, msg), ids in self._groups.items()
        ]


class PartialFailures:
    """Which inputs an injected partial failure hits: reproducible from the injector's seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.calls = 0

    def picker(self, fault: Fault | None) -> Any:
        rate = fault.partial_failure_rate if fault is not None else 0.0
        self.calls += 1
        call = self.calls
        return lambda i: bool(rate) and unit_float(self.seed, "hubspot-partial", call, i) < rate


def check_inputs(inputs: Any, *, maximum: int = MAX_INPUTS) -> list[dict[str, Any]]:
    if not isinstance(inputs, list):
        raise HubSpotHTTPError(400, "Invalid input JSON: inputs must be a list")
    if len(inputs) > maximum:
        raise HubSpotHTTPError(
            400, f"Batch input limit exceeded: {len(inputs)} inputs were sent, the maximum is {maximum}."
        )
    return inputs


def check_unique(table: ObjectTable, id_property: str | None) -> None:
    if id_property in (None, "", "hs_object_id"):
        return
    definition = table.registry.get(id_property)
    if definition is None or not definition["hasUniqueValue"]:
        raise HubSpotHTTPError(
            400, f"{id_property} is not a unique property and cannot be used as idProperty"
        )


def respond(
    results: list[dict[str, Any]], errors: BatchErrors, started: str, *, ok_status: int = 200
) -> JSONResponse:
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": format_timestamp(now()),
    }
    if len(errors):
        body["numErrors"] = len(errors)
        body["errors"] = errors.render()
        return JSONResponse(body, status_code=207)
    return JSONResponse(body, status_code=ok_status)


def not_found_message(table: ObjectTable) -> str:
    name = OBJECT_NAMES.get(table.object_type, table.object_type.upper())
    return f"Could not get some {name} objects, they may be deleted or not exist. Check that ids are valid."


TRANSIENT = "The record could not be processed this time (temporary failure); retry it."


def create_router(store: Store, index: AssociationIndex, partial: PartialFailures) -> APIRouter:
    router = APIRouter()

    def fault_of(request: Request) -> Fault | None:
        return getattr(request.state, "fault", None)

    @router.post("/crm/v3/objects/{object_type}/batch/read")
    async def batch_read(object_type: str, request: Request) -> JSONResponse:
        started = format_timestamp(now())
        table = store.table(canonical_type(object_type))
        body = await read_json(request)
        history = list(body.get("propertiesWithHistory") or [])
        inputs = check_inputs(body.get("inputs"), maximum=MAX_INPUTS_WITH_HISTORY if history else MAX_INPUTS)
        id_property = body.get("idProperty")
        check_unique(table, id_property)
        archived = parse_bool(request.query_params.get("archived"))
        fails = partial.picker(fault_of(request))
        errors, found = BatchErrors(), []
        for i, item in enumerate(inputs):
            key = str(item.get("id", ""))
            oid = table.resolve(key, id_property, archived=archived)
            if oid is None:
                errors.add("OBJECT_NOT_FOUND", not_found_message(table), key)
            elif fails(i):
                errors.add("INTERNAL_ERROR", TRANSIENT, key)
            elif oid not in found:
                found.append(oid)
        results = table.render(found, list(body.get("properties") or []) or None, with_history=history)
        return respond(results, errors, started)

    @router.post("/crm/v3/objects/{object_type}/batch/update")
    async def batch_update(object_type: str, request: Request) -> JSONResponse:
        started = format_timestamp(now())
        table = store.table(canonical_type(object_type))
        inputs = check_inputs((await read_json(request)).get("inputs"))
        keys = [str(item.get("id", "")) for item in inputs]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise HubSpotHTTPError(400, f"Duplicate IDs found in batch input: {dupes}. IDs must be unique")
        typed = [table.coerce(item.get("properties") or {}) for item in inputs]  # 400 before any write
        fails = partial.picker(fault_of(request))
        errors, written, props = BatchErrors(), [], set(DEFAULT_PROPERTIES[table.object_type])
        for i, (item, values) in enumerate(zip(inputs, typed, strict=True)):
            check_unique(table, item.get("idProperty"))
            oid = table.resolve(keys[i], item.get("idProperty"))
            if oid is None:
                errors.add("OBJECT_NOT_FOUND", not_found_message(table), keys[i])
                continue
            if fails(i):
                errors.add("INTERNAL_ERROR", TRANSIENT, keys[i])
                continue
            try:
                table.write(oid, values)
            except HubSpotHTTPError as err:
                errors.add(err.category, err.message, keys[i])
                continue
            written.append(oid)
            props.update(item.get("properties") or {})
        return respond(table.render(written, sorted(props)), errors, started)

    @router.post("/crm/v3/objects/{object_type}/batch/upsert")
    async def batch_upsert(object_type: str, request: Request) -> JSONResponse:
        started = format_timestamp(now())
        table = store.table(canonical_type(object_type))
        inputs = check_inputs((await read_json(request)).get("inputs"))
        for item in inputs:
            check_unique(table, item.get("idProperty"))
        typed = [table.coerce(item.get("properties") or {}) for item in inputs]
        fails = partial.picker(fault_of(request))
        errors, results = BatchErrors(), []
        for i, (item, values) in enumerate(zip(inputs, typed, strict=True)):
            key, id_property = str(item.get("id", "")), item.get("idProperty") or "hs_object_id"
            if fails(i):
                errors.add("INTERNAL_ERROR", TRANSIENT, key)
                continue
            oid = table.resolve(key, id_property)
            try:
                if oid is None:
                    if id_property == "hs_object_id":
                        errors.add("OBJECT_NOT_FOUND", not_found_message(table), key)
                        continue
                    oid, new = table.create({**values, id_property: key}), True
                else:
                    table.write(oid, values)
                    new = False
            except HubSpotHTTPError as err:
                errors.add(err.category, err.message, key)
                continue
            props = sorted({*DEFAULT_PROPERTIES[table.object_type], *(item.get("properties") or {})})
            results.append({**table.render([oid], props)[0], "new": new})
        return respond(results, errors, started)

    @router.post("/crm/v3/objects/{object_type}/batch/create")
    async def batch_create(object_type: str, request: Request) -> JSONResponse:
        started = format_timestamp(now())
        table = store.table(canonical_type(object_type))
        inputs = check_inputs((await read_json(request)).get("inputs"))
        typed = [table.coerce(item.get("properties") or {}, creating=True) for item in inputs]
        fails = partial.picker(fault_of(request))
        errors, created = BatchErrors(), []
        for i, (item, values) in enumerate(zip(inputs, typed, strict=True)):
            if fails(i):
                errors.add("INTERNAL_ERROR", TRANSIENT, str(i))
                continue
            try:
                oid = table.create(values)
            except HubSpotHTTPError as err:
                errors.add(err.category, err.message, str(values.get("email") or i))
                continue
            for assoc in item.get("associations") or []:
                link_from_input(table.object_type, oid, assoc, index)
            created.append(oid)
        props = sorted(
            {
                *DEFAULT_PROPERTIES[table.object_type],
                *(k for item in inputs for k in item.get("properties") or {}),
            }
        )
        return respond(table.render(created, props), errors, started, ok_status=201)

    @router.post("/crm/v3/objects/{object_type}/batch/archive", status_code=204)
    async def batch_archive(object_type: str, request: Request) -> Response:
        table = store.table(canonical_type(object_type))
        for item in check_inputs((await read_json(request)).get("inputs")):
            oid = table.find_id(str(item.get("id", "")))
            if oid is not None:
                table.archive(oid)
        return Response(status_code=204)

    return router
