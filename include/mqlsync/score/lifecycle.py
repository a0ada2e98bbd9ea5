"""The MQL lifecycle across runs: mql_at is set once, sales-owned records are never un-MQL'd,
and a recycled person qualifies again only with new intent after the recycle date.

Decisions (see include/models/README.md):
- A person MQL'd in an earlier run stays `mql` with the same `mql_at`, even if the score drops: the
  handoff happened and the SLA clock is running. A disqualifier that appears later (unsubscribe,
  do-not-contact) ends it, unless sales already own the record (working, accepted, sql, converted,
  closed), whose status mqlsync never overrides; the disqualifier is still reported.
- Recycled (crm_status `recycled`/`closed`, or a recycled_at date after the last MQL): the old MQL no
  longer holds; the person qualifies again only if the rule holds on intent from events after the
  recycle date, and that new MQL starts a new cycle with a new mql_at. Until then mql_at keeps the
  previous cycle's date for the record.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from mqlsync.schemas import SALES_OWNED_STATUSES

RECYCLED_STATUSES: tuple[str, ...] = ("recycled", "closed")


class Lifecycle(NamedTuple):
    status: np.ndarray
    mql_at: np.ndarray  # datetime64[ns] UTC values, NaT when never MQL
    newly_mql: np.ndarray


def recycle_time(people: pd.DataFrame) -> np.ndarray:
    """ns since epoch of the recycle date per person; int64 min when not recycled.

    A recycled status without a date uses the record's updated_at (when sales closed it)."""
    status = people["crm_status"].astype("string").str.lower()
    flagged = status.isin(RECYCLED_STATUSES).fillna(False).to_numpy(dtype=bool)
    at = people["recycled_at"].astype("datetime64[ns, UTC]")
    at = at.where(at.notna() | ~flagged, people["updated_at"].astype("datetime64[ns, UTC]"))
    ns = at.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    ns[at.isna().to_numpy()] = np.iinfo(np.int64).min
    return ns


def apply_lifecycle(
    people: pd.DataFrame,
    *,
    qualifies: np.ndarray,
    requalifies: np.ndarray,
    disqualified: np.ndarray,
    has_signals: np.ndarray,
    previous_mql_at: np.ndarray,
    recycled_ns: np.ndarray,
    as_of: pd.Timestamp,
) -> Lifecycle:
    """Status and mql_at per person from this run's decision and the previous run's MQL date.

    qualifies: the MQL rule holds on all intent; requalifies: it holds on intent after recycle."""
    never = np.iinfo(np.int64).min
    prev = previous_mql_at.astype("datetime64[ns]").view(np.int64)
    has_prev = ~np.isnat(previous_mql_at.astype("datetime64[ns]"))
    recycled = recycled_ns != never
    cycle_closed = recycled & (~has_prev | (recycled_ns >= prev))
    sales_owned = (
        people["crm_status"]
        .astype("string")
        .str.lower()
        .isin(SALES_OWNED_STATUSES)
        .fillna(False)
        .to_numpy(bool)
        & ~cycle_closed
    )
    sticky = has_prev & ~cycle_closed
    decided = np.where(recycled, requalifies, qualifies)
    new_mql = ~sticky & decided & ~disqualified
    status = np.where(has_signals, "nurture", "new").astype(object)
    status[new_mql] = "mql"
    status[sticky] = "mql"
    status[disqualified & ~(sticky & sales_owned)] = "disqualified"
    mql_at = np.where(has_prev, prev, never)
    mql_at = np.where(new_mql, as_of.value, mql_at)
    out = mql_at.view("datetime64[ns]").copy()
    out[mql_at == never] = np.datetime64("NaT")
    return Lifecycle(status, out, new_mql)
