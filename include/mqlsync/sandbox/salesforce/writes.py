"""Record writes shared by REST, sObject Collections and Bulk 2.0: the org's write rules in one place.

Every path checks the same things in the same order (id well-formed, record exists and is live, lead
not converted, fields known and writable, values of the right type), so a record that fails through
Bulk fails the same way through REST. Valid records are written column by column in one vectorised
assignment each, and every written row gets a new LastModifiedDate and SystemModstamp.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.salesforce.errors import RecordError
from mqlsync.sandbox.salesforce.store import Store, Table
from mqlsync.sandbox.salesforce.values import parse_value

_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
REQUIRED_ON_CREATE = {"Lead": ("LastName", "Company"), "Contact": ("LastName",)}
CREATE_DEFAULTS: dict[str, dict[str, Any]] = {
    "Lead": {"Status": "Open - Not Contacted", "IsConverted": False}
}


@dataclass(frozen=True)
class Outcome:
    """One record's result: its id (None when it never got one), created or not, or the error."""

    id: str | None
    error: RecordError | None = None
    created: bool = False

    @property
    def success(self) -> bool:
        return self.error is None


def check_id(table: Table, record_id: Any) -> str:
    if not isinstance(record_id, str) or not _ID.match(record_id) or record_id[:3] != table.spec.prefix:
        raise RecordError(
            "MALFORMED_ID", f"{table.spec.label} ID: id value of incorrect type: {record_id}", ["Id"]
        )
    return record_id


def parse_fields(table: Table, values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Field name -> stored value, in canonical names; the first problem raises RecordError."""
    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        spec = table.field(name)
        if spec is None:
            raise RecordError(
                "INVALID_FIELD", f"No such column '{name}' on sobject of type {table.name}", [name]
            )
        allowed = spec.createable if creating else spec.updateable
        if not allowed:
            raise RecordError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                f"Unable to create/update fields: {spec.name}. Please check the security settings of this "
                "field and verify that it is read/write for your profile or permission set.",
                [spec.name],
            )
        parsed[spec.name] = parse_value(spec, raw)
    return parsed


Injected = Callable[[str], RecordError | None]


def update_records(
    store: Store,
    table: Table,
    items: list[tuple[Any, dict[str, Any]]],
    *,
    commit: bool = True,
    inject: Injected | None = None,
) -> list[Outcome]:
    """Update `(id, values)` pairs; one Outcome per item, in order.

    `commit=False` only validates (for allOrNone); `inject` lets a fault profile fail a record after
    it passed validation, as a lock timeout does.
    """
    outcomes: list[Outcome] = []
    accepted: list[tuple[int, dict[str, Any]]] = []
    with store.lock:
        # One index lookup and one flag read for the whole batch: per-record lookups are slow at 1M rows.
        candidates = [r if isinstance(r, str) and _ID.match(r) else "" for r, _ in items]
        found = table.positions(candidates)
        flags = _flags(table, found)
        for (record_id, values), pos, flag in zip(items, found.tolist(), flags, strict=True):
            try:
                rid = check_id(table, record_id)
                _raise_flag(pos, flag)
                parsed = parse_fields(table, values, creating=False)
                injected = inject(rid) if inject is not None else None
                if injected is not None:
                    raise injected
                accepted.append((pos, parsed))
                outcomes.append(Outcome(str(table.df.index[pos])))
            except RecordError as err:
                outcomes.append(Outcome(record_id if isinstance(record_id, str) else None, err))
        if commit:
            write_rows(store, table, accepted)
    return outcomes


def _flags(table: Table, positions: np.ndarray) -> list[str | None]:
    """Per position: None when writable, else why not (deleted, converted)."""
    safe = np.where(positions >= 0, positions, 0)
    deleted = table.df["IsDeleted"].to_numpy(dtype=bool, na_value=False)[safe]
    converted = (
        table.df["IsConverted"].to_numpy(dtype=bool, na_value=False)[safe]
        if table.name == "Lead"
        else np.zeros(len(safe), dtype=bool)
    )
    return [
        "deleted" if d else "converted" if c else None
        for d, c in zip(deleted.tolist(), converted.tolist(), strict=True)
    ]


def _raise_flag(pos: int, flag: str | None) -> None:
    if pos < 0:
        raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
    if flag == "deleted":
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", [])
    if flag == "converted":
        raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [])


def check_writable(table: Table, record_id: str, pos: int) -> None:
    if pos < 0:
        raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
    if bool(table.df["IsDeleted"].iat[pos]):
        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", [])
    if table.name == "Lead" and bool(table.df["IsConverted"].iat[pos]):
        raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [])


def write_rows(
    store: Store, table: Table, rows: list[tuple[int, dict[str, Any]]], *, system: str = "salesforce"
) -> None:
    """Assign the values column by column and move the modstamps of every row touched."""
    if not rows:
        return
    by_column: dict[str, tuple[list[int], list[Any]]] = defaultdict(lambda: ([], []))
    for pos, values in rows:
        for name, value in values.items():
            by_column[name][0].append(pos)
            by_column[name][1].append(value)
    columns = table.df.columns
    for name, (positions, values) in by_column.items():
        table.df.iloc[positions, columns.get_loc(name)] = _as_array(values, table.df[name].dtype)
    now = store.now()
    touched = sorted({pos for pos, _ in rows})
    for name in ("LastModifiedDate", "SystemModstamp"):
        table.df.iloc[touched, columns.get_loc(name)] = now
    if store.calls is not None:
        store.calls.record_write(system, table.name, len(touched))


def _as_array(values: list[Any], dtype: Any) -> Any:
    return pd.array(values, dtype=dtype)


def insert_records(store: Store, table: Table, items: list[dict[str, Any]]) -> list[Outcome]:
    """Create records; required fields are checked, defaults applied, ids assigned."""
    outcomes: list[Outcome] = []
    new_rows: list[dict[str, Any]] = []
    with store.lock:
        for values in items:
            try:
                parsed = parse_fields(table, values, creating=True)
                missing = [f for f in REQUIRED_ON_CREATE.get(table.name, ()) if parsed.get(f) in (None, "")]
                if missing:
                    raise RecordError(
                        "REQUIRED_FIELD_MISSING",
                        f"Required fields are missing: [{', '.join(missing)}]",
                        missing,
                    )
                record_id = store.new_id(table)
                new_rows.append({"Id": record_id, **CREATE_DEFAULTS.get(table.name, {}), **parsed})
                outcomes.append(Outcome(record_id, created=True))
            except RecordError as err:
                outcomes.append(Outcome(None, err))
        append_rows(store, table, new_rows)
    return outcomes


def append_rows(store: Store, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    now = store.now()
    frame = pd.DataFrame(rows).set_index("Id")
    frame.index = frame.index.astype("str")
    for name in ("CreatedDate", "LastModifiedDate", "SystemModstamp"):
        frame[name] = now
    frame["IsDeleted"] = False
    frame = frame.reindex(columns=table.df.columns)
    for name in table.df.columns:
        frame[name] = frame[name].astype(table.df[name].dtype)
    table.df = pd.concat([table.df, frame])
    if store.calls is not None:
        store.calls.record_write("salesforce", table.name, len(rows))


def upsert_records(
    store: Store, table: Table, external_field: str, items: list[tuple[Any, dict[str, Any]]]
) -> list[Outcome]:
    """Update the record whose `external_field` equals the key, or create it when none does.

    A key matching several records fails with DUPLICATE_EXTERNAL_ID (REST answers 300 for it).
    """
    spec = table.field(external_field)
    if spec is None or not (spec.external_id or spec.name == "Id"):
        raise RecordError(
            "INVALID_FIELD",
            f"Field {external_field} is not an External ID or indexed field for {table.name}",
            [],
        )
    if spec.name == "Id":
        return update_records(store, table, list(items))
    with store.lock:
        keys = [str(k).lower() for k, _ in items]
        column = table.column(spec.name).str.lower()
        hits = np.flatnonzero(column.isin(keys).to_numpy(dtype=bool, na_value=False))
        matches: dict[str, list[int]] = defaultdict(list)
        for pos, key in zip(hits, column.iloc[hits], strict=True):
            matches[key].append(int(pos))
        outcomes: list[Outcome] = []
        for key, (raw_key, values) in zip(keys, items, strict=True):
            found = matches.get(key, [])
            if len(found) > 1:
                err = RecordError(
                    "DUPLICATE_EXTERNAL_ID",
                    f"{spec.name}: more than one record found for external id field: {found}",
                    [spec.name],
                )
                outcomes.append(Outcome(None, err))
            elif found:
                rid = str(table.df.index[found[0]])
                outcomes.extend(update_records(store, table, [(rid, values)]))
            else:
                outcomes.extend(insert_records(store, table, [{**values, spec.name: raw_key}]))
    return outcomes


def delete_records(store: Store, table: Table, ids: list[Any]) -> list[Outcome]:
    """Soft delete: the rows stay, visible only to queryAll, as in the recycle bin."""
    outcomes: list[Outcome] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    with store.lock:
        for record_id in ids:
            try:
                rid = check_id(table, record_id)
                pos = int(table.positions([rid])[0])
                check_writable(table, rid, pos)
                rows.append((pos, {"IsDeleted": True}))
                outcomes.append(Outcome(rid))
            except RecordError as err:
                outcomes.append(Outcome(record_id if isinstance(record_id, str) else None, err))
        write_rows(store, table, rows)
    return outcomes
