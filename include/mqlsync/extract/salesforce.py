"""Salesforce objects -> raw landing, incrementally by their cursor field (SystemModstamp).

One task per Salesforce object of the object table (`extract/objects.py`); every one is read the
same way, by SOQL on its cursor:

1. `describe` gives the field list; compound fields (`Address`, `MailingAddress`, geolocations) are
   never selected, their components are (Bulk refuses them and REST would nest them).
2. `SELECT COUNT()` over `queryAll` for `SystemModstamp >= lower AND SystemModstamp < end` picks the
   path: REST `queryAll` pages (2,000 rows a call) up to `bulk_threshold` rows, a Bulk API 2.0
   `queryAll` job above it. `queryAll` in both, so deleted rows (`IsDeleted`) and merged-away rows
   (`MasterRecordId`) are landed too.
3. REST pages are ordered by `SystemModstamp, Id`, so when the API budget stops the task the landed
   rows are a prefix in cursor order and their last SystemModstamp is a safe (inclusive) watermark.
   Bulk results are unordered: a Bulk pull stopped half-way lands what it got and moves no watermark.
   So Bulk is only chosen when the budget left can finish the job (`bulk_calls_needed`); with less,
   the task reads REST in cursor order (`mode="rest-budget"`): it stops at the same budget, but
   what it landed moves the watermark and the next run continues instead of starting over.

Failures: 429/5xx/dropped connections are retried per call (a dropped page is fetched again from the
same `nextRecordsUrl` / locator); an expired session logs in again when the connection has a login,
and otherwise fails with a CrmTerminalError saying so. `QUERY_TIMEOUT` and `REQUEST_LIMIT_EXCEEDED`
fail the task loudly (CrmTerminalError): a run never reports success with rows missing.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from simple_salesforce import Salesforce

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.calls import CrmCaller, RetrySettings
from mqlsync.crm.salesforce import SalesforceCalls
from mqlsync.errors import BudgetExhaustedError, CrmTerminalError
from mqlsync.extract.landing import Landing, LandingWriter
from mqlsync.extract.objects import crm_object
from mqlsync.extract.windows import ExtractResult, ExtractWindow, iso_ms, parse_instant, soql_datetime

SYSTEM = "salesforce"
COMPOUND_TYPES = {"address", "location"}


class SalesforceExtractConfig(BaseModel):
    """Knobs of the Salesforce pull. `bulk_threshold` follows Salesforce's guidance to use Bulk
    API 2.0 for result sets above 2,000 records (one REST page holds 2,000)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bulk_threshold: int = Field(default=2_000, ge=0)
    page_size: int = Field(default=2_000, ge=200, le=2_000)
    bulk_page_size: int = Field(default=50_000, ge=1)
    bulk_poll_seconds: float = Field(default=1.0, gt=0)
    bulk_timeout_seconds: float = Field(default=3_600, gt=0)
    bulk_poll_reserve: int = Field(default=10, ge=0)
    relationship_fields: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="parent fields per object, replacing the object table's `parent_fields`",
    )
    exclude_fields: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    retries: int = Field(default=8, ge=0)
    retry_wait: float = Field(default=0.5, ge=0)
    retry_wait_max: float = Field(default=8.0, ge=0)
    part_rows: int = Field(default=50_000, ge=1)


def extract_salesforce(
    sf: Salesforce,
    object_name: str,
    *,
    window: ExtractWindow,
    landing: Landing,
    budget: ApiBudget,
    config: SalesforceExtractConfig | None = None,
) -> ExtractResult:
    """Land one object's records changed in `window` (all of them on a full pull).

    Returns the ExtractResult also written as the landing's manifest. A landing that already has a
    manifest (a retried task) is returned as is, without calling Salesforce.
    """
    config = config or SalesforceExtractConfig()
    cursor = crm_object(SYSTEM, object_name).cursor  # unknown objects: a terminal error naming the known ones
    done = landing.manifest(SYSTEM, object_name)
    if done is not None:
        return ExtractResult.from_dict(done)
    calls_before = budget.calls
    caller = _Caller(sf, budget, config, object_name)
    pull = _Pull(object_name, cursor)
    writer: LandingWriter | None = None
    complete, mode = True, "rest"
    try:
        fields = select_fields(caller.describe(), object_name, config)
        writer = landing.writer(SYSTEM, object_name, fields)
        writer.part_rows = config.part_rows
        where = where_clause(window, cursor)
        count = caller.count(f"SELECT COUNT() FROM {object_name}{where}")
        left = calls_left(budget)
        if count > config.bulk_threshold and left is not None and left < bulk_calls_needed(count, config):
            mode = "rest-budget"
        if count > config.bulk_threshold and mode != "rest-budget":
            mode = "bulk"
            rows = caller.bulk_rows(object_name, f"SELECT {', '.join(fields)} FROM {object_name}{where}")
        else:
            soql = f"SELECT {', '.join(fields)} FROM {object_name}{where} ORDER BY {cursor} ASC, Id ASC"
            rows = caller.rest_rows(soql)
        for row in rows:
            pull.add(row)
            writer.write_rows([row])
    except BudgetExhaustedError:
        complete = False
        if writer is None:
            writer = landing.writer(SYSTEM, object_name, ["Id", cursor])
    result = ExtractResult(
        system=SYSTEM,
        object=object_name,
        landing_dir=str(writer.path),
        rows=pull.rows,
        deleted=pull.deleted,
        merged=pull.merged,
        calls=budget.calls - calls_before,
        complete=complete,
        new_watermark=pull.watermark(complete=complete, ordered=mode != "bulk"),
        tie_break_id=pull.last_id if not complete and mode != "bulk" else None,
        mode=mode,
    )
    manifest = writer.finish({**result.to_dict(), "budget": budget.to_dict()})
    return ExtractResult.from_dict({**result.to_dict(), "parts": len(manifest["files"])})


def bulk_calls_needed(count: int, config: SalesforceExtractConfig) -> int:
    """Calls a Bulk 2.0 query of `count` rows takes: create, polls (reserve), one per result page."""
    return 1 + config.bulk_poll_reserve + -(-count // config.bulk_page_size)


def calls_left(budget: ApiBudget) -> int | None:
    """Calls the budget still allows (the tighter of `max_calls` and the daily share), None if unbounded."""
    limits = []
    if budget.max_calls is not None:
        limits.append(budget.max_calls - budget.calls)
    if budget.share_of_daily is not None and budget.daily_used is not None and budget.daily_total:
        limits.append(int(budget.daily_total * budget.share_of_daily) - budget.daily_used)
    return max(0, min(limits)) if limits else None


# ---- query building --------------------------------------------------------------------------
def select_fields(describe: dict[str, Any], object_name: str, config: SalesforceExtractConfig) -> list[str]:
    """Every non-compound field in describe order, then the configured parent fields."""
    excluded = set(config.exclude_fields.get(object_name, ()))
    names = [
        f["name"]
        for f in describe.get("fields", [])
        if f.get("type") not in COMPOUND_TYPES and f["name"] not in excluded
    ]
    cursor = crm_object(SYSTEM, object_name).cursor
    missing = [n for n in ("Id", cursor, "IsDeleted") if n not in names]
    if missing:
        raise CrmTerminalError(
            f"Salesforce {object_name} describe lacks {', '.join(missing)}; cannot extract incrementally",
            system=SYSTEM,
            object=object_name,
        )
    parents = config.relationship_fields.get(object_name, crm_object(SYSTEM, object_name).parent_fields)
    return names + [f for f in parents if f not in names]


def where_clause(window: ExtractWindow, cursor: str) -> str:
    """`cursor >= lower AND cursor < end` (whole seconds: the lower bound floors,
    so it only widens the overlap; the end floors too, and the rest is the next run's)."""
    parts = []
    if window.lower is not None:
        parts.append(f"{cursor} >= {soql_datetime(window.lower)}")
    parts.append(f"{cursor} < {soql_datetime(window.end)}")
    return " WHERE " + " AND ".join(parts)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A REST record without `attributes`, parent objects flattened to `Campaign.Type` keys."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


class _Pull:
    """Running counts and the cursor of what has been landed."""

    def __init__(self, object_name: str, cursor: str) -> None:
        self.object_name = object_name
        self.cursor = cursor
        self.rows = self.deleted = self.merged = 0
        self.max_stamp: datetime | None = None
        self.last_stamp: datetime | None = None
        self.last_id: str | None = None

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if str(row.get("IsDeleted")).lower() == "true" or row.get("IsDeleted") is True:
            self.deleted += 1
        if row.get("MasterRecordId"):
            self.merged += 1
        stamp = row.get(self.cursor)
        if stamp:
            value = parse_instant(str(stamp))
            self.last_stamp, self.last_id = value, row.get("Id")
            if self.max_stamp is None or value > self.max_stamp:
                self.max_stamp = value

    def watermark(self, *, complete: bool, ordered: bool) -> str | None:
        if complete:
            return iso_ms(self.max_stamp) if self.max_stamp else None
        if ordered and self.last_stamp is not None:
            return iso_ms(self.last_stamp)
        return None


# ---- calls -----------------------------------------------------------------------------------
class _Caller:
    """The reads of one task; every call goes through `crm.calls.CrmCaller` (budget, retries, errors)."""

    def __init__(self, sf: Salesforce, budget: ApiBudget, config: SalesforceExtractConfig, obj: str) -> None:
        self.sf = sf
        self.budget = budget
        self.config = config
        self.object_name = obj
        retry = RetrySettings(retries=config.retries, wait=config.retry_wait, wait_max=config.retry_wait_max)
        self.calls = CrmCaller(SalesforceCalls(sf), budget, retry=retry, object_name=obj)

    def _terminal(self, message: str, code: str) -> CrmTerminalError:
        return CrmTerminalError(
            f"Salesforce {self.object_name}: {message}", system=SYSTEM, object=self.object_name, code=code
        )

    def describe(self) -> dict[str, Any]:
        name = self.object_name
        return self.calls.call("describe", lambda sf: sf.restful(f"sobjects/{name}/describe"))

    def count(self, soql: str) -> int:
        return int(self.calls.call("queryAll", lambda sf: sf.query(soql, include_deleted=True))["totalSize"])

    def rest_rows(self, soql: str) -> Iterator[dict[str, Any]]:
        headers = {"Sforce-Query-Options": f"batchSize={self.config.page_size}"}
        page = self.calls.call("queryAll", lambda sf: sf.query(soql, include_deleted=True, headers=headers))
        while True:
            for record in page.get("records", []):
                yield flatten(record)
            next_url = page.get("nextRecordsUrl")
            if page.get("done", True) or not next_url:
                return
            page = self.calls.call(
                "queryAll more",
                lambda sf, url=next_url: sf.query_more(
                    url, identifier_is_url=True, include_deleted=True, headers=headers
                ),
            )

    def bulk_rows(self, object_name: str, soql: str) -> Iterator[dict[str, Any]]:
        from simple_salesforce.bulk2 import JobState, Operation

        def client(sf: Salesforce) -> Any:  # fresh each time: it carries the session id, which may be renewed
            return getattr(sf.bulk2, object_name)._client

        job = self.calls.call("bulk2 create", lambda sf: client(sf).create_job(Operation.query_all, soql))
        job_id = job["id"]
        deadline = time.monotonic() + self.config.bulk_timeout_seconds
        state = job.get("state")
        while state != JobState.job_complete:
            if state in (JobState.failed, JobState.aborted):
                info = job.get("errorMessage") or state
                raise self._terminal(f"Bulk query job {job_id} ended {state}: {info}", "BULK_JOB_FAILED")
            if time.monotonic() > deadline:
                raise self._terminal(
                    f"Bulk query job {job_id} not complete after {self.config.bulk_timeout_seconds:.0f} s",
                    "QUERY_TIMEOUT",
                )
            time.sleep(self.config.bulk_poll_seconds)
            job = self.calls.call("bulk2 poll", lambda sf: client(sf).get_job(job_id, True))
            state = job.get("state")
        locator = ""
        while True:
            page = self.calls.call(
                "bulk2 results",
                lambda sf, loc=locator: client(sf).get_query_results(job_id, loc, self.config.bulk_page_size),
            )
            reader = csv.DictReader(io.StringIO(page["records"]))
            for row in reader:
                yield {k: (v if v != "" else None) for k, v in row.items()}
            locator = page["locator"]
            if not locator:
                return
