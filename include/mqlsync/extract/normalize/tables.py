"""Whole-landing entry points: every raw object of a run -> people, events and first touches.

Raw frames are passed by their landing name (`Lead`, `Contact`, `CampaignMember`, `Campaign`, `Task`,
`contacts`, `form_submissions`, `web_events`, `emails`, `calls`, `meetings`); any may be absent.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from mqlsync.extract.normalize.cleaning import Normalized, concat_quarantine
from mqlsync.extract.normalize.hubspot import (
    hubspot_first_touches,
    normalize_form_submissions,
    normalize_hubspot_contacts,
    normalize_web_events,
)
from mqlsync.extract.normalize.people import NormalizedPeople, combine_people
from mqlsync.extract.normalize.salesforce import (
    normalize_campaign_members,
    normalize_sf_contacts,
    normalize_sf_leads,
    salesforce_first_touches,
)
from mqlsync.extract.normalize.touches import combine_touches
from mqlsync.schemas import EVENTS, conform_frame, empty_frame


def normalize_people(raw: Mapping[str, pd.DataFrame]) -> NormalizedPeople:
    """PEOPLE rows from Salesforce `Lead`/`Contact` and HubSpot `contacts`; every input row is either
    accepted or quarantined (MISSING_RECORD_ID, DUPLICATE_RECORD), never dropped."""
    parts = []
    if "Lead" in raw:
        parts.append(normalize_sf_leads(raw["Lead"]))
    if "Contact" in raw:
        parts.append(normalize_sf_contacts(raw["Contact"]))
    if "contacts" in raw:
        parts.append(normalize_hubspot_contacts(raw["contacts"]))
    return combine_people(parts)


def normalize_events(raw: Mapping[str, pd.DataFrame], *, asset_kinds: pd.Series | None = None) -> Normalized:
    """EVENTS rows from CampaignMember (+ Campaign), form_submissions and web_events. Export files
    (Marketo, Pardot) come through mqlsync.extract.exports.load_exports instead."""
    parts = []
    if "CampaignMember" in raw:
        parts.append(normalize_campaign_members(raw["CampaignMember"], raw.get("Campaign")))
    if "form_submissions" in raw:
        parts.append(normalize_form_submissions(raw["form_submissions"], asset_kinds=asset_kinds))
    if "web_events" in raw:
        parts.append(normalize_web_events(raw["web_events"]))
    frames = [p.accepted for p in parts if not p.accepted.empty]
    events = pd.concat(frames, ignore_index=True) if frames else empty_frame(EVENTS)
    return Normalized(conform_frame(events, EVENTS), concat_quarantine(p.quarantined for p in parts))


def normalize_first_touches(raw: Mapping[str, pd.DataFrame]) -> Normalized:
    """first_touches (record_id, owner_id, touched_at, type) from Salesforce Task and HubSpot engagements."""
    parts = []
    if "Task" in raw:
        parts.append(salesforce_first_touches(raw["Task"]))
    if any(k in raw for k in ("emails", "calls", "meetings")):
        parts.append(hubspot_first_touches(raw.get("emails"), raw.get("calls"), raw.get("meetings")))
    return combine_touches(parts)
