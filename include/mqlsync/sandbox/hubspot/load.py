"""A world's HubSpot files read into frames, and their columns typed on the way into the store.

`read_world` reads the hubspot/ folder of a generated world; `normalise` coerces each column to the
type its property definition says, so the tables in store.py hold typed values from the start.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mqlsync.sandbox.hubspot.schema import ENGAGEMENT_TYPES, PropertyRegistry

FILE_NAMES: dict[str, str] = {
    "contacts": "contacts.parquet",
    "owners": "owners.parquet",
    "form_submissions": "form_submissions.parquet",
    "web_events": "web_events.parquet",
    **{t: f"engagements_{t}.parquet" for t in ENGAGEMENT_TYPES},
}


def read_world(world_dir: Path) -> dict[str, pd.DataFrame]:
    """The hubspot/ files of a generated world (docs/world-format.md); missing files are empty."""
    folder = Path(world_dir) / "hubspot"
    frames: dict[str, pd.DataFrame] = {}
    for name, file in FILE_NAMES.items():
        path = folder / file
        if path.exists():
            frames[name] = pd.read_parquet(path)
    return frames


def normalise(frame: pd.DataFrame, registry: PropertyRegistry) -> pd.DataFrame:
    """Coerce columns to the type their definition says, so filters and writes never mix types."""
    out = {}
    for col in frame.columns:
        series = frame[col]
        kind = registry.type_of(col) if col in registry.properties else None
        if kind == "datetime" and not isinstance(series.dtype, pd.DatetimeTZDtype):
            series = pd.to_datetime(series, utc=True, errors="coerce")
        elif kind == "number" and not pd.api.types.is_float_dtype(series):
            series = pd.to_numeric(series, errors="coerce").astype("float64")
        elif kind == "bool" and series.dtype != "boolean":
            series = series.astype("boolean")
        elif kind in {"string", "enumeration"} and not pd.api.types.is_string_dtype(series):
            series = series.astype("str").where(series.notna(), None)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.astype("datetime64[ms, UTC]")
        out[col] = series
    return pd.DataFrame(out, index=frame.index)
