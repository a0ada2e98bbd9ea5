"""The portal's records, held as one typed DataFrame per object type with an id index.

Column-oriented so a million contacts fit in memory and search is a vectorised mask, not a loop.
Values stay typed here (datetimes are instants, numbers are floats) and become HubSpot's strings
only when rendered (wire.py). Writes go through `ObjectTable.write`, which applies the rules a real
portal enforces: read-only properties, enumeration options, unique emails, forward-only
lifecyclestage, lastmodifieddate bumps and property history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.hubspot.schema import (
    DEFAULT_PROPERTIES,
    ENGAGEMENT_TYPES,
    OBJECT_TYPES,
    PropertyRegistry,
    created_property,
    modified_property,
)
from mqlsync.sandbox.hubspot.wire import (
    HubSpotHTTPError,
    format_column,
    format_timestamp,
    format_value,
    now,
    parse_timestamp,
)

SYSTEM = ("__archived", "__createdAt", "__updatedAt", "__archivedAt")
HistoryProvider = Callable[[int], list[dict[str, Any]]]


def _normalise(frame: pd.DataFrame, registry: PropertyRegistry) -> pd.DataFrame:
    """Coerce columns to the type their definition says, so filters and writes never mix types."""
    out = {}
    for col in frame.columns:
        series = frame[col]
        kind = registry.type_of(col) if col in registry.properties else None
        if kind == "datetime" and not isinstance(series.dtype, pd.DatetimeTZDtype):
            series = pd.to_datetime(series, utc=True, errors="coerce")
        elif kind == "number" and not pd.api.types.is_float_dtype(series):
            series = pd.to_numeric(series, errors="coerce").astype("float64")
        elif kind == "bool" and series.dtype != "boolean":
            series = series.astype("boolean")
        elif kind in {"string", "enumeration"} and not pd.api.types.is_string_dtype(series):
            series = series.astype("str").where(series.notna(), None)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.astype("datetime64[ms, UTC]")
        out[col] = series
    return pd.DataFrame(out, index=frame.index)


class ObjectTable:
    """One object type (contacts, emails, calls, ...) as columns indexed by numeric id."""

    def __init__(self, object_type: str, frame: pd.DataFrame | None = None) -> None:
        self.object_type = object_type
        self.registry = PropertyRegistry(object_type)
        self.history: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self.history_providers: dict[str, HistoryProvider] = {}
        self.associations: dict[str, pd.Series] = {}  # to_type -> Series(index=from id, values=to ids)
        self.writes = 0
        self.on_write: Callable[[str, int], None] | None = None
        self._pending: list[dict[str, Any]] = []
        self._email_overlay: dict[str, int | None] = {}
        self._email_index: pd.Series | None = None
        self._lower_cache: dict[str, pd.Series] = {}
        self._frame = self._prepare(frame if frame is not None else pd.DataFrame({"id": []}))
        self.merged_into = self._merged_map()
        self._next_id = int(self._frame.index.max()) + 1 if len(self._frame) else 1001

    # ---- loading -------------------------------------------------------------------------------
    def _prepare(self, raw: pd.DataFrame) -> pd.DataFrame:
        frame = raw.copy(deep=False)  # copy-on-write: columns kept as read are not duplicated
        if "contact_ids" in frame.columns:
            self._contact_ids = frame.pop("contact_ids")
            self._contact_ids.index = pd.to_numeric(frame["id"]).astype("int64")
        ids = pd.to_numeric(frame.pop("id") if "id" in frame else pd.Series([], dtype="int64")).astype(
            "int64"
        )
        frame.index = pd.Index(ids, name="id")
        created, modified = created_property(self.object_type), modified_property(self.object_type)
        renames = {"archived": "__archived", "createdAt": "__createdAt", "updatedAt": "__updatedAt"}
        frame = frame.rename(columns={k: v for k, v in renames.items() if k in frame.columns})
        for col in frame.columns:
            if not col.startswith("__"):
                self.registry.ensure_column(col, frame[col])
        for name in (created, modified):
            if name not in frame:
                frame[name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ms, UTC]")
        frame = _normalise(frame, self.registry)
        stamp = now()
        if "__createdAt" not in frame:
            frame["__createdAt"] = frame[created]
        if "__updatedAt" not in frame:
            frame["__updatedAt"] = frame[modified]
        for col in ("__createdAt", "__updatedAt"):
            frame[col] = pd.to_datetime(frame[col], utc=True).fillna(stamp).astype("datetime64[ms, UTC]")
        frame[created] = frame[created].fillna(frame["__createdAt"])
        frame[modified] = frame[modified].fillna(frame["__updatedAt"])
        frame["__archived"] = (
            frame["__archived"].fillna(False).astype(bool) if "__archived" in frame else False
        )
        frame["__archivedAt"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ms, UTC]")
        frame.loc[frame["__archived"], "__archivedAt"] = frame.loc[frame["__archived"], "__updatedAt"]
        return frame.sort_index()

    def _merged_map(self) -> dict[int, int]:
        if "hs_merged_object_ids" not in self._frame:
            return {}
        col = self._frame["hs_merged_object_ids"].dropna()
        merged: dict[int, int] = {}
        for survivor, ids in zip(col.index, col.astype(str), strict=True):
            for old in ids.split(";"):
                if old.strip().isdigit() and int(old) != survivor:
                    merged[int(old)] = int(survivor)
        return merged

    def attach_engagement_contacts(self) -> pd.Series | None:
        """The `contact_ids` column of an engagement file, exploded to (engagement id -> contact id)."""
        raw = getattr(self, "_contact_ids", None)
        if raw is None:
            return None
        pairs = raw.dropna().astype(str).str.split(";").explode().str.strip()
        pairs = pairs[pairs.str.fullmatch(r"\d+")]
        return pd.to_numeric(pairs).astype("int64")

    # ---- reading -------------------------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        if self._pending:
            new = pd.DataFrame(self._pending).set_index("id")
            new = new.astype(
                {c: self._frame[c].dtype for c in new.columns if c in self._frame}, errors="ignore"
            )
            self._frame = pd.concat([self._frame, new]).sort_index()
            self._pending.clear()
        return self._frame

    def live_mask(self, *, archived: bool = False) -> np.ndarray:
        return self.frame["__archived"].to_numpy() == archived

    def positions(self, ids: Sequence[int]) -> np.ndarray:
        return self.frame.index.get_indexer(ids)

    def lowered(self, column: str) -> pd.Series:
        """A lower-cased copy of a string column, cached until that column is written."""
        if column not in self._lower_cache:
            self._lower_cache[column] = self.frame[column].astype("str").str.lower()
        return self._lower_cache[column]

    def find_unique(self, prop: str, value: str, *, archived: bool = False) -> int | None:
        """The id holding `value` in a unique property (email is case-insensitive)."""
        if prop in {"hs_object_id", "id"}:
            return self.find_id(value, archived=archived)
        if prop == "email" and not archived:
            key = value.strip().lower()
            if key in self._email_overlay:
                return self._email_overlay[key]
            index = self._emails()
            hit = index.get(key)
            return None if hit is None else int(hit)
        if prop not in self.frame:
            return None
        mask = (self.lowered(prop) == value.strip().lower()).to_numpy() & self.live_mask(archived=archived)
        hits = self.frame.index[mask]
        return int(hits[0]) if len(hits) else None

    def _emails(self) -> pd.Series:
        if self._email_index is None:
            live = (
                self.frame.loc[~self.frame["__archived"], "email"].dropna()
                if "email" in self.frame
                else pd.Series()
            )
            index = pd.Series(live.index.to_numpy(), index=live.astype(str).str.lower().to_numpy())
            self._email_index = index[~index.index.duplicated()]
        return self._email_index

    def find_id(self, value: str | int, *, archived: bool = False) -> int | None:
        """A live record by id, following merges to the surviving record as HubSpot does."""
        text = str(value).strip()
        if not text.isdigit():
            return None
        oid = int(text)
        pos = self.frame.index.get_indexer([oid])[0]
        if pos >= 0 and bool(self.frame["__archived"].iloc[pos]) == archived:
            return oid
        if not archived and oid in self.merged_into:
            return self.find_id(self.merged_into[oid])
        return None

    def resolve(self, value: str, id_property: str | None, *, archived: bool = False) -> int | None:
        return self.find_unique(id_property or "hs_object_id", value, archived=archived)

    def render(
        self,
        ids: Sequence[int],
        properties: Sequence[str] | None = None,
        *,
        with_history: Sequence[str] = (),
        associations: dict[int, dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Records as HubSpot objects: every value a string or null, timestamps ISO with ms and Z."""
        if not len(ids):
            return []
        frame = self.frame
        sub = frame.iloc[frame.index.get_indexer(ids)]
        props = list(properties) if properties else DEFAULT_PROPERTIES[self.object_type]
        known = [p for p in props if p in frame.columns or p in self.registry.properties]
        columns = {p: format_column(sub[p]) if p in sub else [None] * len(sub) for p in known}
        created = format_column(sub["__createdAt"])
        updated = format_column(sub["__updatedAt"])
        archived_at = format_column(sub["__archivedAt"])
        archived = sub["__archived"].tolist()
        out = []
        for i, oid in enumerate(sub.index.tolist()):
            values = {p: columns[p][i] for p in known}
            if "hs_object_id" in values:
                values["hs_object_id"] = str(oid)
            obj: dict[str, Any] = {
                "id": str(oid),
                "properties": values,
                "createdAt": created[i],
                "updatedAt": updated[i],
                "archived": bool(archived[i]),
            }
            if archived[i]:
                obj["archivedAt"] = archived_at[i]
            if with_history:
                obj["propertiesWithHistory"] = {p: self.property_history(oid, p) for p in with_history}
            if associations is not None and oid in associations:
                obj["associations"] = associations[oid]
            out.append(obj)
        return out

    def property_history(self, oid: int, prop: str) -> list[dict[str, Any]]:
        """Versions newest first, as `propertiesWithHistory` returns them."""
        if (oid, prop) in self.history:
            return list(self.history[(oid, prop)])
        if prop in self.history_providers:
            return self.history_providers[prop](oid)
        if prop not in self.frame:
            return []
        return self._base_version(oid, prop)

    def _base_version(self, oid: int, prop: str) -> list[dict[str, Any]]:
        value = format_value(self.frame.at[oid, prop])
        if value is None:
            return []
        return [
            {
                "value": value,
                "timestamp": format_timestamp(self.frame.at[oid, "__updatedAt"]),
                "sourceType": "IMPORT",
            }
        ]

    # ---- writing -------------------------------------------------------------------------------
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


class Store:
    """Every object table of the portal plus the side tables the analytics endpoints serve."""

    def __init__(self, frames: dict[str, pd.DataFrame] | None = None) -> None:
        frames = dict(frames or {})
        self.tables: dict[str, ObjectTable] = {t: ObjectTable(t, frames.get(t)) for t in OBJECT_TYPES}
        self.owners = frames.get("owners", pd.DataFrame())
        self.form_submissions = frames.get("form_submissions", pd.DataFrame())
        self.web_events = frames.get("web_events", pd.DataFrame())
        self.counts: Counter[str] = Counter()

    def table(self, object_type: str) -> ObjectTable:
        try:
            return self.tables[object_type]
        except KeyError:
            raise HubSpotHTTPError(
                400, f"Unable to infer object type from: {object_type}", category="VALIDATION_ERROR"
            ) from None

    def writes(self) -> dict[str, int]:
        return {t: table.writes for t, table in self.tables.items()}


FILE_NAMES: dict[str, str] = {
    "contacts": "contacts.parquet",
    "owners": "owners.parquet",
    "form_submissions": "form_submissions.parquet",
    "web_events": "web_events.parquet",
    **{t: f"engagements_{t}.parquet" for t in ENGAGEMENT_TYPES},
}


def read_world(world_dir: Path) -> dict[str, pd.DataFrame]:
    """The hubspot/ files of a generated world (docs/world-format.md); missing files are empty."""
    folder = Path(world_dir) / "hubspot"
    frames: dict[str, pd.DataFrame] = {}
    for name, file in FILE_NAMES.items():
        path = folder / file
        if path.exists():
            frames[name] = pd.read_parquet(path)
    return frames


def ids_of(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values]
