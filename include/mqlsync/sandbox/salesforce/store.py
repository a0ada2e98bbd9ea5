"""The emulated org's data: one column-oriented table per sObject, indexed by Id.

Designed for a million leads: a `Table` is a pandas DataFrame whose columns carry one dtype per
Salesforce type, so SOQL filters are vectorised comparisons over whole columns, and a record is found
through the Id index in O(1). Rows are never removed (deletes are soft, as in Salesforce), so a row's
position is stable for the life of the server and query cursors can hold positions rather than
copies of the data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.admin import CallLog
from mqlsync.sandbox.salesforce import schema
from mqlsync.sandbox.salesforce.schema import FieldSpec, ObjectSpec
from mqlsync.sandbox.salesforce.values import coerce_column, empty_column, render_json

Clock = Callable[[], pd.Timestamp]


def wall_clock() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").floor("ms")


@dataclass
class Table:
    """One sObject's rows (`df`, index = Id) and field metadata (`fields`, in describe order)."""

    spec: ObjectSpec
    df: pd.DataFrame
    fields: dict[str, FieldSpec]
    _lower: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._lower = {name.lower(): name for name in self.fields}

    @property
    def name(self) -> str:
        return self.spec.name

    def __len__(self) -> int:
        return len(self.df)

    def field(self, name: str) -> FieldSpec | None:
        """The field called `name`, matched case-insensitively as SOQL does."""
        canonical = self._lower.get(name.lower())
        return self.fields[canonical] if canonical else None

    def add_field(self, spec: FieldSpec) -> None:
        self.fields[spec.name] = spec
        self._lower[spec.name.lower()] = spec.name
        if not spec.is_compound and spec.name not in self.df.columns:
            self.df[spec.name] = empty_column(spec.type, len(self.df), self.df.index)

    def column(self, name: str) -> pd.Series:
        """The full column `name` (canonical case); `Id` comes from the index."""
        if name == "Id":
            return pd.Series(self.df.index, index=self.df.index, dtype="str")
        return self.df[name]

    def positions(self, ids: Iterable[str]) -> np.ndarray:
        """Row positions of `ids` (18-character, or 15-character case-sensitive prefixes); -1 if absent."""
        ids = list(ids)
        found = self.df.index.get_indexer([i if len(i) != 15 else self._expand(i) for i in ids])
        return np.asarray(found, dtype=np.int64)

    def _expand(self, short: str) -> str:
        hits = self.df.index[self.df.index.str.startswith(short)]
        return str(hits[0]) if len(hits) else short

    def live_mask(self) -> np.ndarray:
        return ~self.df["IsDeleted"].to_numpy(dtype=bool, na_value=False)

    def render_rows(self, positions: np.ndarray, names: list[str]) -> list[dict[str, Any]]:
        """Rows at `positions` as `{field: JSON value}` (compound fields as nested dicts)."""
        page = self.df.iloc[positions]
        columns: dict[str, list[Any]] = {}
        for name in names:
            spec = self.fields[name]
            if name == "Id":
                columns[name] = page.index.tolist()
            elif spec.is_compound:
                parts = {key: render_json(page[col], self.fields[col].type) for key, col in spec.compound_of}
                columns[name] = [
                    dict(zip(parts, vals, strict=True)) for vals in zip(*parts.values(), strict=True)
                ]
            else:
                columns[name] = render_json(page[name], spec.type)
        return [dict(zip(columns, vals, strict=True)) for vals in zip(*columns.values(), strict=True)]


@dataclass
class Store:
    """All tables of the org, a strictly increasing clock for modstamps, and one lock for writes."""

    tables: dict[str, Table]
    clock: Clock = wall_clock
    calls: CallLog | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _last: pd.Timestamp | None = field(default=None, repr=False)
    _counter: int = field(default=0, repr=False)

    def table(self, name: str) -> Table | None:
        for key, table in self.tables.items():
            if key.lower() == name.lower():
                return table
        return None

    def now(self) -> pd.Timestamp:
        """The write time: never equal to the previous one, so every write moves SystemModstamp."""
        stamp = self.clock().floor("ms")
        if self._last is not None and stamp <= self._last:
            stamp = self._last + pd.Timedelta(milliseconds=1)
        self._last = stamp
        return stamp

    def new_id(self, table: Table) -> str:
        self._counter += 1
        return f"{table.spec.prefix}SB{self._counter:013d}"

    def object_of_id(self, record_id: str) -> str | None:
        return schema.PREFIX_TO_OBJECT.get(record_id[:3])

    def read_record(self, object_name: str, record_id: str, names: list[str] | None) -> dict[str, Any] | None:
        """Stored values of one record for the admin endpoint, deleted rows included."""
        table = self.table(object_name)
        if table is None:
            raise KeyError(f"no object {object_name}")
        with self.lock:
            pos = table.positions([record_id])[0]
            if pos < 0:
                return None
            wanted = [table.field(n) for n in names] if names else list(table.fields.values())
            unknown = [n for n, f in zip(names or [], wanted, strict=False) if f is None]
            if unknown:
                raise KeyError(f"no field {', '.join(unknown)} on {table.name}")
            return table.render_rows(np.array([pos]), [f.name for f in wanted if f is not None])[0]

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame], *, clock: Clock = wall_clock) -> Store:
        """Tables from `{object: frame}` as the generator writes them; every known object exists."""
        now = clock()
        tables = {name: build_table(name, frames.get(name), now) for name in schema.OBJECTS}
        for name, frame in frames.items():
            if name not in tables:
                tables[name] = build_table(name, frame, now)
        return cls(tables, clock=clock)

    @classmethod
    def from_world(cls, world_dir: Path, *, clock: Clock = wall_clock) -> Store:
        from mqlsync.sandbox.world import read_system_frames

        return cls.from_frames(read_system_frames(world_dir, "salesforce"), clock=clock)


def build_table(name: str, frame: pd.DataFrame | None, now: pd.Timestamp) -> Table:
    """Normalise a loaded frame: Id index, system columns present, every column in its storage dtype."""
    spec = schema.OBJECTS.get(name)
    if frame is None:
        frame = pd.DataFrame({"Id": pd.Series([], dtype="str")})
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    if spec is None:
        prefix = str(frame["Id"].iloc[0])[:3] if len(frame) else "a00"
        spec = ObjectSpec(name, prefix, name)
    defaults: dict[str, Any] = {
        "IsDeleted": False,
        "CreatedDate": now,
        "LastModifiedDate": now,
        "SystemModstamp": now,
    }
    if name == "Lead":
        defaults["IsConverted"] = False
    for column, value in defaults.items():
        if column not in frame.columns:
            frame[column] = value
    for column, extra in spec.overrides.items():
        if column not in frame.columns and column in schema.MQLSYNC_FIELDS:
            frame[column] = empty_column(extra["type"], len(frame), frame.index)
    frame = frame.set_index(pd.Index(frame.pop("Id").astype("str"), name=None))
    fields: dict[str, FieldSpec] = {"Id": schema.build_field(spec, "Id")}
    for column in frame.columns:
        sample = frame[column].dropna().iloc[0] if frame[column].notna().any() else None
        fspec = schema.build_field(spec, str(column), frame[column].dtype, sample)
        frame[column] = coerce_column(frame[column], fspec.type)
        fields[fspec.name] = fspec
    for compound in schema.compound_fields(spec):
        if all(col in frame.columns for _, col in compound.compound_of):
            fields[compound.name] = compound
    return Table(spec, frame, fields)
