"""First sales touches: the earliest completed call, email or meeting per record.

Sales activity is not marketing engagement (it is not in EVENT_TYPES), so it gets its own small
table for the SLA report: `first_touches` (record_id, owner_id, touched_at, type).
"""

from __future__ import annotations

import pandas as pd

from mqlsync.extract.normalize.cleaning import (
    Normalized,
    QuarantineLog,
    concat_quarantine,
    ids_as_text,
    parse_timestamps,
)

FIRST_TOUCH_COLUMNS: tuple[str, ...] = ("record_id", "owner_id", "touched_at", "type")
TOUCH_TYPES: dict[str, str] = {"call": "call", "email": "email", "meeting": "meeting", "calls": "call",
                               "emails": "email", "meetings": "meeting", "event": "meeting"}  # fmt: skip


def build_touches(fields: pd.DataFrame, log: QuarantineLog) -> Normalized:
    """Earliest touch per record_id from `fields` (FIRST_TOUCH_COLUMNS, raw values). Later touches of
    the same record are not errors and are not quarantined; an untimed touch is (MALFORMED_TIMESTAMP)."""
    touched_at, bad = parse_timestamps(fields["touched_at"])
    log.add(
        ~log.dropped & (bad | touched_at.isna()),
        "MALFORMED_TIMESTAMP",
        "touch time is missing or not a timestamp",
        drop=True,
    )
    kind = fields["type"].astype("string").str.strip().str.lower()
    out = pd.DataFrame(
        {
            "record_id": fields["record_id"].astype("string"),
            "owner_id": ids_as_text(fields["owner_id"]),
            "touched_at": touched_at,
            "type": kind.map(TOUCH_TYPES).fillna("other").astype("string"),
        },
        index=fields.index,
    )[~log.dropped]
    first = out.sort_values(["record_id", "touched_at", "type"], kind="stable").drop_duplicates("record_id")
    return Normalized(first.reset_index(drop=True), log.frame())


def combine_touches(parts: list[Normalized]) -> Normalized:
    """First touch per record across sources."""
    frames = [p.accepted for p in parts if not p.accepted.empty]
    if frames:
        allrows = pd.concat(frames, ignore_index=True)
        first = allrows.sort_values(["record_id", "touched_at", "type"], kind="stable").drop_duplicates(
            "record_id"
        )
    else:
        first = empty_touches()
    return Normalized(first.reset_index(drop=True), concat_quarantine(p.quarantined for p in parts))


def empty_touches() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": pd.Series(dtype="string"),
            "owner_id": pd.Series(dtype="string"),
            "touched_at": pd.Series(dtype="datetime64[us, UTC]"),
            "type": pd.Series(dtype="string"),
        }
    )
