"""Writes to one object table, with the rules a real portal enforces.

`ObjectTable` (store.py) takes these methods as a base class: `coerce` turns wire strings into
typed values and reports every invalid property at once; `write`, `create` and `archive` apply them
with HubSpot's side effects: read-only properties, enumeration options, unique emails, forward-only
lifecyclestage, lastmodifieddate bumps and property history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.hubspot.schema import PropertyRegistry, created_property, modified_property
from mqlsync.sandbox.hubspot.wire import (
    HubSpotHTTPError,
    format_timestamp,
    format_value,
    now,
    parse_timestamp,
)

if TYPE_CHECKING:
    from mqlsync.sandbox.hubspot.store import HistoryProvider


class ObjectTableWrites:
    """The write half of `store.ObjectTable`. The state below is set up by `ObjectTable.__init__`;
    the reads used here (`frame`, `find_unique`, `_base_version`) are defined there too."""

    object_type: str
    registry: PropertyRegistry
    history: dict[tuple[int, str], list[dict[str, Any]]]
    history_providers: dict[str, HistoryProvider]
    writes: int
    on_write: Callable[[str, int], None] | None
    _frame: pd.DataFrame
    _pending: list[dict[str, Any]]
    _email_overlay: dict[str, int | None]
    _lower_cache: dict[str, pd.Series]
    _next_id: int

    def coerce(self, values: dict[str, Any], *, creating: bool = False) -> dict[str, Any]:
        """Wire strings -> typed values; every invalid property is reported at once (400)."""
        problems: list[dict[str, Any]] = []
        typed: dict[str, Any] = {}
        for name, raw in values.items():
            definition = self.registry.get(name)
            if definition is None:
                problems.append(_invalid(name, f'Property "{name}" does not exist', "PROPERTY_DOESNT_EXIST"))
                continue
            if self.registry.read_only(name) and not (creating and name in {"createdate"}):
                problems.append(
                    _invalid(
                        name, f'"{name}" is a read only property; its value cannot be set.', "READ_ONLY_VALUE"
                    )
                )
                continue
            text = None if raw is None else str(raw)
            if text is None or text == "":
                typed[name] = None
                continue
            try:
                typed[name] = self._parse(name, definition["type"], text)
            except (ValueError, TypeError):
                problems.append(
                    _invalid(
                        name,
                        f"{text!r} is not a valid {definition['type']}",
                        "INVALID_" + definition["type"].upper(),
                    )
                )
        if problems:
            summary = "; ".join(p["message"] for p in problems)
            raise HubSpotHTTPError(
                400,
                f"Property values were not valid: {summary}",
                errors=[
                    {"message": p["message"], "code": p["error"], "context": {"propertyName": [p["name"]]}}
                    for p in problems
                ],
            )
        return typed

    def _parse(self, name: str, kind: str, text: str) -> Any:
        if kind == "number":
            return float(text)
        if kind in {"datetime", "date"}:
            return parse_timestamp(text)
        if kind == "bool":
            if text.lower() not in {"true", "false"}:
                raise ValueError(text)
            return text.lower() == "true"
        options = self.registry.option_values(name)
        if kind == "enumeration" and options and name != "hs_merged_object_ids":
            for part in text.split(";"):
                if part not in options:
                    raise ValueError(f"{part} was not one of the allowed options: {options}")
        return text

    def write(self, oid: int, typed: dict[str, Any], *, source: str = "INTEGRATION") -> None:
        """Apply typed values to one existing record, with HubSpot's side effects."""
        frame = self.frame
        stamp = now()
        stage = typed.get("lifecyclestage") if self.object_type == "contacts" else None
        if stage and not self._moves_forward(oid, stage):
            typed = {k: v for k, v in typed.items() if k != "lifecyclestage"}  # silently ignored
        if "email" in typed:
            self._claim_email(oid, typed["email"])
        for name, value in typed.items():
            old = format_value(frame.at[oid, name]) if name in frame.columns else None
            if (oid, name) not in self.history and old is not None and name not in self.history_providers:
                self.history[(oid, name)] = self._base_version(oid, name)
            self._set(oid, name, value)
            versions = self.history.setdefault((oid, name), [])
            versions.insert(
                0,
                {
                    "value": format_value(value) or "",
                    "timestamp": format_timestamp(stamp),
                    "sourceType": source,
                },
            )
        self._set(oid, modified_property(self.object_type), stamp)
        self._set(oid, "__updatedAt", stamp)
        self._count_write()

    def _moves_forward(self, oid: int, stage: str) -> bool:
        order = self.registry.option_values("lifecyclestage")
        current = self.frame.at[oid, "lifecyclestage"] if "lifecyclestage" in self.frame else None
        if current is None or pd.isna(current) or current not in order or stage not in order:
            return True
        return order.index(stage) >= order.index(current)

    def _claim_email(self, oid: int, email: str | None) -> None:
        if email:
            holder = self.find_unique("email", email)
            if holder is not None and holder != oid:
                raise HubSpotHTTPError(
                    409, f"Contact already exists. Existing ID: {holder}", category="CONFLICT"
                )
        old = self.frame.at[oid, "email"] if "email" in self.frame else None
        if isinstance(old, str):
            self._email_overlay[old.lower()] = None
        if email:
            self._email_overlay[email.lower()] = oid

    def _set(self, oid: int, name: str, value: Any) -> None:
        frame = self._frame
        if name not in frame.columns:
            frame[name] = pd.Series(None, index=frame.index, dtype=dtype_for(self.registry.type_of(name)))
        stored = _null_for(frame[name].dtype) if value is None else value
        try:
            frame.at[oid, name] = stored
        except (TypeError, ValueError):
            frame[name] = frame[name].astype(object)
            frame.at[oid, name] = stored
        self._lower_cache.pop(name, None)

    def create(self, typed: dict[str, Any], *, source: str = "INTEGRATION") -> int:
        """A new record with the next id; a duplicate email is a 409 as on a real portal."""
        if self.object_type == "contacts" and typed.get("email"):
            holder = self.find_unique("email", typed["email"])
            if holder is not None:
                raise HubSpotHTTPError(
                    409, f"Contact already exists. Existing ID: {holder}", category="CONFLICT"
                )
        oid = self._next_id
        self._next_id += 1
        stamp = now()
        row: dict[str, Any] = {"id": oid, **{k: v for k, v in typed.items() if v is not None}}
        row.setdefault(created_property(self.object_type), stamp)
        row[modified_property(self.object_type)] = stamp
        row.update(
            {"hs_object_id": float(oid), "__archived": False, "__createdAt": stamp, "__updatedAt": stamp}
        )
        for name in row:
            if name not in self._frame.columns and name != "id":
                self._frame[name] = pd.Series(
                    None, index=self._frame.index, dtype=dtype_for(self.registry.type_of(name))
                )
        self._pending.append(row)
        if self.object_type == "contacts" and typed.get("email"):
            self._email_overlay[str(typed["email"]).lower()] = oid
        for name, value in typed.items():
            if value is not None:
                self.history[(oid, name)] = [
                    {
                        "value": format_value(value) or "",
                        "timestamp": format_timestamp(stamp),
                        "sourceType": source,
                    }
                ]
        self._lower_cache.clear()
        self._count_write()
        return oid

    def _count_write(self) -> None:
        self.writes += 1
        if self.on_write is not None:
            self.on_write(self.object_type, 1)

    def archive(self, oid: int) -> None:
        stamp = now()
        if self.object_type == "contacts" and "email" in self.frame:
            email = self.frame.at[oid, "email"]
            if isinstance(email, str):
                self._email_overlay[email.lower()] = None
        self._set(oid, "__archived", True)
        self._set(oid, "__archivedAt", stamp)
        self._set(oid, "__updatedAt", stamp)
        self._count_write()


def _invalid(name: str, message: str, code: str) -> dict[str, Any]:
    return {"isValid": False, "message": message, "error": code, "name": name}


def dtype_for(kind: str) -> Any:
    return {
        "number": "float64",
        "datetime": "datetime64[ms, UTC]",
        "date": "datetime64[ms, UTC]",
        "bool": "boolean",
    }.get(kind, object)


def _null_for(dtype: Any) -> Any:
    if isinstance(dtype, pd.DatetimeTZDtype):
        return pd.NaT
    if pd.api.types.is_float_dtype(dtype):
        return np.nan
    return None
