"""Exponential decay of engagement signals, as of the scoring time.

A signal's weight halves every half-life: with a 90-day half-life a download counts 50 % after three
months and under 2 % after eighteen, so an old download with nothing since no longer qualifies anyone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NS_PER_DAY = 86_400 * 10**9
# Days without a scoring signal -> the decay code shown to sales; longest first.
INACTIVITY_BUCKETS: tuple[int, ...] = (365, 180, 90, 30)


def decay_factor(age_days: np.ndarray, half_life_days: np.ndarray) -> np.ndarray:
    """0.5 ** (age / half-life); ages below zero (same-instant clock skew) count as fresh."""
    age = np.maximum(np.asarray(age_days, dtype=np.float64), 0.0)
    return np.exp2(-age / np.asarray(half_life_days, dtype=np.float64))


def round_points(x: np.ndarray) -> np.ndarray:
    """Half-up rounding to whole points, so per-code points sum exactly to the score."""
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5).astype(np.int64)


def decay_code(days_inactive: np.ndarray) -> pd.Categorical:
    """DECAY_INACTIVE_180D for someone silent for 180+ days; DECAY_SIGNAL_AGE when recently active."""
    days = np.asarray(days_inactive, dtype=np.float64)
    edges = sorted(INACTIVITY_BUCKETS)
    names = ["DECAY_SIGNAL_AGE", *[f"DECAY_INACTIVE_{b}D" for b in edges]]
    return pd.Categorical.from_codes(np.searchsorted(edges, days, side="right"), categories=names)
