"""CRM search: filter groups compiled to vectorised masks over the object's columns.

Groups are ORed, filters inside a group ANDed, values compared in the property's own type
(datetimes as instants from epoch milliseconds or ISO, numbers as numbers, strings
case-insensitively). The real limits are enforced because extract code must live with them:
`limit` at most 200, 5 groups / 10 filters per group / 25 filters, one sort, and no paging past
10,000 results (a 400, the trap that makes incremental syncs split their time windows).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Request

from mqlsync.sandbox.hubspot.contacts import read_json
from mqlsync.sandbox.hubspot.engagements import canonical_type
from mqlsync.sandbox.hubspot.store import ObjectTable, Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, parse_timestamp

MAX_LIMIT = 200
MAX_RESULTS = 10_000
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 10, 25
OPERATORS = {
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
}
QUERY_PROPERTIES = {
    "contacts": ["firstname", "lastname", "email", "phone", "company"],
    "emails": ["hs_email_subject"],
    "calls": ["hs_call_title", "hs_call_body"],
    "meetings": ["hs_meeting_title", "hs_meeting_body"],
    "notes": ["hs_note_body"],
    "tasks": ["hs_task_subject", "hs_task_body"],
}


def _bad(message: str) -> HubSpotHTTPError:
    return HubSpotHTTPError(400, message, category="VALIDATION_ERROR")


def _typed(table: ObjectTable, prop: str, raw: Any) -> Any:
    kind = table.registry.type_of(prop)
    text = str(raw)
    try:
        if kind in {"datetime", "date"}:
            return parse_timestamp(text)
        if kind == "number":
            return float(text)
        if kind == "bool":
            return text.strip().lower() == "true"
    except (ValueError, TypeError) as err:
        raise _bad(f"{text!r} is not a valid {kind} value for {prop}") from err
    return text.lower()


def _column(table: ObjectTable, prop: str) -> pd.Series:
    frame = table.frame
    if prop == "hs_object_id":
        return pd.Series(frame.index.to_numpy(dtype="float64"), index=frame.index)
    if prop not in frame:
        return pd.Series(None, index=frame.index, dtype=object)
    kind = table.registry.type_of(prop)
    return table.lowered(prop) if kind in {"string", "enumeration"} else frame[prop]


def _token_mask(table: ObjectTable, prop: str, value: str) -> np.ndarray:
    """HubSpot tokenises on word boundaries; `*` is a wildcard (e.g. `*@example.com`)."""
    if prop not in table.frame:
        return np.zeros(len(table.frame), dtype=bool)
    text = table.lowered(prop)
    pattern = re.escape(value.lower()).replace(r"\*", r"\S*")
    regex = rf"(?:^|[^0-9a-z]){pattern}(?:$|[^0-9a-z])"
    return text.str.contains(regex, regex=True, na=False).to_numpy(dtype=bool)


def filter_mask(table: ObjectTable, flt: dict[str, Any]) -> np.ndarray:
    prop, op = flt.get("propertyName"), str(flt.get("operator", "EQ")).upper()
    if not prop:
        raise _bad("Each filter needs a propertyName")
    if op not in OPERATORS:
        raise _bad(f"{op} is not a valid operator; use one of {', '.join(sorted(OPERATORS))}")
    if prop not in table.registry.properties and prop != "hs_object_id":
        raise _bad(f"Property {prop!r} does not exist on {table.object_type}")
    col = _column(table, prop)
    present = col.notna().to_numpy(dtype=bool)
    if op == "HAS_PROPERTY":
        return present
    if op == "NOT_HAS_PROPERTY":
        return ~present
    if op in {"CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}:
        mask = _token_mask(table, prop, str(flt.get("value", "")))
        return mask if op == "CONTAINS_TOKEN" else ~mask
    if op in {"IN", "NOT_IN"}:
        values = flt.get("values")
        if not isinstance(values, list) or not values:
            raise _bad(f"{op} needs a non-empty values list")
        hits = col.isin([_typed(table, prop, v) for v in values]).to_numpy(dtype=bool)
        return hits if op == "IN" else ~hits
    if "value" not in flt:
        raise _bad(f"{op} needs a value")
    value = _typed(table, prop, flt["value"])
    if op == "BETWEEN":
        if "highValue" not in flt:
            raise _bad("BETWEEN needs a highValue")
        high = _typed(table, prop, flt["highValue"])
        return ((col >= value) & (col <= high)).fillna(False).to_numpy(dtype=bool)
    if op == "EQ":
        return (col == value).fillna(False).to_numpy(dtype=bool)
    if op == "NEQ":  # records without a value also differ from it
        return ~(col == value).fillna(False).to_numpy(dtype=bool)
    compare = {"LT": col.lt, "LTE": col.le, "GT": col.gt, "GTE": col.ge}[op]
    return compare(value).fillna(False).to_numpy(dtype=bool)


def search_mask(table: ObjectTable, body: dict[str, Any]) -> np.ndarray:
    groups = body.get("filterGroups") or []
    if len(groups) > MAX_GROUPS:
        raise _bad(f"Too many filter groups: {len(groups)} (maximum {MAX_GROUPS})")
    total = sum(len(g.get("filters") or []) for g in groups)
    if total > MAX_FILTERS or any(len(g.get("filters") or []) > MAX_FILTERS_PER_GROUP for g in groups):
        raise _bad(
            f"Too many filters: at most {MAX_FILTERS_PER_GROUP} per group and {MAX_FILTERS} in total ({total} sent)"
        )
    mask = table.live_mask(archived=False)
    if groups:
        any_group = np.zeros(len(mask), dtype=bool)
        for group in groups:
            group_mask = np.ones(len(mask), dtype=bool)
            for flt in group.get("filters") or []:
                group_mask &= filter_mask(table, flt)
            any_group |= group_mask
        mask = mask & any_group
    query = str(body.get("query") or "").strip()
    if query:
        hit = np.zeros(len(mask), dtype=bool)
        for prop in QUERY_PROPERTIES.get(table.object_type, []):
            hit |= _token_mask(table, prop, query if "*" in query else f"{query}*")
        mask = mask & hit
    return mask


def sorted_ids(table: ObjectTable, mask: np.ndarray, sorts: list[Any]) -> np.ndarray:
    """Matching ids in sort order; ties (and no sort) fall back to ascending id, as HubSpot pages."""
    ids = table.frame.index.to_numpy()[mask]
    if not sorts:
        return ids
    if len(sorts) > 1:
        raise _bad("Only one sort is supported per search request")
    sort = sorts[0]
    if isinstance(sort, str):
        prop, descending = sort.lstrip("-"), sort.startswith("-")
    else:
        prop, descending = (
            sort.get("propertyName"),
            str(sort.get("direction", "ASCENDING")).upper() == "DESCENDING",
        )
    if prop not in table.registry.properties and prop != "hs_object_id":
        raise _bad(f"Cannot sort on unknown property {prop!r}")
    keys = _column(table, prop)[mask]
    # `.array`, not `.to_numpy()`: a tz-aware column would become one Timestamp object per row
    # (about 1 s for 400,000 hits, on every page of a paged search).
    frame = pd.DataFrame({"k": keys.array, "id": ids})
    frame = frame.sort_values(
        ["k", "id"], ascending=[not descending, True], na_position="last", kind="stable"
    )
    return frame["id"].to_numpy()


def create_router(store: Store) -> APIRouter:
    router = APIRouter()

    @router.post("/crm/v3/objects/{object_type}/search")
    async def search(object_type: str, request: Request) -> dict[str, Any]:
        table = store.table(canonical_type(object_type))
        body = await read_json(request)
        try:
            limit = int(body.get("limit") or 10)
            after = int(body.get("after") or 0)
        except (TypeError, ValueError) as err:
            raise _bad("limit and after must be numbers") from err
        if not 1 <= limit <= MAX_LIMIT:
            raise _bad(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        if after >= MAX_RESULTS:
            raise _bad(
                f"The search API is limited to {MAX_RESULTS:,} results per query; after={after} pages past it. "
                "Narrow the filters (for example split the time window) instead of paging further."
            )
        ids = sorted_ids(table, search_mask(table, body), list(body.get("sorts") or []))
        end = min(after + limit, MAX_RESULTS)
        page = ids[after:end].tolist()
        results = table.render(page, list(body.get("properties") or []) or None)
        out: dict[str, Any] = {"total": len(ids), "results": results}
        if end < len(ids):
            out["paging"] = {"next": {"after": str(end)}}
        return out

    return router
