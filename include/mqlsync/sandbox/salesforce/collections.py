"""sObject Collections (`composite/sobjects`) and the Tooling call that creates a custom field.

Collections answer 200 with one SaveResult per record in request order, errors under `statusCode`;
at most 200 records; `allOrNone` rolls everything back with ALL_OR_NONE_OPERATION_ROLLED_BACK on the
records that were themselves fine. simple-salesforce has no method for them: callers use
`sf.restful("composite/sobjects", method="PATCH", json=...)`.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mqlsync.sandbox.salesforce import writes
from mqlsync.sandbox.salesforce.errors import RecordError, SalesforceApiError
from mqlsync.sandbox.salesforce.org import Org
from mqlsync.sandbox.salesforce.rest import PREFIX, read_json
from mqlsync.sandbox.salesforce.schema import FieldSpec

MAX_RECORDS = 200
ROLLED_BACK = RecordError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone header",
)
_TOOLING_TYPES = {
    "Text": "string",
    "TextArea": "textarea",
    "LongTextArea": "textarea",
    "Email": "email",
    "Phone": "phone",
    "Url": "url",
    "Number": "double",
    "Currency": "currency",
    "Percent": "percent",
    "Checkbox": "boolean",
    "Date": "date",
    "DateTime": "datetime",
    "Picklist": "picklist",
    "MultiselectPicklist": "multipicklist",
}


def save_result(outcome: writes.Outcome, *, upsert: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {"success": outcome.success, "errors": []}
    if outcome.id is not None and outcome.success:
        result = {"id": outcome.id, **result}
    if outcome.error is not None:
        result["errors"] = [outcome.error.save_error()]
    if upsert and outcome.success:
        result["created"] = outcome.created
    return result


def _records(body: Any) -> tuple[list[dict[str, Any]], bool]:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise SalesforceApiError(400, "JSON_PARSER_ERROR", "The request body must hold a records array")
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise SalesforceApiError(
            400,
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot submit more than {MAX_RECORDS} records into this call",
        )
    return records, bool(body.get("allOrNone", False))


def _roll_back(outcomes: list[writes.Outcome]) -> list[writes.Outcome]:
    return [o if not o.success else writes.Outcome(None, ROLLED_BACK) for o in outcomes]


def create_collections_router(org: Org) -> APIRouter:
    router = APIRouter()

    @router.patch(PREFIX + "/composite/sobjects")
    @router.patch(PREFIX + "/composite/sobjects/")
    async def update_collection(version: str, request: Request) -> list[dict[str, Any]]:
        org.authorize(request, version)
        records, all_or_none = _records(await read_json(request))
        inject = org.partial_failures(request)
        groups: dict[str, list[int]] = {}
        outcomes: list[writes.Outcome | None] = [None] * len(records)
        for i, record in enumerate(records):
            kind = (record.get("attributes") or {}).get("type") if isinstance(record, dict) else None
            if not kind or org.store.table(kind) is None:
                outcomes[i] = writes.Outcome(
                    None, RecordError("INVALID_TYPE", "Must send a concrete entity type.")
                )
            else:
                groups.setdefault(kind, []).append(i)

        def run(commit: bool) -> None:
            for kind, indexes in groups.items():
                items = [(records[i].get("id"), _values(records[i])) for i in indexes]
                results = writes.update_records(
                    org.store, org.table(kind), items, commit=commit, inject=inject
                )
                for i, outcome in zip(indexes, results, strict=True):
                    outcomes[i] = outcome

        with org.store.lock:
            run(commit=not all_or_none)
            if all_or_none:
                if all(o is not None and o.success for o in outcomes):
                    run(commit=True)
                else:
                    outcomes[:] = _roll_back([o for o in outcomes if o is not None])
        return [save_result(o) for o in outcomes if o is not None]

    @router.patch(PREFIX + "/composite/sobjects/{name}/{field}")
    async def upsert_collection(
        version: str, name: str, field: str, request: Request
    ) -> list[dict[str, Any]]:
        org.authorize(request, version)
        records, all_or_none = _records(await read_json(request))
        table = org.table(name)
        spec = table.field(field)
        items = [
            (r.get(spec.name if spec else field), _values(r, drop=spec.name if spec else field))
            for r in records
        ]
        try:
            with org.store.lock:
                if all_or_none:
                    check = [
                        writes.Outcome(
                            None, RecordError("MISSING_ARGUMENT", f"{field} not specified", [field])
                        )
                        if key in (None, "")
                        else writes.Outcome(None)
                        for key, _ in items
                    ]
                    if any(not o.success for o in check):
                        return [save_result(o) for o in _roll_back(check)]
                outcomes = writes.upsert_records(org.store, table, field, items)
        except RecordError as err:
            raise err.as_api_error() from err
        return [save_result(o, upsert=True) for o in outcomes]

    @router.post(PREFIX + "/composite/sobjects")
    @router.post(PREFIX + "/composite/sobjects/")
    async def create_collection(version: str, request: Request) -> list[dict[str, Any]]:
        org.authorize(request, version)
        records, _ = _records(await read_json(request))
        outcomes = []
        for record in records:
            kind = (record.get("attributes") or {}).get("type")
            outcomes.extend(writes.insert_records(org.store, org.table(str(kind)), [_values(record)]))
        return [save_result(o) for o in outcomes]

    @router.post(PREFIX + "/tooling/sobjects/CustomField")
    @router.post(PREFIX + "/tooling/sobjects/CustomField/")
    async def create_custom_field(version: str, request: Request) -> Response:
        org.authorize(request, version)
        body = await read_json(request)
        full_name = str((body or {}).get("FullName", ""))
        metadata = (body or {}).get("Metadata") or {}
        object_name, _, field_name = full_name.partition(".")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*__c", field_name):
            raise SalesforceApiError(400, "INVALID_FIELD", f"Invalid field name: {full_name}")
        table = org.table(object_name)
        if table.field(field_name) is not None:
            raise SalesforceApiError(
                400,
                "DUPLICATE_DEVELOPER_NAME",
                "This field name is already in use. Please choose another name.",
            )
        ftype = _TOOLING_TYPES.get(str(metadata.get("type")))
        if ftype is None:
            raise SalesforceApiError(
                400, "FIELD_INTEGRITY_EXCEPTION", f"Invalid type: {metadata.get('type')}"
            )
        values = (((metadata.get("valueSet") or {}).get("valueSetDefinition") or {}).get("value")) or []
        spec = FieldSpec(
            field_name,
            ftype,
            str(metadata.get("label") or field_name),
            custom=True,
            length=int(metadata.get("length") or (255 if ftype in ("string", "email", "picklist") else 0)),
            external_id=bool(metadata.get("externalId", False)),
            picklist_values=tuple(
                str(v.get("fullName") or v.get("label")) for v in values if isinstance(v, dict)
            ),
        )
        with org.store.lock:
            table.add_field(spec)
        return JSONResponse(
            {
                "id": f"00NSB{len(table.fields):013d}",
                "success": True,
                "errors": [],
                "warnings": [],
                "infos": [],
            },
            status_code=201,
        )

    return router


def _values(record: dict[str, Any], drop: str | None = None) -> dict[str, Any]:
    skip = {"attributes", "id", "Id"} | ({drop} if drop else set())
    return {k: v for k, v in record.items() if k not in skip}
