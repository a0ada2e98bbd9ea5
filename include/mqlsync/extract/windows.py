"""Extraction windows and watermarks: which slice of a CRM object a run reads, and how far it got.

A run reads `[lower, end)` where `lower = min(watermark, start) - lookback` (no lower bound on a full
pull). The watermark is read inclusively (`>=`) and the overlap is dropped by CRM id downstream, so a
timestamp tie never loses a record. `split_search_window` is the HubSpot search-cap algorithm: a
window whose result count passes the 10,000 cap is cut into equal pieces sized from that count,
recursively, down to one millisecond; a single millisecond over the cap is read by id instead
(`tie_break_id`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sqlalchemy as sa

ONE_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class ExtractWindow:
    """What a run asks for. `start=None` is a full pull; `watermark` is the stored one (or None)."""

    start: datetime | None
    end: datetime
    lookback: timedelta = timedelta(0)
    watermark: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end", "watermark"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"ExtractWindow.{name} is naive; pass an aware UTC datetime")
        if self.lookback < timedelta(0):
            raise ValueError("ExtractWindow.lookback must not be negative")

    @property
    def is_full(self) -> bool:
        return self.start is None

    @property
    def lower(self) -> datetime | None:
        """The inclusive lower bound: `min(watermark, start) - lookback`, None on a full pull."""
        if self.start is None:
            return None
        floor = min(self.start, self.watermark) if self.watermark is not None else self.start
        return (floor - self.lookback).astimezone(UTC)


@dataclass(frozen=True)
class ExtractResult:
    """What one extract task landed. JSON-serialisable through `to_dict()`; also the manifest core.

    `new_watermark` is the highest cursor value (SystemModstamp / lastmodifieddate / occurredAt) up to
    which every record of the window is landed, as ISO-8601 UTC, or None when nothing moves it.
    `complete` is False when the API budget stopped the task: the next run continues from
    `new_watermark` (inclusive) and loses nothing.
    """

    system: str
    object: str
    landing_dir: str
    rows: int
    deleted: int
    merged: int
    calls: int
    complete: bool
    new_watermark: str | None
    tie_break_id: str | None = None
    mode: str = ""
    parts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ExtractResult:
        known = {k: values[k] for k in cls.__dataclass_fields__ if k in values}
        return cls(**known)


class WatermarkUpdate(NamedTuple):
    """The arguments for `mqlsync.store.set_watermark` that a landed result allows."""

    system: str
    object: str
    value: datetime
    cursor: str | None


def watermark_from_result(result: ExtractResult | dict[str, Any]) -> WatermarkUpdate | None:
    """The watermark to store once the result's rows are stored, or None (leave it where it is)."""
    if isinstance(result, dict):
        result = ExtractResult.from_dict(result)
    if result.new_watermark is None:
        return None
    return WatermarkUpdate(
        result.system, result.object, parse_instant(result.new_watermark), result.tie_break_id
    )


def advance_watermark(
    conn: sa.Connection, result: ExtractResult | dict[str, Any], *, run_id: str | None = None
) -> datetime | None:
    """Move the stored watermark to the result's, in the caller's transaction; never backwards.

    Call it in the same transaction that stores the result's rows. A backfill of an older interval
    returns the stored (newer) value untouched instead of raising. Returns the stored value.
    """
    from mqlsync.store import get_watermark, set_watermark

    update = watermark_from_result(result)
    if update is None:
        return None
    stored = get_watermark(conn, update.system, update.object)
    if stored is not None and stored.value >= update.value:
        return stored.value
    return set_watermark(
        conn, update.system, update.object, update.value, cursor=update.cursor, run_id=run_id
    ).value


# ---- time formats ------------------------------------------------------------------------------
def parse_instant(text: str) -> datetime:
    """An aware UTC datetime from the CRMs' spellings (`…+0000`, `…Z`, epoch milliseconds)."""
    text = text.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_ms(value: datetime) -> str:
    """`2026-11-01T10:00:00.123Z`: millisecond ISO, the watermark spelling in results."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def soql_datetime(value: datetime) -> str:
    """A SOQL datetime literal (unquoted, whole seconds, UTC)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_ms(value: datetime) -> int:
    return round(value.timestamp() * 1000)


# ---- search windows ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchWindow:
    """A half-open window `[lo, hi)` in epoch milliseconds, for CRM search filters."""

    lo: int
    hi: int

    @property
    def width(self) -> int:
        return self.hi - self.lo


def split_search_window(window: SearchWindow, total: int, *, cap: int = 10_000) -> list[SearchWindow]:
    """Equal pieces expected to hold about 80 % of `cap` each; `[window]` when it already fits.

    The count is what the search answered for the whole window, so one probe sizes the split;
    a skewed piece that still overflows is split again by the caller with its own count. A window
    one millisecond wide cannot be split (the caller reads it by id).
    """
    if total <= cap or window.width <= 1:
        return [window]
    pieces = min(window.width, max(2, math.ceil(total / (cap * 0.8))))
    bounds = [window.lo + (window.width * i) // pieces for i in range(pieces)] + [window.hi]
    return [SearchWindow(a, b) for a, b in itertools.pairwise(bounds) if b > a]
