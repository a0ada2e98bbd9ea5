"""The portal's records, held as one typed DataFrame per object type with an id index.

Column-oriented so a million contacts fit in memory and search is a vectorised mask, not a loop.
Values stay typed here (datetimes are instants, numbers are floats) and become HubSpot's strings
only when rendered (wire.py). Tables are built from a world's files or frames (load.py); writes,
and the rules a real portal enforces on them, come from `ObjectTableWrites` (writes.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.hubspot.load import normalise
from mqlsync.sandbox.hubspot.schema import (
    DEFAULT_PROPERTIES,
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
)
from mqlsync.sandbox.hubspot.writes import ObjectTableWrites

HistoryProvider = Callable[[int], list[dict[str, Any]]]


class ObjectTable(ObjectTableWrites):
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
        frame = normalise(frame, self.registry)
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
