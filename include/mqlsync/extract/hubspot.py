"""HubSpot contacts and engagement signals -> raw landing.

Objects (see docs/extract.md for why these signals):

- `contacts`: CRM search on `lastmodifieddate` (`hs_lastmodifieddate` misses contacts), 200 a call,
  in `[lower, end)`; archived contacts from the list API with `archived=true` (search never returns
  them); merged contacts through the survivor's `hs_merged_object_ids`.
- `form_submissions`: every version of `recent_conversion_event_name` (one per form submission,
  `sourceType: FORM`, `sourceId` the form) of the contacts with conversions changed in the window,
  read by batch with `propertiesWithHistory` (50 a call).
- `web_events`: the web-analytics events API (page views, email opens and clicks, downloads) by
  `occurredAt`, sorted ascending, so a budget-stopped read still has a safe watermark.
- `emails`, `calls`, `meetings`: sales engagements (first sales touch), by CRM search on
  `hs_lastmodifieddate` exactly like contacts (200 a call, split windows, keyset), then their
  contacts by v4 batch association read (`/crm/v4/associations/{type}/contacts/batch/read`, up to
  1,000 engagements a call).

Search paging past the 10,000-result cap (split windows, keyset, `hs_object_id` tie-break) is in
`hubspot_search`; every call is paced, budgeted and retried by `hubspot_calls.HubSpotCaller`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.hubspot import HubSpotConnection
from mqlsync.errors import BudgetExhaustedError
from mqlsync.extract.hubspot_calls import SYSTEM, HubSpotCaller
from mqlsync.extract.hubspot_search import SEARCH_CAP, iter_search
from mqlsync.extract.landing import Landing, as_text
from mqlsync.extract.objects import CrmObject, crm_object
from mqlsync.extract.windows import ExtractResult, ExtractWindow, SearchWindow, epoch_ms, iso_ms

BASE_COLUMNS = ["id", "archived", "createdAt", "updatedAt", "archivedAt"]
CONTACT_PROPERTIES = [
    "email",
    "firstname",
    "lastname",
    "jobtitle",
    "company",
    "phone",
    "country",
    "state",
    "city",
    "industry",
    "numemployees",
    "lifecyclestage",
    "hs_lead_status",
    "hubspot_owner_id",
    "createdate",
    "lastmodifieddate",
    "hs_object_id",
    "hs_email_optout",
    "hs_legal_basis",
    "organization_type",
    "therapeutic_areas",
    "program_stage",
    "evaluation_timeline",
    "hs_analytics_source",
    "hs_analytics_num_page_views",
    "hs_analytics_num_visits",
    "hs_analytics_last_visit_timestamp",
    "hs_email_last_open_date",
    "hs_email_last_click_date",
    "num_conversion_events",
    "first_conversion_event_name",
    "first_conversion_date",
    "recent_conversion_event_name",
    "recent_conversion_date",
    "hs_merged_object_ids",
    "mql_status",
    "lead_score",
    "fit_score",
    "intent_score",
    "lead_tier",
    "mql_reason_codes",
    "mql_date",
    "routing_queue",
    "sla_due",
    "scoring_model_version",
    "mql_handoff_summary",
]
FORM_COLUMNS = ["contactId", "property", "value", "timestamp", "sourceType", "sourceId"]
EVENT_COLUMNS = ["id", "objectType", "objectId", "eventType", "occurredAt", "properties"]
CONVERSION_PROPERTY = "recent_conversion_event_name"


class HubSpotExtractConfig(BaseModel):
    """Knobs of the HubSpot pull (page sizes are HubSpot's maxima)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    search_page_size: int = Field(default=200, ge=1, le=200)
    list_page_size: int = Field(default=100, ge=1, le=100)
    history_batch_size: int = Field(default=50, ge=1, le=50)
    events_page_size: int = Field(default=100, ge=1, le=100)
    association_batch_size: int = Field(default=1_000, ge=1, le=1_000)
    search_cap: int = Field(default=SEARCH_CAP, ge=1)
    contact_properties: tuple[str, ...] = tuple(CONTACT_PROPERTIES)
    include_archived: bool = True
    retries: int = Field(default=6, ge=0)
    retry_wait: float = Field(default=0.5, ge=0)
    retry_wait_max: float = Field(default=10.0, ge=0)
    part_rows: int = Field(default=50_000, ge=1)


def extract_hubspot(
    client: HubSpotConnection,
    object_name: str,
    *,
    window: ExtractWindow,
    landing: Landing,
    budget: ApiBudget,
    config: HubSpotExtractConfig | None = None,
) -> ExtractResult:
    """Land one HubSpot object's records changed in `window` (everything on a full pull).

    The object's read mode (object table) picks its reader from READERS. A landing that already has
    a manifest (a retried task) is returned without calling HubSpot.
    """
    config = config or HubSpotExtractConfig()
    obj = crm_object(SYSTEM, object_name)
    done = landing.manifest(SYSTEM, object_name)
    if done is not None:
        return ExtractResult.from_dict(done)
    reader = READERS[obj.read]
    calls_before = budget.calls
    caller = HubSpotCaller(client, budget, config, object_name)
    lo = epoch_ms(window.lower) if window.lower is not None else 0
    bounds = SearchWindow(lo, epoch_ms(window.end))
    writer = landing.writer(SYSTEM, object_name, reader.columns(obj, config))
    writer.part_rows = config.part_rows
    tally = Tally(mode=reader.mode)
    complete = True
    try:
        for item in reader.pull(caller, obj, bounds, config):
            if item.row is not None:
                writer.write_rows([item.row])
            tally.add(item)
    except BudgetExhaustedError:
        complete = False
    result = ExtractResult(
        system=SYSTEM,
        object=object_name,
        landing_dir=str(writer.path),
        rows=tally.rows,
        deleted=tally.deleted,
        merged=tally.merged,
        calls=budget.calls - calls_before,
        complete=complete,
        new_watermark=tally.watermark(complete),
        tie_break_id=tally.tie_id if not complete else None,
        mode=tally.mode,
    )
    manifest = writer.finish({**result.to_dict(), "budget": budget.to_dict()})
    return ExtractResult.from_dict({**result.to_dict(), "parts": len(manifest["files"])})


class Landed(NamedTuple):
    """What a reader yields: a row to land and/or how far the read got.

    `stamp` is the row's cursor (epoch ms) for the watermark of a complete read; `safe` is the cursor
    at or below which everything is landed once this item is written (None: no change); `ordered`
    False means nothing from here on comes in cursor order, so an interrupted read moves no watermark.
    """

    row: dict[str, Any] | None = None
    stamp: int | None = None
    safe: int | None = None
    deleted: bool = False
    merged: bool = False
    ordered: bool = True
    tie_id: str | None = None
    mode: str | None = None


@dataclass
class Tally:
    """The driver's fold of what the reader yielded: counts and cursors, owned by `extract_hubspot`."""

    mode: str = ""
    rows: int = 0
    deleted: int = 0
    merged: int = 0
    max_stamp: int | None = None
    safe: int | None = None
    ordered: bool = True
    tie_id: str | None = None

    def add(self, item: Landed) -> None:
        if item.row is not None:
            self.rows += 1
            self.deleted += item.deleted
            self.merged += item.merged
        if item.stamp is not None and (self.max_stamp is None or item.stamp > self.max_stamp):
            self.max_stamp = item.stamp
        if item.safe is not None:
            self.safe = item.safe if self.safe is None else max(self.safe, item.safe)
        self.ordered = self.ordered and item.ordered
        self.tie_id = item.tie_id or self.tie_id
        self.mode = item.mode or self.mode

    def watermark(self, complete: bool) -> str | None:
        stamp = self.max_stamp if complete else (self.safe if self.ordered else None)
        return iso_ms(datetime.fromtimestamp(stamp / 1000, tz=UTC)) if stamp is not None else None


def object_row(obj: Any, properties: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """A v3 object (SDK model) as one flat row: id, archived, timestamps, then the properties."""
    props = obj.properties or {}
    row: dict[str, Any] = {
        "id": obj.id,
        "archived": bool(obj.archived),
        "createdAt": as_text(obj.created_at),
        "updatedAt": as_text(obj.updated_at),
        "archivedAt": as_text(getattr(obj, "archived_at", None)),
    }
    for name in properties:
        row[name] = props.get(name)
    return row


# ---- contacts -----------------------------------------------------------------------------------
def pull_contacts(
    caller: HubSpotCaller, obj: CrmObject, bounds: SearchWindow, config: HubSpotExtractConfig
) -> Iterator[Landed]:
    properties = list(config.contact_properties)
    for hit in iter_search(caller, bounds, config, properties=properties):
        if hit.obj is None:
            yield Landed(safe=hit.safe, tie_id=hit.tie_id, mode=hit.mode)
            continue
        row = object_row(hit.obj, properties)
        yield Landed(
            row,
            hit.stamp,
            hit.safe,
            merged=bool(row.get("hs_merged_object_ids")),
            tie_id=hit.tie_id,
            mode=hit.mode,
        )
    if config.include_archived:
        # The archived list is a scan by id, not by time: a budget stop inside it cannot say which
        # archived contacts of the window are still unread, so it moves no watermark (the next
        # run reads the window again; upserts by id make that harmless).
        yield Landed(ordered=False)
        for archived in _list_all(caller, "contacts", properties, archived=True):
            if bounds.lo <= epoch_ms(archived.archived_at or archived.updated_at):
                yield Landed(object_row(archived, properties), deleted=True, ordered=False)


def _list_all(
    caller: HubSpotCaller,
    object_type: str,
    properties: list[str],
    *,
    archived: bool = False,
    associations: list[str] | None = None,
) -> Iterator[Any]:
    after: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "limit": caller.config.list_page_size,
            "properties": properties,
            "archived": archived,
        }
        if after:
            kwargs["after"] = after
        if associations:
            kwargs["associations"] = associations
        page = caller.list_page(object_type, kwargs)
        yield from page.results or []
        nxt = page.paging.next.after if page.paging and page.paging.next else None
        if not nxt:
            return
        after = nxt


# ---- signals ------------------------------------------------------------------------------------
def pull_form_submissions(
    caller: HubSpotCaller, obj: CrmObject, bounds: SearchWindow, config: HubSpotExtractConfig
) -> Iterator[Landed]:
    """Conversion history of the contacts with conversions changed in the window.

    The search runs ahead of the history reads by one batch; the safe cursor is the last contact
    whose history is landed (everything strictly before it).
    """
    extra = [{"propertyName": "num_conversion_events", "operator": "GT", "value": "0"}]
    batch: list[tuple[str, int]] = []

    def read(ids: list[tuple[str, int]]) -> Iterator[Landed]:
        for contact in caller.read_history([i for i, _ in ids], CONVERSION_PROPERTY):
            for version in (contact.properties_with_history or {}).get(CONVERSION_PROPERTY) or []:
                row = {
                    "contactId": contact.id,
                    "property": CONVERSION_PROPERTY,
                    "value": version.value,
                    "timestamp": as_text(version.timestamp),
                    "sourceType": version.source_type,
                    "sourceId": version.source_id,
                }
                yield Landed(row)
        for _, stamp in ids:
            yield Landed(stamp=stamp)

    searched = iter_search(caller, bounds, config, properties=["lastmodifieddate"], extra_filters=extra)
    for hit in searched:
        if hit.obj is None:
            continue
        batch.append((hit.obj.id, hit.stamp))
        if len(batch) >= config.history_batch_size:
            yield from read(batch)
            yield Landed(safe=batch[-1][1] - 1)
            batch = []
    if batch:
        yield from read(batch)


def pull_web_events(
    caller: HubSpotCaller, obj: CrmObject, bounds: SearchWindow, config: HubSpotExtractConfig
) -> Iterator[Landed]:
    """Events with `occurredAt` in `[lo, hi)`, oldest first (`sort=ASCENDING`).

    Ordered, so after every page everything before the last landed instant is landed: a budget stop
    keeps that instant minus 1 ms (events sharing it are read again and dropped by id).
    """
    after: str | None = None
    occurred_after = datetime.fromtimestamp(bounds.lo / 1000, tz=UTC) - timedelta(milliseconds=1)
    occurred_before = datetime.fromtimestamp(bounds.hi / 1000, tz=UTC)
    while True:
        kwargs: dict[str, Any] = {
            "object_type": "contact",
            "limit": config.events_page_size,
            "occurred_after": occurred_after,
            "occurred_before": occurred_before,
            "sort": ["ASCENDING"],
        }
        if after:
            kwargs["after"] = after
        page = caller.events_page(kwargs)
        results = page.results or []
        for event in results:
            row = {
                "id": event.id,
                "objectType": event.object_type,
                "objectId": event.object_id,
                "eventType": event.event_type,
                "occurredAt": as_text(event.occurred_at),
                "properties": as_text(event.properties or {}),
            }
            yield Landed(row, epoch_ms(event.occurred_at))
        if results:
            yield Landed(safe=epoch_ms(results[-1].occurred_at) - 1)
        nxt = page.paging.next.after if page.paging and page.paging.next else None
        if not nxt:
            return
        after = nxt


def pull_engagements(
    caller: HubSpotCaller, obj: CrmObject, bounds: SearchWindow, config: HubSpotExtractConfig
) -> Iterator[Landed]:
    """Engagements changed in the window by search (as contacts), then their contacts in batches.

    The search runs ahead of the association reads by one batch; the safe cursor is the last
    engagement whose row (with its contacts) is landed, minus 1 ms.
    """
    properties = list(obj.properties)
    batch: list[tuple[Any, int]] = []

    def land(items: list[tuple[Any, int]]) -> Iterator[Landed]:
        links = caller.read_contact_associations(obj.name, [o.id for o, _ in items])
        for engagement, stamp in items:
            row = object_row(engagement, properties)
            ids = links.get(str(engagement.id))
            row["associations.contacts"] = ";".join(ids) if ids else None
            yield Landed(row, stamp)

    for hit in iter_search(caller, bounds, config, properties=properties):
        if hit.obj is None:
            continue
        batch.append((hit.obj, hit.stamp))
        if len(batch) >= config.association_batch_size:
            yield from land(batch)
            yield Landed(safe=batch[-1][1] - 1)
            batch = []
    if batch:
        yield from land(batch)


class Reader(NamedTuple):
    """How one read mode of the object table lands an object: its columns and its pull."""

    columns: Callable[[CrmObject, HubSpotExtractConfig], list[str]]
    pull: Callable[[HubSpotCaller, CrmObject, SearchWindow, HubSpotExtractConfig], Iterator[Landed]]
    mode: str


READERS: dict[str, Reader] = {
    "contacts_search": Reader(
        lambda obj, config: BASE_COLUMNS + list(config.contact_properties), pull_contacts, "search"
    ),
    "conversion_history": Reader(
        lambda obj, config: FORM_COLUMNS, pull_form_submissions, "search+batch-history"
    ),
    "web_events": Reader(lambda obj, config: EVENT_COLUMNS, pull_web_events, "events-ascending"),
    "engagement_search": Reader(
        lambda obj, config: [*BASE_COLUMNS, *obj.properties, "associations.contacts"],
        pull_engagements,
        "search+batch-associations",
    ),
}
