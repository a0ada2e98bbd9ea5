"""Choosing each person's segment: campaign, then product interest, then organisation type.

The order is the model's `segment_precedence`; a person nothing matches falls into `default_segment`.
Product interest is the product line of the taxonomy assets a person engaged with most (corporate
pages carry none); ties go to the segment listed first in the model, so the choice is deterministic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mqlsync.score.model import ScoringModel


def choose_segments(people: pd.DataFrame, events: pd.DataFrame, model: ScoringModel) -> np.ndarray:
    """Segment position (into model.segments) per person."""
    n = len(people)
    names = model.segment_names()
    found = {
        "campaign": _by_campaign(events, model, n),
        "product_interest": _by_product_interest(events, model, n),
        "organization_type": _by_organization_type(people, model),
    }
    chosen = np.full(n, -1, dtype=np.int64)
    for source in model.segment_precedence:
        chosen = np.where(chosen < 0, found[source], chosen)
    return np.where(chosen < 0, names.index(model.default_segment), chosen)


def _by_organization_type(people: pd.DataFrame, model: ScoringModel) -> np.ndarray:
    lookup: dict[str, int] = {}
    for i, seg in enumerate(model.segments.values()):
        for org in seg.match.organization_types:
            lookup.setdefault(org, i)
    return people["organization_type"].map(lookup).fillna(-1).to_numpy(dtype=np.int64)


def _by_product_interest(events: pd.DataFrame, model: ScoringModel, n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    taxonomy = model.taxonomy_frame
    if not len(events) or not len(taxonomy):
        return out
    lookup: dict[str, int] = {}
    for i, seg in enumerate(model.segments.values()):
        for line in seg.match.product_lines:
            lookup.setdefault(line, i)
    asset_segment = taxonomy["product_line"].map(lookup).fillna(-1).to_numpy(dtype=np.int64)
    asset = events["asset"].to_numpy()
    seg = np.where(asset >= 0, asset_segment[np.maximum(asset, 0)], -1)
    keep = seg >= 0
    if not keep.any():
        return out
    k = len(model.segments)
    counts = np.bincount(events["person"].to_numpy()[keep] * k + seg[keep], minlength=n * k).reshape(n, k)
    best = counts.argmax(axis=1)  # first maximum: the segment listed first wins a tie
    return np.where(counts.max(axis=1) > 0, best, -1)


def _by_campaign(events: pd.DataFrame, model: ScoringModel, n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    if not len(events) or events["campaign_id"].isna().all():
        return out
    campaign = events["campaign_id"].astype("string")
    seg = np.full(len(events), -1, dtype=np.int64)
    for i, s in reversed(list(enumerate(model.segments.values()))):
        if s.match.campaign_prefixes:
            hit = campaign.str.startswith(tuple(s.match.campaign_prefixes)).fillna(False).to_numpy(bool)
            seg[hit] = i
    keep = seg >= 0
    if not keep.any():
        return out
    # The latest campaign touch decides (ties: the later segment position, deterministic).
    sub = pd.DataFrame(
        {
            "person": events["person"].to_numpy()[keep],
            "t": events["occurred"].to_numpy()[keep],
            "s": seg[keep],
        }
    )
    last = sub.sort_values(["person", "t", "s"], kind="stable").drop_duplicates("person", keep="last")
    out[last["person"].to_numpy()] = last["s"].to_numpy()
    return out
