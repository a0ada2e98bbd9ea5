"""HubSpot CRM search paging past the 10,000-result cap, used by every search-based pull.

The search cap: a window whose `total` passes 10,000 is split (`split_search_window`) until every
piece fits; inside a piece pages are read by keyset (`lastmodifieddate >= last seen`, `after` always
0, ids already landed at that instant dropped) so a record modified while paging cannot shift an
offset and be skipped. A page that is one instant from end to end switches to a tie-break on
`hs_object_id` for that instant, which also handles more than 10,000 records sharing one timestamp.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from mqlsync.extract.hubspot_calls import HubSpotCaller
from mqlsync.extract.windows import SearchWindow, epoch_ms, parse_instant, split_search_window

if TYPE_CHECKING:  # hubspot.py imports this module
    from mqlsync.extract.hubspot import HubSpotExtractConfig

SEARCH_CAP = 10_000


def _search_body(
    window: SearchWindow,
    cursor: int,
    config: HubSpotExtractConfig,
    *,
    tie_id: int | None,
    extra_filters: list[dict[str, Any]],
    properties: list[str],
    cursor_property: str = "lastmodifieddate",
) -> dict[str, Any]:
    if tie_id is None:
        filters = [
            {"propertyName": cursor_property, "operator": "GTE", "value": str(cursor)},
            {"propertyName": cursor_property, "operator": "LT", "value": str(window.hi)},
        ]
        sort = cursor_property
    else:
        filters = [
            {"propertyName": cursor_property, "operator": "EQ", "value": str(cursor)},
            {"propertyName": "hs_object_id", "operator": "GT", "value": str(tie_id)},
        ]
        sort = "hs_object_id"
    return {
        "filterGroups": [{"filters": filters + extra_filters}],
        "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
        "properties": properties,
        "limit": config.search_page_size,
        "after": "0",
    }


class SearchHit(NamedTuple):
    """One step of a search read: an object with its cursor, or (obj None) a position only.

    `safe`: everything with a cursor at or below it has been yielded once this hit is consumed (None:
    no change). `tie_id`: the last id read inside a one-instant tie-break. `mode`: how the read is
    going (`search`, `search-split`, `search-tie-break`), for the landing's manifest.
    """

    obj: Any
    stamp: int | None
    safe: int | None
    tie_id: str | None
    mode: str


def iter_search(
    caller: HubSpotCaller,
    bounds: SearchWindow,
    config: HubSpotExtractConfig,
    *,
    properties: list[str],
    extra_filters: list[dict[str, Any]] | None = None,
) -> Iterator[SearchHit]:
    """Objects with their cursor (`caller.cursor_property`) in `bounds`, in cursor order, each once.

    Windows over the cap are split (sized from the probe's `total`); each fitting window is read by
    keyset. The cursor state travels in the hits; nothing is shared with the caller.
    """
    extra = extra_filters or []
    pending = [bounds]
    mode = "search"
    while pending:
        window = pending.pop(0)
        probe = caller.search(_body(caller, window, window.lo, config, None, extra, properties))
        if probe.total > config.search_cap and window.width > 1:
            pending[0:0] = split_search_window(window, probe.total, cap=config.search_cap)
            mode = "search-split"
            continue
        mode = yield from _keyset(caller, window, probe, config, properties, extra, mode)
        yield SearchHit(None, None, window.hi - 1, None, mode)


def _body(
    caller: HubSpotCaller,
    window: SearchWindow,
    cursor: int,
    config: HubSpotExtractConfig,
    tie_id: int | None,
    extra: list[dict[str, Any]],
    properties: list[str],
) -> dict[str, Any]:
    return _search_body(
        window,
        cursor,
        config,
        tie_id=tie_id,
        extra_filters=extra,
        properties=properties,
        cursor_property=caller.cursor_property,
    )


def _keyset(
    caller: HubSpotCaller,
    window: SearchWindow,
    page: Any,
    config: HubSpotExtractConfig,
    properties: list[str],
    extra: list[dict[str, Any]],
    mode: str,
) -> Generator[SearchHit, None, str]:
    """Pages of one fitting window by keyset; returns the mode it ended in."""
    cursor = window.lo
    seen_at_cursor: set[str] = set()
    while True:
        results = page.results or []
        stamps = [cursor_stamp(r, caller.cursor_property) for r in results]
        for obj, stamp in zip(results, stamps, strict=True):
            if stamp == cursor and obj.id in seen_at_cursor:
                continue
            if stamp != cursor:
                cursor, seen_at_cursor = stamp, set()
            seen_at_cursor.add(obj.id)
            yield SearchHit(obj, stamp, stamp - 1, None, mode)
        if len(results) < config.search_page_size:
            return mode
        if stamps[0] == stamps[-1]:  # a full page of one instant: read that instant by id
            mode = "search-tie-break"
            yield SearchHit(None, None, None, str(results[-1].id), mode)
            yield from _tie_break(caller, window, stamps[0], results[-1].id, config, properties, extra)
            cursor, seen_at_cursor = stamps[0] + 1, set()
            yield SearchHit(None, None, cursor - 1, None, mode)
        page = caller.search(_body(caller, window, cursor, config, None, extra, properties))


def _tie_break(
    caller: HubSpotCaller,
    window: SearchWindow,
    stamp: int,
    after_id: str,
    config: HubSpotExtractConfig,
    properties: list[str],
    extra: list[dict[str, Any]],
) -> Iterator[SearchHit]:
    last = int(after_id)
    while True:
        page = caller.search(_body(caller, window, stamp, config, last, extra, properties))
        results = page.results or []
        for obj in results:
            yield SearchHit(obj, stamp, stamp - 1, str(obj.id), "search-tie-break")
        if len(results) < config.search_page_size:
            return
        last = int(results[-1].id)


def cursor_stamp(obj: Any, cursor_property: str = "lastmodifieddate") -> int:
    """`cursor_property` of a search result in epoch ms (its `updatedAt` when the property is empty)."""
    value = (obj.properties or {}).get(cursor_property)
    if value:
        return epoch_ms(parse_instant(value))
    return epoch_ms(obj.updated_at)
