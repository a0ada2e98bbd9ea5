"""The CRM objects a run extracts: one table, read by the DAG, the extractors and normalize.

Adding an object is one `CrmObject` entry here plus its normalizer (a function
`(frame, NormalizeContext) -> Normalized | NormalizedPeople` named by `normalizer`); nothing else in
extract names objects. The table is plain data with no pandas or client imports, so a DAG file can
expand over `SOURCES` at parse time; functions are named by dotted path and imported on first use.

Columns of the table:

- `cursor`: the field the object's watermark follows (read inclusively, overlap dropped by id).
- `read`: how its system reads it: `soql` for every Salesforce object (`extract/salesforce.py`),
  one of `extract/hubspot.py: READERS` for HubSpot.
- `feeds`: the canonical table its normalizer adds to (`people`, `events`, `first_touches`), or
  `lookup` for an object other normalizers read through the context (Salesforce `Campaign`).
- `parent_fields` (Salesforce) and `properties` (HubSpot engagements): what the read selects beyond
  the object's own fields; `api_object`: the CRM object a search reads when it is not `name`.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from mqlsync.errors import ConfigError

System = Literal["salesforce", "hubspot"]
Feeds = Literal["people", "events", "first_touches", "lookup"]
NORMALIZE = "mqlsync.extract.normalize.tables"
ENGAGEMENT_PROPERTIES = ("hs_timestamp", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate")


@dataclass(frozen=True)
class CrmObject:
    """One extractable CRM object (see the module docstring for the columns)."""

    system: System
    name: str
    cursor: str
    read: str
    feeds: Feeds
    normalizer: str | None = None
    parent_fields: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    api_object: str | None = None

    @property
    def source(self) -> dict[str, str]:
        """The JSON-able mapping a DAG expands over (and an extract task receives)."""
        return {"system": self.system, "object": self.name}

    def normalize_function(self) -> Callable[..., Any] | None:
        return resolve(self.normalizer) if self.normalizer else None


OBJECTS: tuple[CrmObject, ...] = (
    CrmObject("salesforce", "Lead", "SystemModstamp", "soql", "people", f"{NORMALIZE}:from_sf_leads"),
    CrmObject(
        "salesforce",
        "Contact",
        "SystemModstamp",
        "soql",
        "people",
        f"{NORMALIZE}:from_sf_contacts",
        # A Contact's organisation lives on its Account; standard fields only, every org has them.
        parent_fields=("Account.Name", "Account.NumberOfEmployees"),
    ),
    CrmObject("salesforce", "Campaign", "SystemModstamp", "soql", "lookup"),
    CrmObject(
        "salesforce",
        "CampaignMember",
        "SystemModstamp",
        "soql",
        "events",
        f"{NORMALIZE}:from_campaign_members",
        parent_fields=("Campaign.Type",),
    ),
    CrmObject(
        "salesforce",
        "Task",
        "SystemModstamp",
        "soql",
        "first_touches",
        f"{NORMALIZE}:from_sf_tasks",
        parent_fields=("Who.Type",),
    ),
    # `lastmodifieddate`: `hs_lastmodifieddate` silently misses contacts (see docs/extract.md).
    CrmObject(
        "hubspot",
        "contacts",
        "lastmodifieddate",
        "contacts_search",
        "people",
        f"{NORMALIZE}:from_hubspot_contacts",
    ),
    CrmObject(
        "hubspot",
        "form_submissions",
        "lastmodifieddate",
        "conversion_history",
        "events",
        f"{NORMALIZE}:from_form_submissions",
        api_object="contacts",  # the contacts whose conversions changed, then their history
    ),
    CrmObject("hubspot", "web_events", "occurredAt", "web_events", "events", f"{NORMALIZE}:from_web_events"),
    CrmObject(
        "hubspot",
        "emails",
        "hs_lastmodifieddate",
        "engagement_search",
        "first_touches",
        f"{NORMALIZE}:from_engagements",
        properties=(*ENGAGEMENT_PROPERTIES, "hs_email_subject", "hs_email_direction"),
    ),
    CrmObject(
        "hubspot",
        "calls",
        "hs_lastmodifieddate",
        "engagement_search",
        "first_touches",
        f"{NORMALIZE}:from_engagements",
        properties=(*ENGAGEMENT_PROPERTIES, "hs_call_direction", "hs_call_title"),
    ),
    CrmObject(
        "hubspot",
        "meetings",
        "hs_lastmodifieddate",
        "engagement_search",
        "first_touches",
        f"{NORMALIZE}:from_engagements",
        properties=(*ENGAGEMENT_PROPERTIES, "hs_meeting_title"),
    ),
)

SOURCES: list[dict[str, str]] = [o.source for o in OBJECTS]
SYSTEMS: tuple[System, ...] = tuple(dict.fromkeys(o.system for o in OBJECTS))


def check_object_table(objects: tuple[CrmObject, ...]) -> None:
    # Raw frames are keyed by object name in normalize, so a name may appear once across systems.
    repeated = [name for name, n in Counter(o.name for o in objects).items() if n > 1]
    if repeated:
        raise ConfigError(
            "extract object table", [f"object name {name!r} appears twice" for name in repeated]
        )


check_object_table(OBJECTS)


def crm_object(system: str, name: str, objects: tuple[CrmObject, ...] = OBJECTS) -> CrmObject:
    """The table entry for `system`/`name`; a clear terminal error lists the known ones."""
    for obj in objects:
        if obj.system == system and obj.name == name:
            return obj
    from mqlsync.errors import CrmTerminalError

    known = ", ".join(o.name for o in objects if o.system == system) or "none"
    raise CrmTerminalError(
        f"unknown {system} object {name!r}; extract knows {known} (extract/objects.py)",
        system=system,
        object=name,
    )


def resolve(path: str) -> Callable[..., Any]:
    """`"package.module:function"` -> the function (imported on first use)."""
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)
