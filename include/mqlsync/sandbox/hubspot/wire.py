"""HubSpot's wire format: every property is a string, errors share one JSON shape.

Kept apart from the store so the typed columns never leak onto the wire and every endpoint renders
values, timestamps and errors exactly alike (the client's models reject missing required fields).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from fastapi.responses import JSONResponse

MAX_TIMESTAMP_MS = 253402300799000  # 9999-12-31, past which pandas cannot hold a timestamp


class HubSpotHTTPError(Exception):
    """Raised inside a handler; the app turns it into HubSpot's error body with this status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        category: str = "VALIDATION_ERROR",
        context: dict[str, list[str]] | None = None,
        errors: list[dict[str, Any]] | None = None,
        sub_category: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.context = context
        self.errors = errors
        self.sub_category = sub_category


def correlation_id() -> str:
    return str(uuid.uuid4())


def error_body(err: HubSpotHTTPError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": "error",
        "message": err.message,
        "correlationId": correlation_id(),
        "category": err.category,
    }
    if err.sub_category:
        body["subCategory"] = err.sub_category
    if err.context:
        body["context"] = err.context
    if err.errors:
        body["errors"] = err.errors
    return body


def error_response(err: HubSpotHTTPError, headers: dict[str, str] | None = None) -> JSONResponse:
    body = error_body(err)
    hdrs = {"X-HubSpot-Correlation-Id": body["correlationId"], **(headers or {})}
    return JSONResponse(body, status_code=err.status, headers=hdrs)


def not_found(object_type: str, object_id: str) -> HubSpotHTTPError:
    return HubSpotHTTPError(
        404,
        f"Object not found.  objectId are usually numeric. ({object_type}: {object_id})",
        category="OBJECT_NOT_FOUND",
    )


def format_timestamp(ts: pd.Timestamp | datetime) -> str:
    """`2024-05-01T12:00:00.000Z`: the only timestamp form HubSpot sends."""
    ts = pd.Timestamp(ts)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(UTC)).floor("ms")


def format_value(value: Any) -> str | None:
    """One typed value as HubSpot's string (None stays null)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | datetime):
        return format_timestamp(value)
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def format_column(series: pd.Series) -> list[str | None]:
    """A page of one column as wire strings; vectorised for the common types."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.tz_convert("UTC") if isinstance(series.dtype, pd.DatetimeTZDtype) else series
        text = values.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"
        return [None if pd.isna(v) else v for v in text.tolist()]
    return [format_value(v) for v in series.tolist()]


def parse_bool(value: str | bool | None, default: bool = False) -> bool:
    """The Python client sends `archived=False`; other clients send `false`. Accept both."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return value.strip().lower() in {"true", "1", "yes"}


def split_multi(values: Iterable[str] | None) -> list[str]:
    """`properties=a&properties=b` and `properties=a,b` both mean [a, b]."""
    out: list[str] = []
    for raw in values or []:
        out += [p.strip() for p in raw.split(",") if p.strip()]
    return list(dict.fromkeys(out))


def parse_timestamp(value: str) -> pd.Timestamp:
    """Epoch milliseconds (as HubSpot search expects), ISO-8601, or a bare date."""
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        ms = int(text)
        if abs(ms) > MAX_TIMESTAMP_MS:
            raise ValueError(f"{text} is out of range")
        return pd.Timestamp(ms, unit="ms", tz="UTC")
    ts = pd.Timestamp(text)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def page_link(path: str, after: str) -> str:
    return f"{path}?after={after}"


EPOCH_ISO = "2019-08-06T18:05:11.000Z"  # creation time shown for records the world file leaves undated
