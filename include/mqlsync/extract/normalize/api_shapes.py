"""HubSpot objects as the API returns them -> the columns the normalize functions read.

The raw landing keeps each API's own shape: form conversions arrive as versions of the
`recent_conversion_event_name` property history, web-analytics events carry their details in a JSON
`properties` object, and engagements list their contacts under `associations.contacts`. The
generator's files already have the flat columns, so each adapter leaves a frame alone when it does.
"""

from __future__ import annotations

import json

import pandas as pd

CONVERSION_PROPERTY = "recent_conversion_event_name"
WEB_EVENT_DETAILS = ("hs_url", "asset_id", "campaign_id")


def form_submissions_from_history(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per form conversion: history versions of the conversion-name property from a form."""
    if "contactId" not in frame.columns:
        return frame
    versions = frame
    if "property" in frame.columns:
        versions = versions[versions["property"].astype("string") == CONVERSION_PROPERTY]
    if "sourceType" in frame.columns:
        versions = versions[versions["sourceType"].astype("string").str.upper() == "FORM"]
    return pd.DataFrame(
        {
            "contact_id": versions["contactId"].astype("string"),
            "form_id": versions.get("sourceId", pd.Series(pd.NA, index=versions.index)).astype("string"),
            "form_name": versions["value"].astype("string"),
            "submitted_at": versions["timestamp"].astype("string"),
        }
    ).reset_index(drop=True)


def _details(text: object) -> dict[str, object]:
    if not isinstance(text, str) or not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def web_events_with_details(frame: pd.DataFrame) -> pd.DataFrame:
    """Lift `hs_url`, `asset_id` and `campaign_id` out of the events API's `properties` JSON."""
    if "properties" not in frame.columns or "asset_id" in frame.columns:
        return frame
    details = pd.DataFrame(
        [_details(t) for t in frame["properties"].tolist()],
        index=frame.index,
        columns=list(WEB_EVENT_DETAILS),
    )
    return pd.concat([frame.drop(columns=["properties"]), details.astype("string")], axis=1)


def engagements_with_contacts(frame: pd.DataFrame) -> pd.DataFrame:
    """`associations.contacts` (`;`-joined ids) is the `contact_ids` column of the generator's files."""
    if "associations.contacts" not in frame.columns or "contact_ids" in frame.columns:
        return frame
    return frame.rename(columns={"associations.contacts": "contact_ids"})
