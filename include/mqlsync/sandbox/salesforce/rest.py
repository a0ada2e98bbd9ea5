"""The REST API under `/services/data/v{version}/`: query, queryAll, sObject reads and writes, limits.

Shapes follow what simple-salesforce expects: `update` answers 204 with no body, upsert answers 201
`{id, success, errors, created: true}` or 200 with `created: false`, `nextRecordsUrl` is a path
only, and every error is a JSON list.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mqlsync.sandbox.salesforce import writes
from mqlsync.sandbox.salesforce.describe import describe_object, object_summary
from mqlsync.sandbox.salesforce.errors import RecordError, SalesforceApiError, not_found
from mqlsync.sandbox.salesforce.org import Org, check_version
from mqlsync.sandbox.salesforce.query import batch_size, query_page, run_query

PREFIX = "/services/data/v{version}"


def api_base(version: str) -> str:
    return f"/services/data/v{version}"


async def read_json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except json.JSONDecodeError as err:
        raise SalesforceApiError(
            400,
            "JSON_PARSER_ERROR",
            f"Unexpected character: {err.msg} at [line:{err.lineno}, column:{err.colno}]",
        ) from err


def raise_record_error(outcome: writes.Outcome, status: int = 400) -> None:
    if outcome.error is not None:
        raise outcome.error.as_api_error(
            404 if outcome.error.code == "INVALID_CROSS_REFERENCE_KEY" else status
        )


def create_rest_router(org: Org) -> APIRouter:
    router = APIRouter()

    @router.get("/services/data/")
    @router.get("/services/data")
    async def versions() -> list[dict[str, str]]:
        return [
            {"version": f"{v}.0", "label": f"v{v}", "url": f"/services/data/v{v}.0"} for v in range(59, 63)
        ]

    @router.get(PREFIX + "/query/")
    @router.get(PREFIX + "/queryAll/")
    async def query(version: str, request: Request, q: str = "") -> dict[str, Any]:
        org.authorize(request, version)
        include_deleted = "/queryAll" in request.url.path
        if not q.strip():
            raise SalesforceApiError(400, "MALFORMED_QUERY", "SOQL statement cannot be empty or null")
        result = run_query(org.store, q, include_deleted=include_deleted)
        result.api_base = api_base(version)
        size = batch_size(request.headers.get("sforce-query-options"))
        return query_page(
            org.cursors, result, 0, size, locator=None, endpoint="queryAll" if include_deleted else "query"
        )

    @router.get(PREFIX + "/query/{locator}")
    @router.get(PREFIX + "/queryAll/{locator}")
    async def query_more(version: str, locator: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        cursor, _, start = locator.rpartition("-")
        if not cursor or not start.isdigit():
            raise SalesforceApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        result = org.cursors.get(cursor)
        size = batch_size(request.headers.get("sforce-query-options"))
        endpoint = "queryAll" if "/queryAll/" in request.url.path else "query"
        return query_page(org.cursors, result, int(start), size, locator=cursor, endpoint=endpoint)

    @router.get(PREFIX + "/limits/")
    @router.get(PREFIX + "/limits")
    async def limits(version: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        return org.usage.limits_body()

    @router.get(PREFIX + "/sobjects/")
    @router.get(PREFIX + "/sobjects")
    async def describe_global(version: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        objects = [object_summary(t, api_base(version)) for t in org.store.tables.values()]
        return {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": objects}

    @router.get(PREFIX + "/sobjects/{name}/describe")
    @router.get(PREFIX + "/sobjects/{name}/describe/")
    async def describe(version: str, name: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        return describe_object(org.table(name), api_base(version))

    @router.get(PREFIX + "/sobjects/{name}")
    @router.get(PREFIX + "/sobjects/{name}/")
    async def object_info(version: str, name: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        return {"objectDescribe": object_summary(org.table(name), api_base(version)), "recentItems": []}

    @router.get(PREFIX + "/sobjects/{name}/deleted/")
    async def deleted(version: str, name: str, request: Request, start: str, end: str) -> dict[str, Any]:
        org.authorize(request, version)
        table = org.table(name)
        lo, hi = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
        with org.store.lock:
            stamp = table.df["SystemModstamp"]
            hit = table.df.index[(~table.live_mask()) & (stamp >= lo).to_numpy() & (stamp <= hi).to_numpy()]
            dates = stamp.loc[hit].dt.strftime("%Y-%m-%dT%H:%M:%S.000+0000").tolist()
        return {
            "deletedRecords": [{"id": i, "deletedDate": d} for i, d in zip(hit.tolist(), dates, strict=True)],
            "earliestDateAvailable": "2020-01-01T00:00:00.000+0000",
            "latestDateCovered": hi.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        }

    @router.get(PREFIX + "/sobjects/{name}/updated/")
    async def updated(version: str, name: str, request: Request, start: str, end: str) -> dict[str, Any]:
        org.authorize(request, version)
        table = org.table(name)
        lo, hi = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
        with org.store.lock:
            stamp = table.df["SystemModstamp"]
            hit = table.df.index[table.live_mask() & (stamp >= lo).to_numpy() & (stamp <= hi).to_numpy()]
        return {"ids": hit.tolist(), "latestDateCovered": hi.strftime("%Y-%m-%dT%H:%M:%S.000+0000")}

    @router.get(PREFIX + "/sobjects/{name}/{record_id}")
    async def get_record(
        version: str, name: str, record_id: str, request: Request, fields: str | None = None
    ) -> dict[str, Any]:
        org.authorize(request, version)
        table = org.table(name)
        try:
            writes.check_id(table, record_id)
        except RecordError as err:
            raise not_found() from err
        with org.store.lock:
            pos = table.positions([record_id])
            if pos[0] < 0 or not table.live_mask()[pos[0]]:
                raise not_found()
            names = [n.strip() for n in fields.split(",")] if fields else list(table.fields)
            specs = [table.field(n) for n in names]
            bad = [n for n, s in zip(names, specs, strict=True) if s is None]
            if bad:
                raise SalesforceApiError(
                    400, "INVALID_FIELD", f"No such column '{bad[0]}' on sobject of type {table.name}"
                )
            row = table.render_rows(pos, [s.name for s in specs if s is not None])[0]
        return {
            "attributes": {
                "type": table.name,
                "url": f"{api_base(version)}/sobjects/{table.name}/{row.get('Id', record_id)}",
            },
            **row,
        }

    @router.post(PREFIX + "/sobjects/{name}")
    @router.post(PREFIX + "/sobjects/{name}/")
    async def create(version: str, name: str, request: Request) -> Response:
        org.authorize(request, version)
        body = await read_json(request)
        if not isinstance(body, dict):
            raise SalesforceApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject")
        body.pop("attributes", None)
        outcome = writes.insert_records(org.store, org.table(name), [body])[0]
        raise_record_error(outcome)
        return JSONResponse({"id": outcome.id, "success": True, "errors": []}, status_code=201)

    @router.patch(PREFIX + "/sobjects/{name}/{record_id}")
    async def update(version: str, name: str, record_id: str, request: Request) -> Response:
        org.authorize(request, version)
        table = org.table(name)
        body = await read_json(request)
        if not isinstance(body, dict):
            raise SalesforceApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject")
        body.pop("attributes", None)
        try:
            writes.check_id(table, record_id)
        except RecordError as err:
            raise not_found() from err
        outcome = writes.update_records(
            org.store, table, [(record_id, body)], inject=org.partial_failures(request)
        )[0]
        raise_record_error(outcome)
        return Response(status_code=204)

    @router.delete(PREFIX + "/sobjects/{name}/{record_id}")
    async def delete(version: str, name: str, record_id: str, request: Request) -> Response:
        org.authorize(request, version)
        outcome = writes.delete_records(org.store, org.table(name), [record_id])[0]
        raise_record_error(outcome)
        return Response(status_code=204)

    @router.patch(PREFIX + "/sobjects/{name}/{field}/{value:path}")
    async def upsert(version: str, name: str, field: str, value: str, request: Request) -> Response:
        org.authorize(request, version)
        table = org.table(name)
        body = await read_json(request)
        if not isinstance(body, dict):
            raise SalesforceApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject")
        body.pop("attributes", None)
        try:
            outcome = writes.upsert_records(org.store, table, field, [(value, body)])[0]
        except RecordError as err:
            raise err.as_api_error(404) from err
        if outcome.error is not None and outcome.error.code == "DUPLICATE_EXTERNAL_ID":
            return _multiple_choices(org, table.name, field, value, version)
        raise_record_error(outcome)
        status = 201 if outcome.created else 200
        return JSONResponse(
            {"id": outcome.id, "success": True, "errors": [], "created": outcome.created}, status_code=status
        )

    return router


def _multiple_choices(org: Org, object_name: str, field: str, value: str, version: str) -> Response:
    table = org.table(object_name)
    spec = table.field(field)
    assert spec is not None
    column = table.column(spec.name).str.lower()
    ids = table.df.index[(column == value.lower()).to_numpy(dtype=bool, na_value=False)].tolist()
    check_version(version)
    return JSONResponse([f"{api_base(version)}/sobjects/{object_name}/{i}" for i in ids], status_code=300)
