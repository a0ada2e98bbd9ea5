"""Typed values in and out: parsing what clients send, rendering what Salesforce returns.

Columns are stored with one dtype per Salesforce type so SOQL filters run vectorised over them:
text as `str`, booleans as `boolean`, ints as `Int64`, numbers as float64, datetimes as
`datetime64[ms, UTC]`, dates as naive `datetime64[ms]`. Rendering follows the wire formats:
REST datetimes `2024-05-01T12:00:00.000+0000`, Bulk CSV datetimes `2024-05-01T12:00:00.000Z`,
dates `2024-05-01`, Bulk booleans `true`/`false`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.salesforce.errors import RecordError
from mqlsync.sandbox.salesforce.schema import TEXT_TYPES, FieldSpec

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent"})


def storage_dtype(ftype: str) -> Any:
    """The pandas dtype a column of Salesforce type `ftype` is stored in."""
    if ftype in TEXT_TYPES or ftype == "address":
        return "str"
    return {
        "boolean": "boolean",
        "int": "Int64",
        "datetime": "datetime64[ms, UTC]",
        "date": "datetime64[ms]",
    }.get(ftype, "float64")


def coerce_column(series: pd.Series, ftype: str) -> pd.Series:
    """Cast a loaded column to its storage dtype (strings from a test frame included)."""
    if ftype == "datetime":
        return pd.to_datetime(series, utc=True).astype("datetime64[ms, UTC]")
    if ftype == "date":
        return pd.to_datetime(series).dt.tz_localize(None).astype("datetime64[ms]")
    if ftype in TEXT_TYPES:
        return series.astype("str").where(series.notna(), None).astype("str")
    return series.astype(storage_dtype(ftype))


def empty_column(ftype: str, n: int, index: pd.Index) -> pd.Series:
    return pd.Series([None] * n, index=index, dtype=storage_dtype(ftype))


def parse_value(spec: FieldSpec, value: Any) -> Any:
    """A client-sent value (JSON or CSV text) as the stored Python value; RecordError when invalid."""
    if value is None:
        if not spec.nillable:
            raise RecordError(
                "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{spec.name}]", [spec.name]
            )
        return None
    try:
        return _parse(spec, value)
    except (ValueError, TypeError) as err:
        raise RecordError(
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            f"{spec.label or spec.name}: value not of required type: {value}",
            [spec.name],
        ) from err


def _parse(spec: FieldSpec, value: Any) -> Any:
    t = spec.type
    if t in TEXT_TYPES:
        if isinstance(value, (dict, list)):
            raise TypeError("not text")
        text = value if isinstance(value, str) else _num_text(value)
        if spec.length and len(text) > spec.length:
            raise RecordError(
                "STRING_TOO_LONG",
                f"{spec.label or spec.name}: data value too large: {text[:20]}... (max length={spec.length})",
                [spec.name],
            )
        if t == "email" and text and not _EMAIL.match(text):
            raise RecordError("INVALID_EMAIL_ADDRESS", f"Email: invalid email address: {text}", [spec.name])
        return text
    if t == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ValueError(value)
    if t == "int":
        if isinstance(value, bool):
            raise TypeError("bool")
        number = float(value)
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    if t in NUMBER_TYPES:
        if isinstance(value, bool):
            raise TypeError("bool")
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise ValueError(value)
        return number
    if t == "datetime":
        stamp = pd.Timestamp(str(value))
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return stamp.floor("ms")
    if t == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            raise ValueError(value)
        return pd.Timestamp(str(value))
    raise TypeError(f"field type {t} is not writable")


def _num_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_json(series: pd.Series, ftype: str) -> list[Any]:
    """A column slice as JSON-ready Python values (None for null)."""
    if ftype == "datetime":
        text = series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "+0000"
        return _nulls(text, series)
    if ftype == "date":
        return _nulls(series.dt.strftime("%Y-%m-%d"), series)
    if ftype == "boolean":
        return [None if v is pd.NA else bool(v) for v in series.array]
    if ftype == "int":
        return [None if v is pd.NA else int(v) for v in series.array]
    if ftype in NUMBER_TYPES:
        return [None if (v is None or v != v) else float(v) for v in series.to_numpy()]
    return _nulls(series, series)


def render_csv(series: pd.Series, ftype: str) -> pd.Series:
    """A column slice as Bulk 2.0 CSV text (empty for null)."""
    if ftype == "datetime":
        out = series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    elif ftype == "date":
        out = series.dt.strftime("%Y-%m-%d")
    elif ftype == "boolean":
        out = series.map({True: "true", False: "false"})
    elif ftype in NUMBER_TYPES:
        out = pd.Series(render_json(series, ftype), index=series.index, dtype=object).map(
            lambda v: "" if v is None else _num_text(v)
        )
    else:
        out = series
    return out.astype(object).where(series.notna().to_numpy(), "")


def render_scalar(value: Any, ftype: str) -> Any:
    """One stored value as JSON (used for single-record reads)."""
    return render_json(pd.Series([value], dtype=storage_dtype(ftype)), ftype)[0]


def _nulls(values: pd.Series, original: pd.Series) -> list[Any]:
    mask = original.isna().to_numpy()
    out = values.to_numpy(dtype=object)
    if mask.any():
        out[mask] = None
    return out.tolist()


def bool_mask(result: Any) -> np.ndarray:
    """A comparison result (numpy, pandas masked or pyarrow-backed) as a plain bool array, NA -> False."""
    if isinstance(result, pd.Series):
        result = result.array
    if isinstance(result, np.ndarray):
        return result.astype(bool, copy=False)
    return np.asarray(pd.array(result, dtype="boolean").fillna(False), dtype=bool)
