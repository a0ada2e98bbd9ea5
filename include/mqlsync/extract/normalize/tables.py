"""Whole-landing entry points: every raw object of a run -> people, events, first touches and links.

Which normalizer reads which raw object, and which canonical table it feeds, is the object table's
(`extract/objects.py`); this module only holds the per-object normalizers it names, each of the
form `(frame, NormalizeContext) -> Normalized | NormalizedPeople`, and combines what they return.
Raw frames are passed by their landing (object) name; any may be absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from mqlsync.extract.normalize.api_shapes import (
    engagements_with_contacts,
    form_submissions_from_history,
    web_events_with_details,
)
from mqlsync.extract.normalize.cleaning import Normalized, concat_quarantine
from mqlsync.extract.normalize.hubspot import (
    hubspot_engagement_touches,
    normalize_form_submissions,
    normalize_hubspot_contacts,
    normalize_web_events,
)
from mqlsync.extract.normalize.people import NormalizedPeople, combine_people, empty_links
from mqlsync.extract.normalize.salesforce import (
    normalize_campaign_members,
    normalize_sf_contacts,
    normalize_sf_leads,
    salesforce_first_touches,
)
from mqlsync.extract.normalize.touches import TOUCH_TYPES, combine_touches
from mqlsync.extract.objects import OBJECTS, CrmObject
from mqlsync.schemas import EVENTS, conform_frame, empty_frame


class NormalizeContext(NamedTuple):
    """What a per-object normalizer may read besides its own frame."""

    object_name: str
    raw: Mapping[str, pd.DataFrame]
    asset_kinds: pd.Series | None = None


class NormalizedTables(NamedTuple):
    """Every canonical table a run's landings give, plus all their quarantine rows."""

    people: pd.DataFrame
    events: pd.DataFrame
    first_touches: pd.DataFrame
    links: pd.DataFrame
    quarantine: pd.DataFrame


# ---- per-object normalizers (named by the object table) -----------------------------------------
def from_sf_leads(frame: pd.DataFrame, ctx: NormalizeContext) -> NormalizedPeople:
    return normalize_sf_leads(frame)


def from_sf_contacts(frame: pd.DataFrame, ctx: NormalizeContext) -> NormalizedPeople:
    return normalize_sf_contacts(frame)


def from_campaign_members(frame: pd.DataFrame, ctx: NormalizeContext) -> Normalized:
    return normalize_campaign_members(frame, ctx.raw.get("Campaign"))


def from_sf_tasks(frame: pd.DataFrame, ctx: NormalizeContext) -> Normalized:
    return salesforce_first_touches(frame)


def from_hubspot_contacts(frame: pd.DataFrame, ctx: NormalizeContext) -> NormalizedPeople:
    return normalize_hubspot_contacts(frame)


def from_form_submissions(frame: pd.DataFrame, ctx: NormalizeContext) -> Normalized:
    return normalize_form_submissions(form_submissions_from_history(frame), asset_kinds=ctx.asset_kinds)


def from_web_events(frame: pd.DataFrame, ctx: NormalizeContext) -> Normalized:
    return normalize_web_events(web_events_with_details(frame))


def from_engagements(frame: pd.DataFrame, ctx: NormalizeContext) -> Normalized:
    return hubspot_engagement_touches(engagements_with_contacts(frame), TOUCH_TYPES[ctx.object_name])


# ---- whole landings --------------------------------------------------------------------------------
def _normalized_parts(
    raw: Mapping[str, pd.DataFrame],
    feeds: str,
    *,
    asset_kinds: pd.Series | None,
    objects: tuple[CrmObject, ...],
) -> list[Normalized | NormalizedPeople]:
    parts = []
    for obj in objects:
        normalize = obj.normalize_function()
        if obj.feeds == feeds and normalize is not None and obj.name in raw:
            parts.append(normalize(raw[obj.name], NormalizeContext(obj.name, raw, asset_kinds)))
    return parts


def normalize_people(
    raw: Mapping[str, pd.DataFrame], *, objects: tuple[CrmObject, ...] = OBJECTS
) -> NormalizedPeople:
    """PEOPLE rows from every object that feeds people (Salesforce Lead/Contact, HubSpot contacts);
    every input row is either accepted or quarantined (MISSING_RECORD_ID, DUPLICATE_RECORD)."""
    return combine_people(_normalized_parts(raw, "people", asset_kinds=None, objects=objects))  # type: ignore[arg-type]


def normalize_events(
    raw: Mapping[str, pd.DataFrame],
    *,
    asset_kinds: pd.Series | None = None,
    objects: tuple[CrmObject, ...] = OBJECTS,
) -> Normalized:
    """EVENTS rows from every object that feeds events. Export files (Marketo, Pardot) come through
    mqlsync.extract.exports instead."""
    parts = _normalized_parts(raw, "events", asset_kinds=asset_kinds, objects=objects)
    frames = [p.accepted for p in parts if not p.accepted.empty]
    events = pd.concat(frames, ignore_index=True) if frames else empty_frame(EVENTS)
    return Normalized(conform_frame(events, EVENTS), concat_quarantine(p.quarantined for p in parts))


def normalize_first_touches(
    raw: Mapping[str, pd.DataFrame], *, objects: tuple[CrmObject, ...] = OBJECTS
) -> Normalized:
    """first_touches (record_id, owner_id, touched_at, type): the earliest sales touch per record."""
    parts = _normalized_parts(raw, "first_touches", asset_kinds=None, objects=objects)
    return combine_touches(parts)  # type: ignore[arg-type]


def normalize_landings(
    raw: Mapping[str, pd.DataFrame],
    *,
    asset_kinds: pd.Series | None = None,
    objects: tuple[CrmObject, ...] = OBJECTS,
) -> NormalizedTables:
    """Every canonical table from a run's raw frames; nothing is dropped without a quarantine row."""
    people = normalize_people(raw, objects=objects)
    events = normalize_events(raw, asset_kinds=asset_kinds, objects=objects)
    touches = normalize_first_touches(raw, objects=objects)
    return NormalizedTables(
        people=people.accepted,
        events=events.accepted,
        first_touches=touches.accepted,
        links=people.links if len(people.links) else empty_links(),
        quarantine=concat_quarantine([people.quarantined, events.quarantined, touches.quarantined]),
    )
