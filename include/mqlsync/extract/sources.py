"""One entry point for extracting any (system, object) of the object table (`extract/objects.py`).

`SOURCES` is plain data (no client imports), so a DAG file can expand over it at parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mqlsync.extract.objects import SOURCES, crm_object, resolve

if TYPE_CHECKING:
    from mqlsync.crm.budget import ApiBudget
    from mqlsync.extract.landing import Landing
    from mqlsync.extract.windows import ExtractResult, ExtractWindow

__all__ = ["EXTRACTORS", "SOURCES", "extract_source"]

# One extractor per system; each reads its objects through its own READERS by the table's read mode.
EXTRACTORS: dict[str, str] = {
    "salesforce": "mqlsync.extract.salesforce:extract_salesforce",
    "hubspot": "mqlsync.extract.hubspot:extract_hubspot",
}


def extract_source(
    source: dict[str, str],
    client: Any,
    *,
    window: ExtractWindow,
    landing: Landing,
    budget: ApiBudget,
    config: Any = None,
) -> ExtractResult:
    """Land one SOURCES entry through its system's extractor."""
    obj = crm_object(str(source.get("system")), str(source.get("object", "")))
    extract = resolve(EXTRACTORS[obj.system])
    return extract(client, obj.name, window=window, landing=landing, budget=budget, config=config)
