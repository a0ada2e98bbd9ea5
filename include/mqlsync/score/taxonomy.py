"""The content taxonomy as a lookup table: asset_id -> kind, topic, therapeutic area, product line, stage.

The taxonomy is owned by the generator (include/models/content_taxonomy.yaml); scoring only reads it,
so that a generic brochure (early) and a clinical-workflow checklist (late) do not score alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from mqlsync.errors import ConfigError
from mqlsync.schemas import CONTENT_STAGES

TAXONOMY_COLUMNS: tuple[str, ...] = ("title", "kind", "topic", "therapeutic_area", "product_line", "stage")


def taxonomy_frame(assets: list[dict[str, Any]], *, source: str = "taxonomy") -> pd.DataFrame:
    """A frame indexed by asset_id; every problem in the list is reported at once."""
    problems: list[str] = []
    seen: set[str] = set()
    rows = []
    for i, asset in enumerate(assets):
        if not isinstance(asset, dict):
            problems.append(f"assets[{i}]: expected a mapping, got {type(asset).__name__}")
            continue
        asset_id = asset.get("asset_id")
        if not asset_id:
            problems.append(f"assets[{i}].asset_id: missing (every asset needs a stable id)")
            continue
        if asset_id in seen:
            problems.append(f"assets[{i}].asset_id: {asset_id!r} is listed twice")
        seen.add(asset_id)
        stage = asset.get("stage")
        if stage not in CONTENT_STAGES:
            problems.append(f"assets[{i}].stage: {stage!r} is not one of {', '.join(CONTENT_STAGES)}")
        rows.append({"asset_id": str(asset_id), **{c: asset.get(c) for c in TAXONOMY_COLUMNS}})
    if problems:
        raise ConfigError(source, problems)
    frame = pd.DataFrame(rows, columns=["asset_id", *TAXONOMY_COLUMNS])
    frame["title"] = frame["title"].fillna(frame["asset_id"])
    frame["therapeutic_area"] = frame["therapeutic_area"].fillna("general")
    frame[["kind", "topic", "product_line"]] = frame[["kind", "topic", "product_line"]].fillna("unknown")
    return frame.drop_duplicates("asset_id").set_index("asset_id").astype("string")


def load_taxonomy(path: Path | str) -> pd.DataFrame:
    """Read the taxonomy YAML into a frame (see `taxonomy_frame`)."""
    path = Path(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(str(path), ["file not found (check the model's taxonomy: key)"]) from err
    except yaml.YAMLError as err:
        raise ConfigError(str(path), [f"not valid YAML: {err}"]) from err
    if not isinstance(loaded, dict) or not isinstance(loaded.get("assets"), list):
        raise ConfigError(str(path), ["assets: missing; expected a list of asset mappings"])
    return taxonomy_frame(loaded["assets"], source=str(path))


def asset_kinds(path: Path | str) -> pd.Series:
    """`kind` per `asset_id` (what normalize refines form and event types with)."""
    taxonomy = load_taxonomy(path)
    return taxonomy.set_index("asset_id")["kind"] if "asset_id" in taxonomy else taxonomy["kind"]


def asset_column(
    taxonomy: pd.DataFrame, column: str, asset: np.ndarray, missing: object = None
) -> np.ndarray:
    """The taxonomy value of `column` per event asset position (-1 = asset not in the taxonomy)."""
    values = taxonomy[column].to_numpy(dtype=object)
    out = np.full(len(asset), missing, dtype=object)
    known = asset >= 0
    out[known] = values[asset[known]]
    return out


def asset_stage(taxonomy: pd.DataFrame, asset: np.ndarray) -> np.ndarray:
    """Content stage code per event: 0 early, 1 mid, 2 late, -1 no known asset."""
    codes = pd.Categorical(taxonomy["stage"].to_numpy(dtype=object), categories=CONTENT_STAGES).codes
    return np.where(asset >= 0, codes[np.maximum(asset, 0)] if len(codes) else -1, -1).astype(np.int16)


def asset_in(taxonomy: pd.DataFrame, column: str, values: list[str], asset: np.ndarray) -> np.ndarray:
    """True per event whose asset's `column` is one of `values`."""
    hit = taxonomy[column].isin(values).fillna(False).to_numpy(dtype=bool)
    return np.where(asset >= 0, hit[np.maximum(asset, 0)] if len(hit) else False, False)
