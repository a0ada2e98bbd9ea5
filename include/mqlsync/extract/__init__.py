"""CRM records -> raw landing (this package) -> canonical tables (normalize/).

Public surface for the DAG steps: `SOURCES`, `extract_salesforce`, `extract_hubspot`,
`extract_source`, `ExtractWindow`, `ExtractResult`, `Landing`, `read_landing`, `iter_landings`,
`watermark_from_result`, `advance_watermark`. The CRM modules are imported lazily so importing this
package (e.g. for `SOURCES` at DAG parse time) stays cheap. See docs/extract.md.
"""

from __future__ import annotations

from typing import Any

from mqlsync.extract.sources import SOURCES, extract_source
from mqlsync.extract.windows import (
    ExtractResult,
    ExtractWindow,
    WatermarkUpdate,
    advance_watermark,
    watermark_from_result,
)

__all__ = [
    "SOURCES",
    "ExtractResult",
    "ExtractWindow",
    "HubSpotExtractConfig",
    "Landing",
    "SalesforceExtractConfig",
    "WatermarkUpdate",
    "advance_watermark",
    "extract_hubspot",
    "extract_salesforce",
    "extract_source",
    "iter_landings",
    "read_landing",
    "watermark_from_result",
]

_LAZY = {
    "Landing": "mqlsync.extract.landing",
    "iter_landings": "mqlsync.extract.landing",
    "read_landing": "mqlsync.extract.landing",
    "extract_salesforce": "mqlsync.extract.salesforce",
    "SalesforceExtractConfig": "mqlsync.extract.salesforce",
    "extract_hubspot": "mqlsync.extract.hubspot",
    "HubSpotExtractConfig": "mqlsync.extract.hubspot",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mqlsync.extract' has no attribute {name!r}")
