"""Coercion shared by every source: text, emails, timestamps, booleans, numbers, and quarantine rows.

Raw landing frames hold either typed values (the generator's Parquet) or the API's strings
(`2024-05-01T12:00:00.000+0000`, `"true"`, epoch milliseconds); every function here accepts both.
All of them work on whole columns; the few per-value steps run over unique values only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from mqlsync.errors import SchemaError
from mqlsync.schemas import QUARANTINE, QUARANTINE_COLUMNS, conform_frame

MAX_TEXT = 10_000
"""Longest text kept in a canonical column; longer values are cut and noted (check TRUNCATED)."""
MAX_SNAPSHOT_VALUE = 1_000
"""Longest value kept per field in a quarantine row's JSON snapshot."""

# C0/C1 control characters except tab/newline (which become spaces), plus bidi overrides, which can
# disguise a value on screen; zero-width joiners stay because scripts like Devanagari need them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\.]+(\.[^@\s<>()\[\],;:\"\\.]+)*\.[^\W\d_]{2,}$"
)
_TRUE = frozenset({"true", "t", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "0", "no", "n", ""})


class Normalized(NamedTuple):
    """What a normalize function returns: rows in the contract, and rows (or notes) it could not map."""

    accepted: pd.DataFrame
    quarantined: pd.DataFrame


class QuarantineLog:
    """Collects quarantine entries for one raw frame; `frame()` renders them as QUARANTINE rows with
    row snapshots, all with the same `stage`.

    An entry either removes the row from the accepted output (`drop=True`: the row cannot be mapped
    into the contract) or is a note on a row that is kept (e.g. a country that was set to null).
    """

    def __init__(
        self, raw: pd.DataFrame, *, table_name: str, record_ids: pd.Series, stage: str = "normalize"
    ) -> None:
        self.raw = raw
        self.table_name = table_name
        self.record_ids = record_ids
        self.stage = stage
        self.dropped = pd.Series(False, index=raw.index)
        self._entries: list[tuple[pd.Series, str, str | pd.Series]] = []

    def add(self, mask: pd.Series | np.ndarray, check: str, reason: str | pd.Series, *, drop: bool) -> None:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.raw.index)
        if not mask.any():
            return
        self._entries.append((mask, check, reason))
        if drop:
            self.dropped |= mask

    def frame(self) -> pd.DataFrame:
        parts = []
        for mask, check, reason in self._entries:
            idx = mask[mask].index
            why = reason.loc[idx].astype(str) if isinstance(reason, pd.Series) else reason
            parts.append(
                pd.DataFrame(
                    {
                        "stage": self.stage,
                        "record_id": self.record_ids.loc[idx].astype("string"),
                        "table_name": self.table_name,
                        "check": check,
                        "reason": why,
                        "row": snapshot_rows(self.raw.loc[idx]),
                    },
                    index=idx,
                )
            )
        return concat_quarantine(parts, stage=self.stage)


def empty_quarantine() -> pd.DataFrame:
    """A zero-row QUARANTINE frame (every column `string`)."""
    return pd.DataFrame({c: pd.Series(dtype="string") for c in QUARANTINE_COLUMNS})


def concat_quarantine(parts: Iterable[pd.DataFrame], *, stage: str = "normalize") -> pd.DataFrame:
    """One QUARANTINE frame from `parts`; a part without a `stage` column gets `stage`.

    Raises SchemaError if a part breaks the contract (a missing check or reason, an unknown stage)."""
    parts = [p if "stage" in p.columns else p.assign(stage=stage) for p in parts if not p.empty]
    if not parts:
        return empty_quarantine()
    return conform_frame(pd.concat(parts, ignore_index=True), QUARANTINE)


def quarantine_rows(
    rows: pd.DataFrame,
    *,
    stage: str,
    table_name: str,
    check: str | pd.Series,
    reason: str | pd.Series,
    id_column: str | None,
) -> pd.DataFrame:
    """One QUARANTINE row per row of `rows` (e.g. each row of a table that failed a check), with the
    row's snapshot. `check` and `reason` are one value or a Series aligned with `rows`; `record_id`
    comes from `id_column` (null when None or missing). `rows` is not changed."""
    ids = (
        rows[id_column].astype("string")
        if id_column is not None and id_column in rows.columns
        else pd.Series(pd.NA, index=rows.index, dtype="string")
    )
    entries = pd.DataFrame(
        {
            "stage": stage,
            "table_name": table_name,
            "record_id": ids,
            "check": check.loc[rows.index].astype(str) if isinstance(check, pd.Series) else check,
            "reason": reason.loc[rows.index].astype(str) if isinstance(reason, pd.Series) else reason,
            "row": snapshot_rows(rows),
        },
        index=rows.index,
    )
    return concat_quarantine([entries], stage=stage)


def snapshot_rows(rows: pd.DataFrame) -> list[str]:
    """JSON of each raw row, every value cut to MAX_SNAPSHOT_VALUE characters (per quarantined row only)."""
    out = []
    for record in rows.to_dict(orient="records"):
        clean: dict[str, object] = {}
        for key, value in record.items():
            if value is None or (not isinstance(value, list | tuple | np.ndarray) and pd.isna(value)):
                clean[str(key)] = None
            elif isinstance(value, bool | int | float | np.bool_ | np.integer | np.floating):
                clean[str(key)] = value.item() if hasattr(value, "item") else value
            else:
                clean[str(key)] = str(value)[:MAX_SNAPSHOT_VALUE]
        out.append(json.dumps(clean, ensure_ascii=False, default=str))
    return out


def require_columns(raw: pd.DataFrame, required: Sequence[str], *, table: str) -> None:
    """Raise SchemaError naming every required raw column that is missing (extra columns are fine)."""
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise SchemaError(
            f"raw {table}",
            [f"missing columns: {', '.join(missing)} (the extract's field list changed?)"],
        )


def column(raw: pd.DataFrame, name: str) -> pd.Series:
    """A raw column, or all-null when the source does not send it (optional fields only)."""
    if name in raw.columns:
        return raw[name]
    return pd.Series(pd.NA, index=raw.index, dtype="object")


def clean_text(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(text without control characters, whitespace collapsed, blanks as null and cut at MAX_TEXT;
    mask of the values that were cut). HTML and quotes are kept verbatim: escaping is the renderer's job."""
    s = series.astype("string")
    dirty = s.str.contains(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\s\s|^\s|\s$", regex=True)
    dirty = dirty.fillna(False).astype(bool)
    if dirty.any():
        fixed = s[dirty].str.replace(_CONTROL, " ", regex=True).str.replace(_SPACES, " ", regex=True)
        s = s.where(~dirty, fixed.str.strip())
    s = s.mask(s == "")
    long = (s.str.len() > MAX_TEXT).fillna(False).astype(bool)
    if long.any():
        s = s.where(~long, s.str.slice(0, MAX_TEXT))
    return s, long


def clean_emails(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(trimmed lower-case emails, with malformed ones set to null; mask of the malformed ones)."""
    s, _ = clean_text(series)
    s = s.str.lower()
    valid = s.str.fullmatch(_EMAIL) & ~s.str.contains("..", regex=False) & (s.str.len() <= 254)
    bad = (s.notna() & ~valid.fillna(False)).astype(bool)
    return s.mask(bad), bad


def email_domains(emails: pd.Series) -> pd.Series:
    return emails.str.split("@", n=1).str[1].astype("string")


def parse_timestamps(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(UTC timestamps; mask of values present but unparseable). Accepts datetimes, ISO-8601 strings
    in any offset form (`Z`, `+0000`, `+00:00`), dates, and epoch milliseconds (HubSpot)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC").astype("datetime64[us, UTC]"), pd.Series(False, index=series.index)
    if pd.api.types.is_datetime64_dtype(series):
        return series.dt.tz_localize("UTC").astype("datetime64[us, UTC]"), pd.Series(
            False, index=series.index
        )
    present = series.notna()
    if pd.api.types.is_numeric_dtype(series):
        out = pd.to_datetime(series, unit="ms", utc=True, errors="coerce")
        return out.astype("datetime64[us, UTC]"), (present & out.isna()).astype(bool)
    text = series.astype("string").str.strip()
    present = present & text.notna() & (text != "")
    out = pd.to_datetime(text.mask(~present), utc=True, format="ISO8601", errors="coerce")
    retry = present & out.isna()
    if retry.any():
        sub = text[retry]
        epoch = sub.str.fullmatch(r"\d{10,13}").fillna(False).astype(bool)
        fixed = pd.Series(pd.NaT, index=sub.index, dtype="datetime64[ns, UTC]")
        if epoch.any():
            fixed[epoch] = pd.to_datetime(pd.to_numeric(sub[epoch]), unit="ms", utc=True)
        for value in sub[~epoch].unique():  # a few odd formats: per unique value is cheap
            try:
                parsed = pd.to_datetime(value, utc=True, format="mixed")
            except (ValueError, OverflowError, TypeError):
                continue
            fixed[(sub == value).to_numpy() & ~epoch.to_numpy()] = parsed
        out = out.astype("datetime64[ns, UTC]")
        out[retry] = fixed
    out = out.astype("datetime64[us, UTC]")
    return out, (present & out.isna()).astype(bool)


def parse_bools(series: pd.Series, *, default: bool = False) -> pd.Series:
    """Booleans from bools, 0/1 or strings (`true`, `false`, `yes`, ...); unknown and null -> default."""
    if pd.api.types.is_bool_dtype(series) and not series.isna().any():
        return series.astype(bool)
    text = series.astype("string").str.strip().str.lower()
    out = pd.Series(default, index=series.index, dtype=bool)
    out[text.isin(_TRUE).fillna(False).astype(bool)] = True
    out[(text.isin(_FALSE) & (text != "")).fillna(False).astype(bool)] = False
    return out


def parse_counts(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(non-negative whole numbers as Int64; mask of values present but not such a number)."""
    text = series.astype("string").str.replace(",", "", regex=False).str.strip()
    num = pd.to_numeric(text, errors="coerce").astype("Float64")
    ok = flag(num.notna() & (num >= 0) & (num % 1 == 0) & (num < 2**53))
    bad = flag(text.notna() & (text != "")) & ~ok
    return num.where(ok).astype("Float64").astype("Int64"), bad


def flag(mask: pd.Series) -> pd.Series:
    """A plain bool mask from a nullable one (NA -> False)."""
    return mask.fillna(False).astype(bool)


def ids_as_text(series: pd.Series) -> pd.Series:
    """CRM ids as trimmed strings (numeric ids from CSV or Parquet lose any `.0`); blanks -> null."""
    if pd.api.types.is_float_dtype(series):
        series = series.astype("Int64")
    s = series.astype("string").str.strip()
    return s.mask(s == "")
