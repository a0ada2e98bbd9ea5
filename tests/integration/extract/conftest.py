"""Helpers for the extract tests: windows, ground truth from the sandbox's store, merged landings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from mqlsync.extract.landing import read_landing
from mqlsync.extract.windows import parse_instant


def window_end() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=1)


def latest_by_id(paths: Iterable[Path | str], *, key: str, cursor: str) -> pd.DataFrame:
    """What a store that upserts every landing by CRM id holds afterwards (newest cursor wins)."""
    frames = [read_landing(p) for p in paths]
    rows = pd.concat(frames, ignore_index=True)
    rows["_cursor"] = rows[cursor].map(lambda v: parse_instant(v) if isinstance(v, str) else pd.NaT)
    rows = rows.sort_values([key, "_cursor"], kind="stable")
    return rows.drop_duplicates(key, keep="last").set_index(key)


def sf_truth(sandbox, object_name: str) -> pd.DataFrame:
    """The sandbox org's rows (deleted and merged included), as the emulator stores them."""
    table = sandbox.org.store.table(object_name)
    with sandbox.org.store.lock:
        return table.df.copy()


def sf_merge(sandbox, object_name: str, loser: str, survivor: str) -> None:
    """Merge as Salesforce does: the loser is soft-deleted with MasterRecordId, both are touched.

    No REST resource merges records (it is a SOAP call), so the test performs it on the org itself.
    """
    store = sandbox.org.store
    df = store.table(object_name).df
    with store.lock:
        stamp = store.now()
        df.loc[loser, ["IsDeleted", "MasterRecordId"]] = [True, survivor]
        df.loc[loser, ["SystemModstamp", "LastModifiedDate"]] = stamp
        stamp = store.now()
        df.loc[survivor, ["SystemModstamp", "LastModifiedDate"]] = stamp
