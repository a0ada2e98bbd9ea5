"""The (system, object) pairs a run extracts, for the DAG to map over, and one entry point for them.

`SOURCES` is plain data (no client imports), so a DAG file can expand over it at parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mqlsync.errors import ConfigError

if TYPE_CHECKING:
    from mqlsync.crm.budget import ApiBudget
    from mqlsync.extract.landing import Landing
    from mqlsync.extract.windows import ExtractResult, ExtractWindow

SALESFORCE_OBJECTS = ("Lead", "Contact", "Campaign", "CampaignMember", "Task")
HUBSPOT_OBJECTS = ("contacts", "form_submissions", "web_events", "emails", "calls", "meetings")

SOURCES: list[dict[str, str]] = [
    *({"system": "salesforce", "object": o} for o in SALESFORCE_OBJECTS),
    *({"system": "hubspot", "object": o} for o in HUBSPOT_OBJECTS),
]


def extract_source(
    source: dict[str, str],
    client: Any,
    *,
    window: ExtractWindow,
    landing: Landing,
    budget: ApiBudget,
    config: Any = None,
) -> ExtractResult:
    """Dispatch one SOURCES entry to `extract_salesforce` or `extract_hubspot`."""
    system, object_name = source.get("system"), source.get("object", "")
    if system == "salesforce":
        from mqlsync.extract.salesforce import extract_salesforce

        return extract_salesforce(
            client, object_name, window=window, landing=landing, budget=budget, config=config
        )
    if system == "hubspot":
        from mqlsync.extract.hubspot import extract_hubspot

        return extract_hubspot(
            client, object_name, window=window, landing=landing, budget=budget, config=config
        )
    raise ConfigError("extract source", [f"system {system!r} is not salesforce or hubspot"])
