"""Property definitions per object type: the types that decide how a string on the wire is stored,
filtered and validated, and the metadata the properties API returns.

HubSpot keeps a definition for every property (type, fieldType, group, options, read-only flag);
the sandbox needs the same so that a search on a datetime compares instants, an enumeration
rejects unknown options, and a write to a calculated property fails as it does on a real portal.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

PROPERTY_TYPES = {"string", "number", "date", "datetime", "enumeration", "bool"}
FIELD_TYPES = {
    "textarea",
    "text",
    "date",
    "file",
    "number",
    "select",
    "radio",
    "checkbox",
    "booleancheckbox",
    "calculation_equation",
}
ENGAGEMENT_TYPES = ("emails", "calls", "meetings", "notes", "tasks")
OBJECT_TYPES = ("contacts", *ENGAGEMENT_TYPES)
LIFECYCLE_STAGES = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
]
LEAD_STATUSES = [
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
]
ANALYTICS_SOURCES = [
    "ORGANIC_SEARCH",
    "PAID_SEARCH",
    "EMAIL_MARKETING",
    "SOCIAL_MEDIA",
    "REFERRALS",
    "OTHER_CAMPAIGNS",
    "DIRECT_TRAFFIC",
    "OFFLINE",
    "PAID_SOCIAL",
]

# name -> (type, fieldType, group, read-only, options)
_CONTACT: dict[str, tuple[str, str, str, bool, list[str]]] = {
    "email": ("string", "text", "contactinformation", False, []),
    "firstname": ("string", "text", "contactinformation", False, []),
    "lastname": ("string", "text", "contactinformation", False, []),
    "jobtitle": ("string", "text", "contactinformation", False, []),
    "company": ("string", "text", "contactinformation", False, []),
    "phone": ("string", "text", "contactinformation", False, []),
    "country": ("string", "text", "contactinformation", False, []),
    "state": ("string", "text", "contactinformation", False, []),
    "city": ("string", "text", "contactinformation", False, []),
    "industry": ("string", "text", "contactinformation", False, []),
    "numemployees": ("number", "number", "contactinformation", False, []),
    "lifecyclestage": ("enumeration", "radio", "contactinformation", False, LIFECYCLE_STAGES),
    "hs_lead_status": ("enumeration", "radio", "sales_properties", False, LEAD_STATUSES),
    "hubspot_owner_id": ("enumeration", "select", "sales_properties", False, []),
    "createdate": ("datetime", "date", "contactinformation", False, []),
    "lastmodifieddate": ("datetime", "date", "contactinformation", True, []),
    "hs_object_id": ("number", "number", "contactinformation", True, []),
    "hs_email_optout": ("bool", "booleancheckbox", "emailinformation", True, []),
    "hs_legal_basis": ("string", "checkbox", "contactinformation", False, []),
    "organization_type": ("string", "text", "life_sciences", False, []),
    "therapeutic_areas": ("string", "text", "life_sciences", False, []),
    "program_stage": ("string", "text", "life_sciences", False, []),
    "evaluation_timeline": ("string", "text", "life_sciences", False, []),
    "hs_analytics_source": ("enumeration", "select", "analyticsinformation", True, ANALYTICS_SOURCES),
    "hs_analytics_num_page_views": ("number", "number", "analyticsinformation", True, []),
    "hs_analytics_num_visits": ("number", "number", "analyticsinformation", True, []),
    "hs_analytics_last_visit_timestamp": ("datetime", "date", "analyticsinformation", True, []),
    "hs_email_last_open_date": ("datetime", "date", "emailinformation", True, []),
    "hs_email_last_click_date": ("datetime", "date", "emailinformation", True, []),
    "num_conversion_events": ("number", "number", "conversioninformation", True, []),
    "first_conversion_event_name": ("string", "text", "conversioninformation", True, []),
    "first_conversion_date": ("datetime", "date", "conversioninformation", True, []),
    "recent_conversion_event_name": ("string", "text", "conversioninformation", True, []),
    "recent_conversion_date": ("datetime", "date", "conversioninformation", True, []),
    "hs_merged_object_ids": ("enumeration", "checkbox", "contactinformation", True, []),
    "hubspotscore": ("number", "number", "contactinformation", True, []),
}
_ENGAGEMENT: dict[str, tuple[str, str, str, bool, list[str]]] = {
    "hs_timestamp": ("datetime", "date", "engagement", False, []),
    "hubspot_owner_id": ("enumeration", "select", "engagement", False, []),
    "hs_createdate": ("datetime", "date", "engagement", True, []),
    "hs_lastmodifieddate": ("datetime", "date", "engagement", True, []),
    "hs_object_id": ("number", "number", "engagement", True, []),
}
DEFAULT_PROPERTIES = {
    "contacts": ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
    **{t: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"] for t in ENGAGEMENT_TYPES},
}
GROUPS = {
    "contacts": {
        "contactinformation": "Contact information",
        "sales_properties": "Sales properties",
        "emailinformation": "Email information",
        "analyticsinformation": "Web analytics history",
        "conversioninformation": "Conversion information",
        "life_sciences": "Life sciences",
    },
    **{t: {"engagement": "Engagement"} for t in ENGAGEMENT_TYPES},
}
EPOCH = "2019-08-06T18:05:11.000Z"  # when the built-in definitions "were created"


def created_property(object_type: str) -> str:
    return "createdate" if object_type == "contacts" else "hs_createdate"


def modified_property(object_type: str) -> str:
    return "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"


def property_definition(
    name: str,
    type_: str,
    field_type: str,
    group: str,
    *,
    read_only: bool = False,
    options: list[dict[str, Any]] | list[str] | None = None,
    label: str | None = None,
    description: str = "",
    hubspot_defined: bool = True,
    created_at: str = EPOCH,
) -> dict[str, Any]:
    """The full JSON HubSpot returns for a property (all fields the client's model requires)."""
    opts = [
        o
        if isinstance(o, dict)
        else {"label": o.replace("_", " ").title(), "value": o, "displayOrder": i, "hidden": False}
        for i, o in enumerate(options or [])
    ]
    return {
        "name": name,
        "label": label or name.replace("_", " ").capitalize(),
        "type": type_,
        "fieldType": field_type,
        "description": description,
        "groupName": group,
        "options": opts,
        "displayOrder": -1,
        "calculated": read_only and type_ == "number",
        "externalOptions": False,
        "hasUniqueValue": name == "email",
        "hidden": False,
        "hubspotDefined": hubspot_defined,
        "formField": not read_only,
        "archived": False,
        "createdAt": created_at,
        "updatedAt": created_at,
        "modificationMetadata": {
            "archivable": not hubspot_defined,
            "readOnlyDefinition": hubspot_defined,
            "readOnlyValue": read_only,
        },
    }


def infer_type(series: pd.Series) -> tuple[str, str]:
    """A property type for a column the sandbox has no definition for, from its dtype."""
    if pd.api.types.is_bool_dtype(series):
        return "bool", "booleancheckbox"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime", "date"
    if pd.api.types.is_numeric_dtype(series):
        return "number", "number"
    return "string", "text"


class PropertyRegistry:
    """The property definitions and groups of one object type, mutable through the properties API."""

    def __init__(self, object_type: str) -> None:
        self.object_type = object_type
        base = _CONTACT if object_type == "contacts" else _ENGAGEMENT
        self.properties: dict[str, dict[str, Any]] = {
            name: property_definition(name, t, f, g, read_only=ro, options=opts)
            for name, (t, f, g, ro, opts) in base.items()
        }
        self.archived_properties: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {
            name: {"name": name, "label": label, "displayOrder": i, "archived": False}
            for i, (name, label) in enumerate(GROUPS[object_type].items())
        }
        if object_type == "contacts":
            self._add_mqlsync_defaults()

    def _add_mqlsync_defaults(self) -> None:
        # The world files carry these columns (null at first); a real portal gets them from
        # `mqlsync` setup. Defining them here lets extract and push run before that step.
        self.groups.setdefault(
            "mqlsync", {"name": "mqlsync", "label": "mqlsync", "displayOrder": 9, "archived": False}
        )
        for name in ("lead_score", "fit_score", "intent_score"):
            self.properties[name] = property_definition(
                name, "number", "number", "mqlsync", hubspot_defined=False
            )
        for name in ("mql_date", "sla_due"):
            self.properties[name] = property_definition(
                name, "datetime", "date", "mqlsync", hubspot_defined=False
            )
        for name in ("mql_status", "lead_tier", "mql_reason_codes", "routing_queue", "scoring_model_version"):
            self.properties[name] = property_definition(
                name, "string", "text", "mqlsync", hubspot_defined=False
            )
        self.properties["mql_handoff_summary"] = property_definition(
            "mql_handoff_summary", "string", "textarea", "mqlsync", hubspot_defined=False
        )

    def ensure_column(self, name: str, series: pd.Series) -> None:
        if name not in self.properties:
            type_, field_type = infer_type(series)
            group = next(iter(self.groups))
            self.properties[name] = property_definition(name, type_, field_type, group)

    def get(self, name: str) -> dict[str, Any] | None:
        return self.properties.get(name)

    def type_of(self, name: str) -> str:
        prop = self.properties.get(name)
        return prop["type"] if prop else "string"

    def read_only(self, name: str) -> bool:
        prop = self.properties.get(name)
        return bool(prop and prop["modificationMetadata"]["readOnlyValue"])

    def option_values(self, name: str) -> list[str]:
        prop = self.properties.get(name)
        return [o["value"] for o in prop["options"]] if prop else []

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.properties)
