"""Bulk API 2.0 ingest and query jobs, exactly as `sf.bulk2` drives them.

Ingest: create (state Open) -> PUT CSV (201) -> PATCH UploadComplete -> poll (InProgress, then
JobComplete) -> successfulResults / failedResults / unprocessedrecords as CSV (paths matched
case-insensitively: the client asks for `unprocessedRecords`). CSV is read by header name because the
client's column order comes from a Python set; an empty cell leaves a field alone and `#N/A` clears it.

Query: create -> poll -> results pages of `maxRecords` rows, each with its own CSV header, the
mandatory `Sforce-NumberOfRecords` and an `Sforce-Locator` that is "null" on the last page. Pages are
streamed in chunks, so a query over every lead never builds one giant body.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from mqlsync.sandbox.salesforce import writes
from mqlsync.sandbox.salesforce.errors import SalesforceApiError
from mqlsync.sandbox.salesforce.org import Org
from mqlsync.sandbox.salesforce.query import QueryResult, run_query
from mqlsync.sandbox.salesforce.rest import PREFIX, read_json

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
DEFAULT_MAX_RECORDS = 50_000
_ids = itertools.count(1)


@dataclass
class IngestJob:
    id: str
    object: str
    operation: str
    external_id: str | None
    version: str
    created: str
    state: str = "Open"
    data: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    succeeded: list[list[str]] = field(default_factory=list)
    failed: list[list[str]] = field(default_factory=list)
    error_message: str | None = None
    polls: int = 0

    def info(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": "005SB0000000001AAA",
            "createdDate": self.created,
            "systemModstamp": self.created,
            "state": self.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.version),
            "jobType": "V2Ingest",
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
            "contentUrl": f"services/data/v{self.version}/jobs/ingest/{self.id}/batches",
            "numberRecordsProcessed": len(self.succeeded) + len(self.failed),
            "numberRecordsFailed": len(self.failed),
            "retries": 0,
            "totalProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "apexProcessingTime": 0,
        }
        if self.external_id:
            body["externalIdFieldName"] = self.external_id
        if self.error_message:
            body["errorMessage"] = self.error_message
        return body


@dataclass
class QueryJob:
    id: str
    operation: str
    soql: str
    version: str
    created: str
    result: QueryResult
    polls: int = 0

    def info(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "object": self.result.table.name,
            "createdById": "005SB0000000001AAA",
            "createdDate": self.created,
            "systemModstamp": self.created,
            "state": "UploadComplete" if self.polls == 0 else "JobComplete",
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.version),
            "jobType": "V2Query",
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
            "numberRecordsProcessed": self.result.total,
            "retries": 0,
            "totalProcessingTime": 0,
            "query": self.soql,
        }


def _stamp(org: Org) -> str:
    return org.store.clock().strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _job(org: Org, job_id: str, kind: type) -> Any:
    job = org.jobs.get(job_id)
    if not isinstance(job, kind):
        raise SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist")
    return job


def create_bulk2_router(org: Org) -> APIRouter:
    router = APIRouter()

    @router.post(PREFIX + "/jobs/ingest")
    @router.post(PREFIX + "/jobs/ingest/")
    async def create_ingest(version: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        body = await read_json(request) or {}
        operation = body.get("operation")
        if operation not in OPERATIONS:
            raise SalesforceApiError(400, "INVALIDJOB", f"Invalid operation: {operation}")
        table = org.table(str(body.get("object")))
        external = body.get("externalIdFieldName")
        if operation == "upsert" and not external:
            raise SalesforceApiError(400, "INVALIDJOB", "External ID was blank for upsert")
        job = IngestJob(f"750SB{next(_ids):013d}", table.name, operation, external, version, _stamp(org))
        org.jobs[job.id] = job
        return job.info()

    @router.put(PREFIX + "/jobs/ingest/{job_id}/batches")
    @router.put(PREFIX + "/jobs/ingest/{job_id}/batches/")
    async def upload(version: str, job_id: str, request: Request) -> Response:
        org.authorize(request, version)
        job = _job(org, job_id, IngestJob)
        if job.state != "Open":
            raise SalesforceApiError(409, "INVALIDJOBSTATE", f"Job {job_id} is not open for data upload")
        job.data.append((await request.body()).decode("utf-8").replace("\x00", ""))
        return Response(status_code=201)

    @router.patch(PREFIX + "/jobs/ingest/{job_id}")
    @router.patch(PREFIX + "/jobs/query/{job_id}")
    async def change_state(version: str, job_id: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        state = (await read_json(request) or {}).get("state")
        job = org.jobs.get(job_id)
        if job is None:
            raise SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist")
        if isinstance(job, QueryJob):
            return {**job.info(), "state": "Aborted"}
        if state == "Aborted" and job.state in ("Open", "UploadComplete", "InProgress"):
            job.state = "Aborted"
        elif state == "UploadComplete" and job.state == "Open":
            job.state = "UploadComplete"
            process_ingest(org, job, org.partial_failures(request))
            return {**job.info(), "state": "UploadComplete"}
        elif state not in ("Aborted", "UploadComplete"):
            raise SalesforceApiError(400, "INVALIDJOBSTATE", f"Invalid state: {state}")
        return job.info()

    @router.get(PREFIX + "/jobs/ingest/{job_id}")
    async def ingest_info(version: str, job_id: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        job = _job(org, job_id, IngestJob)
        info = job.info()
        if job.state in ("JobComplete", "Failed") and job.polls == 0:
            job.polls += 1
            info["state"] = "InProgress"
        return info

    @router.get(PREFIX + "/jobs/ingest/{job_id}/{kind}")
    async def ingest_results(version: str, job_id: str, kind: str, request: Request) -> Response:
        org.authorize(request, version)
        job = _job(org, job_id, IngestJob)
        kind = kind.lower().rstrip("/")
        if kind == "successfulresults":
            rows, prefix = job.succeeded, ["sf__Id", "sf__Created"]
        elif kind == "failedresults":
            rows, prefix = job.failed, ["sf__Id", "sf__Error"]
        elif kind == "unprocessedrecords":
            rows, prefix = [], []
        else:
            raise SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist")
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(prefix + job.header)
        writer.writerows(rows)
        return Response(out.getvalue(), media_type="text/csv")

    @router.delete(PREFIX + "/jobs/ingest/{job_id}")
    @router.delete(PREFIX + "/jobs/query/{job_id}")
    async def delete_job(version: str, job_id: str, request: Request) -> Response:
        org.authorize(request, version)
        if org.jobs.pop(job_id, None) is None:
            raise SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist")
        return Response(status_code=204)

    @router.post(PREFIX + "/jobs/query")
    @router.post(PREFIX + "/jobs/query/")
    async def create_query(version: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        body = await read_json(request) or {}
        operation = body.get("operation", "query")
        if operation not in ("query", "queryAll"):
            raise SalesforceApiError(400, "INVALIDJOB", f"Invalid operation: {operation}")
        org.usage.bulk_query_jobs += 1
        result = run_query(
            org.store, str(body.get("query", "")), include_deleted=operation == "queryAll", bulk=True
        )
        job = QueryJob(
            f"750SB{next(_ids):013d}", operation, str(body.get("query")), version, _stamp(org), result
        )
        org.jobs[job.id] = job
        return job.info()

    @router.get(PREFIX + "/jobs/query/{job_id}")
    async def query_info(version: str, job_id: str, request: Request) -> dict[str, Any]:
        org.authorize(request, version)
        job = _job(org, job_id, QueryJob)
        info = job.info()
        job.polls += 1
        return {**info, "state": "JobComplete"}

    @router.get(PREFIX + "/jobs/query/{job_id}/results")
    async def query_results(
        version: str,
        job_id: str,
        request: Request,
        maxRecords: int | None = None,  # noqa: N803
        locator: str | None = None,
    ) -> Response:
        org.authorize(request, version)
        job = _job(org, job_id, QueryJob)
        start = _decode_locator(locator)
        size = maxRecords if maxRecords and maxRecords > 0 else DEFAULT_MAX_RECORDS
        stop = min(start + size, job.result.total)
        next_locator = _encode_locator(stop) if stop < job.result.total else "null"
        headers = {"Sforce-NumberOfRecords": str(stop - start), "Sforce-Locator": next_locator}
        return StreamingResponse(job.result.csv_page(start, stop), media_type="text/csv", headers=headers)

    return router


def _encode_locator(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def _decode_locator(locator: str | None) -> int:
    if not locator or locator == "null":
        return 0
    try:
        return int(base64.urlsafe_b64decode(locator.encode()).decode())
    except ValueError as err:
        raise SalesforceApiError(400, "INVALID_LOCATOR", "invalid locator") from err


def process_ingest(org: Org, job: IngestJob, inject: Any) -> None:
    """Apply the uploaded CSV; per-row outcomes go to the job's success and failure lists."""
    rows: list[dict[str, str]] = []
    for chunk in job.data:
        reader = csv.DictReader(io.StringIO(chunk))
        job.header = job.header or list(reader.fieldnames or [])
        rows.extend(reader)
    table = org.table(job.object)
    unknown = [h for h in job.header if table.field(h) is None]
    if unknown:
        job.state, job.error_message = "Failed", f"InvalidBatch : Field name not found : {unknown[0]}"
        return
    key = (
        table.field(job.external_id).name
        if job.external_id and table.field(job.external_id)
        else job.external_id
    )

    def values(row: dict[str, str], drop: str | None) -> dict[str, Any]:
        return {
            k: (None if v == "#N/A" else v) for k, v in row.items() if k != drop and k is not None and v != ""
        }

    if job.operation == "update":
        items = [(row.get("Id") or None, values(row, "Id")) for row in rows]
        outcomes = writes.update_records(org.store, table, items, inject=inject)
    elif job.operation == "insert":
        outcomes = writes.insert_records(org.store, table, [values(row, None) for row in rows])
    elif job.operation == "upsert":
        outcomes = writes.upsert_records(
            org.store, table, str(key), [(row.get(str(key)), values(row, str(key))) for row in rows]
        )
    else:
        outcomes = writes.delete_records(org.store, table, [row.get("Id") for row in rows])
    for row, outcome in zip(rows, outcomes, strict=True):
        original = [row.get(h, "") for h in job.header]
        if outcome.error is None:
            job.succeeded.append([outcome.id or "", "true" if outcome.created else "false", *original])
        else:
            error = outcome.error
            if job.operation in ("update", "delete") and not row.get("Id"):
                error = type(error)("MISSING_ARGUMENT", f"Id not specified in an {job.operation} call", [])
            job.failed.append([outcome.id or "", error.bulk_error(), *original])
    job.state = "JobComplete"
