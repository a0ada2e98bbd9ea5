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

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.hubspot import HubSpotConnection
from mqlsync.errors import BudgetExhaustedError, CrmTerminalError
from mqlsync.extract.hubspot_calls import SYSTEM, HubSpotCaller
from mqlsync.extract.hubspot_search import SEARCH_CAP, cursor_stamp, iter_search
from mqlsync.extract.landing import Landing, LandingWriter, as_text
from mqlsync.extract.windows import ExtractResult, ExtractWindow, SearchWindow, epoch_ms, iso_ms

OBJECTS = ("contacts", "form_submissions", "web_events", "emails", "calls", "meetings")
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
ENGAGEMENT_PROPERTIES = {
    "emails": (
        "hs_timestamp",
        "hubspot_owner_id",
        "hs_createdate",
        "hs_lastmodifieddate",
        "hs_email_subject",
        "hs_email_direction",
    ),
    "calls": (
        "hs_timestamp",
        "hubspot_owner_id",
        "hs_createdate",
        "hs_lastmodifieddate",
        "hs_call_direction",
        "hs_call_title",
    ),
    "meetings": (
        "hs_timestamp",
        "hubspot_owner_id",
        "hs_createdate",
        "hs_lastmodifieddate",
        "hs_meeting_title",
    ),
}
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

    A landing that already has a manifest (a retried task) is returned without calling HubSpot.
    """
    config = config or HubSpotExtractConfig()
    if object_name not in OBJECTS:
        raise CrmTerminalError(
            f"unknown HubSpot object {object_name!r}; extract knows {', '.join(OBJECTS)}",
            system=SYSTEM,
            object=object_name,
        )
    done = landing.manifest(SYSTEM, object_name)
    if done is not None:
        return ExtractResult.from_dict(done)
    calls_before = budget.calls
    caller = HubSpotCaller(client, budget, config, object_name)
    lo = epoch_ms(window.lower) if window.lower is not None else 0
    bounds = SearchWindow(lo, epoch_ms(window.end))
    if object_name == "contacts":
        columns = BASE_COLUMNS + list(config.contact_properties)
    elif object_name == "form_submissions":
        columns = FORM_COLUMNS
    elif object_name == "web_events":
        columns = EVENT_COLUMNS
    else:
        columns = [*BASE_COLUMNS, *ENGAGEMENT_PROPERTIES[object_name], "associations.contacts"]
    writer = landing.writer(SYSTEM, object_name, columns)
    writer.part_rows = config.part_rows
    tally = Tally()
    complete = True
    try:
        if object_name == "contacts":
            _pull_contacts(caller, bounds, writer, tally, config)
        elif object_name == "form_submissions":
            _pull_form_submissions(caller, bounds, writer, tally, config)
        elif object_name == "web_events":
            _pull_web_events(caller, bounds, writer, tally, config)
        else:
            _pull_engagements(caller, object_name, bounds, writer, tally, config)
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


class Tally:
    """Counts and cursors. `safe` is the cursor below which everything is landed (ordered reads)."""

    def __init__(self) -> None:
        self.rows = self.deleted = self.merged = 0
        self.max_stamp: int | None = None
        self.safe: int | None = None
        self.ordered = True
        self.tie_id: str | None = None
        self.mode = ""

    def see(self, stamp_ms: int | None) -> None:
        if stamp_ms is not None and (self.max_stamp is None or stamp_ms > self.max_stamp):
            self.max_stamp = stamp_ms

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
def _pull_contacts(
    caller: HubSpotCaller,
    bounds: SearchWindow,
    writer: LandingWriter,
    tally: Tally,
    config: HubSpotExtractConfig,
) -> None:
    properties = list(config.contact_properties)
    tally.mode = tally.mode or "search"
    for obj in iter_search(caller, bounds, tally, config, properties=properties):
        row = object_row(obj, properties)
        tally.rows += 1
        if row.get("hs_merged_object_ids"):
            tally.merged += 1
        tally.see(cursor_stamp(obj))
        writer.write_rows([row])
    if config.include_archived:
        # The archived list is a scan by id, not by time: a budget stop inside it cannot say which
        # archived contacts of the window are still unread, so it moves no watermark (the next
        # run reads the window again; upserts by id make that harmless).
        tally.ordered = False
        for obj in _list_all(caller, "contacts", properties, archived=True):
            stamp = epoch_ms(obj.archived_at or obj.updated_at)
            if bounds.lo <= stamp:
                writer.write_rows([object_row(obj, properties)])
                tally.rows += 1
                tally.deleted += 1


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
def _pull_form_submissions(
    caller: HubSpotCaller,
    bounds: SearchWindow,
    writer: LandingWriter,
    tally: Tally,
    config: HubSpotExtractConfig,
) -> None:
    """Conversion history of the contacts with conversions changed in the window."""
    tally.mode = "search+batch-history"
    batch: list[tuple[str, int]] = []

    def read(ids: list[tuple[str, int]]) -> None:
        objects = caller.read_history([i for i, _ in ids], CONVERSION_PROPERTY)
        for obj in objects:
            for version in (obj.properties_with_history or {}).get(CONVERSION_PROPERTY) or []:
                writer.write_rows(
                    [
                        {
                            "contactId": obj.id,
                            "property": CONVERSION_PROPERTY,
                            "value": version.value,
                            "timestamp": as_text(version.timestamp),
                            "sourceType": version.source_type,
                            "sourceId": version.source_id,
                        }
                    ]
                )
                tally.rows += 1
        for _, stamp in ids:
            tally.see(stamp)

    extra = [{"propertyName": "num_conversion_events", "operator": "GT", "value": "0"}]
    # The search runs ahead of the history reads by one batch: its own tally, and the safe cursor
    # is the last contact whose history is landed (everything strictly before it).
    searched = iter_search(
        caller, bounds, Tally(), config, properties=["lastmodifieddate"], extra_filters=extra
    )
    for obj in searched:
        batch.append((obj.id, cursor_stamp(obj)))
        if len(batch) >= config.history_batch_size:
            read(batch)
            tally.safe = batch[-1][1] - 1
            batch = []
    if batch:
        read(batch)


def _pull_web_events(
    caller: HubSpotCaller,
    bounds: SearchWindow,
    writer: LandingWriter,
    tally: Tally,
    config: HubSpotExtractConfig,
) -> None:
    """Events with `occurredAt` in `[lo, hi)`, oldest first (`sort=ASCENDING`).

    Ordered, so after every page everything before the last landed instant is landed: a budget stop
    keeps `safe` (that instant minus 1 ms; events sharing it are read again and dropped by id).
    """
    tally.mode = "events-ascending"
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
            stamp = epoch_ms(event.occurred_at)
            writer.write_rows(
                [
                    {
                        "id": event.id,
                        "objectType": event.object_type,
                        "objectId": event.object_id,
                        "eventType": event.event_type,
                        "occurredAt": as_text(event.occurred_at),
                        "properties": as_text(event.properties or {}),
                    }
                ]
            )
            tally.rows += 1
            tally.see(stamp)
        if results:
            tally.safe = epoch_ms(results[-1].occurred_at) - 1
        nxt = page.paging.next.after if page.paging and page.paging.next else None
        if not nxt:
            return
        after = nxt


def _pull_engagements(
    caller: HubSpotCaller,
    object_type: str,
    bounds: SearchWindow,
    writer: LandingWriter,
    tally: Tally,
    config: HubSpotExtractConfig,
) -> None:
    """Engagements changed in the window by search (as contacts), then their contacts in batches.

    The search runs ahead of the association reads by one batch: it keeps its own tally, and the
    safe cursor is the last engagement whose row (with its contacts) is landed, minus 1 ms.
    """
    tally.mode = "search+batch-associations"
    properties = list(ENGAGEMENT_PROPERTIES[object_type])
    batch: list[tuple[Any, int]] = []

    def land(items: list[tuple[Any, int]]) -> None:
        links = caller.read_contact_associations(object_type, [obj.id for obj, _ in items])
        for obj, stamp in items:
            row = object_row(obj, properties)
            ids = links.get(str(obj.id))
            row["associations.contacts"] = ";".join(ids) if ids else None
            writer.write_rows([row])
            tally.rows += 1
            tally.see(stamp)

    searched = iter_search(caller, bounds, Tally(), config, properties=properties)
    for obj in searched:
        batch.append((obj, cursor_stamp(obj, caller.cursor_property)))
        if len(batch) >= config.association_batch_size:
            land(batch)
            tally.safe = batch[-1][1] - 1
            batch = []
    if batch:
        land(batch)
