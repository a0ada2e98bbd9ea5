"""The marketing signals a real portal exposes, so extract reads intent the way it would in production:

- conversion properties with their history (`propertiesWithHistory=recent_conversion_event_name`):
  every form submission is a version, newest first, with `sourceType: FORM`;
- the web-analytics events API (`GET /events/v3/events/`): page views, email opens and clicks,
  downloads per contact, filtered by type and time (`occurredAfter`/`occurredBefore` exclusive),
  ordered by `occurredAt` when `sort=ASCENDING|DESCENDING` is given, and paged by cursor;
- the legacy form submissions API (`/form-integrations/v1/submissions/forms/{guid}`), which the
  SDK does not wrap (clients reach it through `api_request`).

Both side tables are sorted once by contact so a per-contact read is a binary search.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Request

from mqlsync.sandbox.hubspot.contacts import read_limit
from mqlsync.sandbox.hubspot.store import Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, format_column, parse_timestamp

MAX_EVENTS_PAGE = 100
MAX_SUBMISSIONS_PAGE = 50
EVENT_PROPERTIES = ("hs_url", "asset_id", "campaign_id")


class SortedByContact:
    """A side table sorted by (contact, time) with the contact column as a searchable array."""

    def __init__(self, frame: pd.DataFrame, contact_col: str, time_col: str) -> None:
        if frame.empty or contact_col not in frame:
            frame = pd.DataFrame(
                {
                    contact_col: pd.Series([], dtype="int64"),
                    time_col: pd.Series([], dtype="datetime64[ms, UTC]"),
                }
            )
        frame = frame.assign(  # not `.copy()`: the sorted frame below is the only full copy kept
            **{
                contact_col: pd.to_numeric(frame[contact_col], errors="coerce").fillna(-1).astype("int64"),
                time_col: pd.to_datetime(frame[time_col], utc=True),
            }
        )
        self.frame = frame.sort_values([contact_col, time_col], kind="stable").reset_index(drop=True)
        self.keys = self.frame[contact_col].to_numpy()

    def rows(self, contact_id: int) -> pd.DataFrame:
        lo, hi = (
            np.searchsorted(self.keys, contact_id, "left"),
            np.searchsorted(self.keys, contact_id, "right"),
        )
        return self.frame.iloc[lo:hi]


def time_order(frame: pd.DataFrame, time_col: str, tie_col: str) -> np.ndarray:
    """Positions of `frame`'s rows in (time, tie) order, missing times last, stable.

    The same order as `frame.sort_values([time_col, tie_col], kind="stable")`, in a fraction of the
    time: an integer argsort of the instants, then a string sort only of the rows that share one.
    """
    instants = np.asarray(frame[time_col].dt.tz_localize(None), dtype="datetime64[ms]")
    keys = np.where(np.isnat(instants), np.iinfo(np.int64).max, instants.view("int64"))
    order = np.argsort(keys, kind="stable")
    if tie_col not in frame or len(order) < 2:
        return order
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    where = np.flatnonzero(tied)
    if len(where):
        rows = order[where]
        sub = pd.DataFrame({"k": ordered[where], "t": frame[tie_col].array.take(rows)})
        order[where] = rows[sub.sort_values(["k", "t"], kind="stable").index.to_numpy()]
    return order


def install_conversion_history(store: Store, submissions: SortedByContact) -> None:
    """Serve the conversion properties' history from the form submissions behind them."""

    def versions(oid: int, render: Any) -> list[dict[str, Any]]:
        rows = submissions.rows(oid).iloc[::-1]
        stamps = format_column(rows["submitted_at"])
        return [render(i, row, stamps[i]) for i, row in enumerate(rows.to_dict("records"))]

    def name_history(oid: int) -> list[dict[str, Any]]:
        return versions(
            oid,
            lambda _i, r, ts: {
                "value": str(r.get("form_name")),
                "timestamp": ts,
                "sourceType": "FORM",
                "sourceId": str(r.get("form_id")),
            },
        )

    def date_history(oid: int) -> list[dict[str, Any]]:
        return versions(
            oid,
            lambda _i, r, ts: {
                "value": ts,
                "timestamp": ts,
                "sourceType": "FORM",
                "sourceId": str(r.get("form_id")),
            },
        )

    def count_history(oid: int) -> list[dict[str, Any]]:
        total = len(submissions.rows(oid))
        return versions(
            oid, lambda i, _r, ts: {"value": str(total - i), "timestamp": ts, "sourceType": "ANALYTICS"}
        )

    contacts = store.tables["contacts"]
    if len(submissions.frame):
        contacts.history_providers.update(
            {
                "recent_conversion_event_name": name_history,
                "recent_conversion_date": date_history,
                "num_conversion_events": count_history,
            }
        )


def create_router(store: Store) -> APIRouter:
    router = APIRouter()
    events = SortedByContact(store.web_events, "objectId", "occurredAt")
    submissions = SortedByContact(store.form_submissions, "contact_id", "submitted_at")
    # The sorted copies are the tables from now on: holding the loaded ones too would keep every web
    # event twice (about 800 MB at 1,000,000 people).
    store.web_events, store.form_submissions = events.frame, submissions.frame
    install_conversion_history(store, submissions)
    cache: dict[str, np.ndarray] = {}

    def by_time() -> np.ndarray:
        """Row positions of `events.frame` in (occurredAt, id) order, computed once: 8 bytes per
        event instead of a second, time-sorted copy of the whole table."""
        if "order" not in cache:
            cache["order"] = time_order(events.frame, "occurredAt", "id")
        return cache["order"]

    @router.get("/events/v3/events/event-types")
    async def event_types() -> dict[str, Any]:
        kinds = (
            sorted(events.frame["eventType"].dropna().unique().tolist())
            if "eventType" in events.frame
            else []
        )
        return {"eventTypes": kinds}

    @router.get("/events/v3/events/")
    @router.get("/events/v3/events")
    async def list_events(request: Request) -> dict[str, Any]:
        q = request.query_params
        object_type = (q.get("objectType") or "contact").lower()
        if object_type not in {"contact", "contacts", "0-1"}:
            raise HubSpotHTTPError(
                400, f"objectType {object_type!r} has no web-analytics events in this portal"
            )
        limit = read_limit(q.get("limit"), default=MAX_EVENTS_PAGE, maximum=MAX_EVENTS_PAGE)
        object_id = q.get("objectId")
        sorts = q.getlist("sort")
        # One contact's rows are sorted by time already; the whole table is sorted by contact.
        frame = events.rows(int(object_id)) if object_id and object_id.isdigit() else events.frame
        mask = np.ones(len(frame), dtype=bool)
        if q.get("eventType"):
            mask &= (frame["eventType"] == q["eventType"]).to_numpy(dtype=bool)
        try:
            if q.get("occurredAfter"):
                mask &= (frame["occurredAt"] > parse_timestamp(q["occurredAfter"])).to_numpy(dtype=bool)
            if q.get("occurredBefore"):
                mask &= (frame["occurredAt"] < parse_timestamp(q["occurredBefore"])).to_numpy(dtype=bool)
        except ValueError as err:
            raise HubSpotHTTPError(
                400, f"occurredAfter/occurredBefore must be ISO-8601 or epoch ms: {err}"
            ) from err
        # Positions of the matching rows in page order; only the page's own rows are ever copied.
        if sorts and frame is events.frame:  # the real API sorts by occurredAt across objects
            order = by_time()
            selected = order[mask[order]]
        else:
            selected = np.flatnonzero(mask)
        if sorts and any(s.upper() == "DESCENDING" or s.startswith("-") for s in sorts):
            selected = selected[::-1]
        after = int(q["after"]) if (q.get("after") or "").isdigit() else 0
        page = frame.iloc[selected[after : after + limit]]
        stamps = format_column(page["occurredAt"])
        results = []
        for i, row in enumerate(page.to_dict("records")):
            props = {
                p: (None if pd.isna(row.get(p)) else str(row.get(p))) for p in EVENT_PROPERTIES if p in row
            }
            results.append(
                {
                    "objectType": "CONTACT",
                    "objectId": str(row["objectId"]),
                    "eventType": row["eventType"],
                    "occurredAt": stamps[i],
                    "id": str(row.get("id")),
                    "properties": props,
                }
            )
        body: dict[str, Any] = {"results": results}
        if after + limit < len(selected):
            nxt = str(after + limit)
            body["paging"] = {"next": {"after": nxt, "link": f"{request.url.path}?after={nxt}"}}
        return body

    @router.get("/form-integrations/v1/submissions/forms/{form_guid}")
    async def form_submissions(form_guid: str, request: Request) -> dict[str, Any]:
        q = request.query_params
        limit = read_limit(q.get("limit"), default=20, maximum=MAX_SUBMISSIONS_PAGE)
        frame = submissions.frame
        rows = frame[frame["form_id"].astype(str) == form_guid] if "form_id" in frame else frame.iloc[0:0]
        rows = rows.sort_values("submitted_at", ascending=False, kind="stable")
        after = int(q["after"]) if (q.get("after") or "").isdigit() else 0
        page = rows.iloc[after : after + limit]
        contacts = store.tables["contacts"]
        results = []
        for row in page.to_dict("records"):
            oid = contacts.find_id(row["contact_id"])
            email = contacts.frame.at[oid, "email"] if oid is not None and "email" in contacts.frame else None
            results.append(
                {
                    "conversionId": f"{form_guid}-{row['contact_id']}-{int(row['submitted_at'].timestamp() * 1000)}",
                    "submittedAt": int(row["submitted_at"].timestamp() * 1000),
                    "values": [
                        {
                            "name": "email",
                            "value": None if pd.isna(email) else str(email),
                            "objectTypeId": "0-1",
                        }
                    ],
                    "pageUrl": None if pd.isna(row.get("page_url")) else str(row.get("page_url")),
                }
            )
        body: dict[str, Any] = {"results": results}
        if after + limit < len(rows):
            body["paging"] = {
                "next": {"after": str(after + limit), "link": f"{request.url.path}?after={after + limit}"}
            }
        return body

    return router
