"""Evaluate a parsed SOQL query over a Table: whole-column boolean masks, never a loop per record.

SOQL semantics kept: text compares case-insensitively (ids exactly, 15-character ids by prefix);
`!=` and `NOT IN` match nulls, the other operators never do; a literal of the wrong kind is an
INVALID_FIELD error worded as Salesforce words it; relationship paths (`Campaign.Type`, polymorphic
`Who.Type`) are resolved by joining through the reference column's Id index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.salesforce.errors import SalesforceApiError
from mqlsync.sandbox.salesforce.schema import ID_TYPES, PREFIX_TO_OBJECT, FieldSpec
from mqlsync.sandbox.salesforce.soql.lexer import Token
from mqlsync.sandbox.salesforce.soql.parser import BoolOp, DateLiteral, FieldPath, InList, Like, Not
from mqlsync.sandbox.salesforce.store import Store, Table
from mqlsync.sandbox.salesforce.values import NUMBER_TYPES, bool_mask

_CUSTOM_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
    "Please reference your WSDL or the describe call for the appropriate names."
)


def located_error(soql: str, token: Token, code: str, message: str) -> SalesforceApiError:
    line = soql.splitlines()[token.row - 1] if soql else ""
    caret = " " * (token.column - 1) + "^"
    return SalesforceApiError(
        400, code, f"\n{line}\n{caret}\nERROR at Row:{token.row}:Column:{token.column}\n{message}"
    )


@dataclass(frozen=True)
class Resolved:
    """A field path bound to the data: its spec and, for parent fields, the reference it goes through."""

    path: FieldPath
    spec: FieldSpec
    via: FieldSpec | None = None  # the reference field for Parent.Field
    polymorphic_type: bool = False  # Who.Type: the parent's sObject type, from the id prefix

    @property
    def key(self) -> str:
        """The canonical name used in results: `Email`, `Campaign.Type`."""
        if self.via is None:
            return self.spec.name
        return f"{self.via.relationship_name}.{self.spec.name}"


class Evaluator:
    """Binds paths and evaluates conditions over one table of `store` (call under `store.lock`)."""

    def __init__(self, store: Store, table: Table, soql: str) -> None:
        self.store = store
        self.table = table
        self.soql = soql
        self.today = store.clock().normalize()

    # --- binding ----------------------------------------------------------------------------------
    def resolve(self, path: FieldPath) -> Resolved:
        if len(path.parts) == 1:
            spec = self.table.field(path.parts[0])
            if spec is None:
                raise self._invalid(
                    path, f"No such column '{path.parts[0]}' on entity '{self.table.name}'. {_CUSTOM_HINT}"
                )
            return Resolved(path, spec)
        if len(path.parts) == 2:
            rel, name = path.parts
            via = next(
                (
                    f
                    for f in self.table.fields.values()
                    if f.relationship_name and f.relationship_name.lower() == rel.lower()
                ),
                None,
            )
            if via is None:
                raise self._invalid(
                    path, f"Didn't understand relationship '{rel}' in field path. {_CUSTOM_HINT}"
                )
            if len(via.reference_to) > 1 and name.lower() == "type":
                return Resolved(path, FieldSpec("Type", "picklist"), via, polymorphic_type=True)
            parent = self.store.table(via.reference_to[0])
            spec = parent.field(name) if parent is not None else None
            if spec is None:
                raise self._invalid(
                    path, f"No such column '{name}' on entity '{via.reference_to[0]}'. {_CUSTOM_HINT}"
                )
            return Resolved(path, spec, via)
        raise self._invalid(
            path, f"Didn't understand relationship '{'.'.join(path.parts[:-1])}' in field path."
        )

    def _invalid(self, path: FieldPath, message: str) -> SalesforceApiError:
        return located_error(self.soql, path.token, "INVALID_FIELD", message)

    def values(self, field: Resolved, positions: np.ndarray | None = None) -> pd.Series:
        """The field's values for `positions` (all rows when None), positionally aligned."""
        if field.via is None:
            column = self.table.column(field.spec.name)
            return column if positions is None else column.iloc[positions]
        refs = self.table.column(field.via.name)
        refs = refs if positions is None else refs.iloc[positions]
        if field.polymorphic_type:
            return refs.str[:3].map(PREFIX_TO_OBJECT).astype("str")
        out: pd.Series | None = None
        for target in field.via.reference_to:
            parent = self.store.table(target)
            if parent is None or parent.field(field.spec.name) is None:
                continue
            looked = parent.column(parent.field(field.spec.name).name).reindex(refs.to_numpy())  # type: ignore[union-attr]
            looked.index = refs.index
            out = looked if out is None else out.fillna(looked)
        return out if out is not None else pd.Series([None] * len(refs), index=refs.index, dtype="str")

    # --- conditions -------------------------------------------------------------------------------
    def mask(self, expr: Any) -> np.ndarray:
        if isinstance(expr, BoolOp):
            masks = [self.mask(item) for item in expr.items]
            return np.logical_and.reduce(masks) if expr.op == "AND" else np.logical_or.reduce(masks)
        if isinstance(expr, Not):
            return ~self.mask(expr.expr)
        field = self.resolve(expr.field)
        column = self.values(field)
        if isinstance(expr, Like):
            self._check_literal(field, expr.pattern)
            regex = _like_regex(expr.pattern)
            return bool_mask(column.astype("str").str.fullmatch(regex, case=False))
        if isinstance(expr, InList):
            for value in expr.values:
                self._check_literal(field, value)
            hit = self._in(field, column, expr.values)
            return (~hit | column.isna().to_numpy()) if expr.negate else hit
        return self._compare(field, column, expr.op, expr.value)

    def _compare(self, field: Resolved, column: pd.Series, op: str, value: Any) -> np.ndarray:
        isna = column.isna().to_numpy()
        if value is None:
            if op not in ("=", "!="):
                raise located_error(
                    self.soql, field.path.token, "MALFORMED_QUERY", "null can only be compared with = or !="
                )
            return isna if op == "=" else ~isna
        self._check_literal(field, value)
        if isinstance(value, DateLiteral):
            return self._date_range(field, column, op, value)
        column, value = self._comparable(field, column, value)
        result = {
            "=": lambda: column == value,
            "!=": lambda: column != value,
            "<": lambda: column < value,
            "<=": lambda: column <= value,
            ">": lambda: column > value,
            ">=": lambda: column >= value,
        }[op]()
        mask = bool_mask(result)
        return (mask | isna) if op == "!=" else (mask & ~isna)

    def _comparable(self, field: Resolved, column: pd.Series, value: Any) -> tuple[pd.Series, Any]:
        spec = field.spec
        if spec.type in ID_TYPES and isinstance(value, str):
            return (column.str[:15], value[:15]) if len(value) == 15 else (column, value)
        if spec.is_text:
            return column.str.lower(), str(value).lower()
        if spec.type == "date" and isinstance(value, pd.Timestamp):
            return column, value.tz_localize(None) if value.tzinfo else value
        if spec.type == "datetime" and isinstance(value, pd.Timestamp) and value.tzinfo is None:
            return column, value.tz_localize("UTC")
        return column, value

    def _in(self, field: Resolved, column: pd.Series, values: tuple[Any, ...]) -> np.ndarray:
        present = [v for v in values if v is not None]
        hit = column.isna().to_numpy() if len(present) < len(values) else np.zeros(len(column), dtype=bool)
        if field.spec.is_text and field.spec.type not in ID_TYPES:
            return hit | bool_mask(column.str.lower().isin([str(v).lower() for v in present]))
        if field.spec.type == "date":
            present = [
                v.tz_localize(None) if isinstance(v, pd.Timestamp) and v.tzinfo else v for v in present
            ]
        return hit | bool_mask(column.isin(present))

    def _date_range(self, field: Resolved, column: pd.Series, op: str, literal: DateLiteral) -> np.ndarray:
        start, end = date_literal_range(literal, self.today)
        if field.spec.type == "date":
            start, end = start.tz_localize(None), end.tz_localize(None)
        inside = bool_mask((column >= start) & (column < end))
        notna = column.notna().to_numpy()
        return {
            "=": lambda: inside,
            "!=": lambda: ~inside,
            "<": lambda: bool_mask(column < start),
            "<=": lambda: bool_mask(column < end),
            ">": lambda: bool_mask(column >= end),
            ">=": lambda: bool_mask(column >= start),
        }[op]() & (notna if op != "!=" else True)

    def _check_literal(self, field: Resolved, value: Any) -> None:
        if value is None:
            return
        spec = field.spec
        name = field.key
        if spec.is_text and not isinstance(value, str):
            message = f"value of filter criterion for field '{name}' must be of type string and should be enclosed in quotes"
        elif spec.type == "boolean" and not isinstance(value, bool):
            message = f"value of filter criterion for field '{name}' must be of type boolean and should not be enclosed in quotes"
        elif spec.type in NUMBER_TYPES and (
            isinstance(value, (str, bool)) or not isinstance(value, (int, float))
        ):
            message = f"value of filter criterion for field '{name}' must be of type {spec.type} and should not be enclosed in quotes"
        elif spec.type in ("date", "datetime") and not isinstance(value, (pd.Timestamp, DateLiteral)):
            kind = "dateTime" if spec.type == "datetime" else "date"
            message = f"value of filter criterion for field '{name}' must be of type {kind} and should not be enclosed in quotes"
        elif spec.type == "datetime" and isinstance(value, pd.Timestamp) and value.tzinfo is None:
            message = f"value of filter criterion for field '{name}' must be of type dateTime and should not be enclosed in quotes"
        else:
            return
        raise located_error(self.soql, field.path.token, "INVALID_FIELD", message)


def _like_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return "".join(out)


def date_literal_range(literal: DateLiteral, today: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) in UTC of a relative date literal, with `today` at UTC midnight."""
    day = pd.Timedelta(days=1)
    n = literal.n
    week = today - pd.Timedelta(days=(today.day_of_week + 1) % 7)  # Salesforce weeks start on Sunday
    month = today.replace(day=1)
    ranges = {
        "TODAY": (today, today + day),
        "YESTERDAY": (today - day, today),
        "TOMORROW": (today + day, today + 2 * day),
        "LAST_N_DAYS": (today - n * day, today + day),
        "NEXT_N_DAYS": (today + day, today + (n + 1) * day),
        "THIS_WEEK": (week, week + 7 * day),
        "LAST_WEEK": (week - 7 * day, week),
        "LAST_N_WEEKS": (week - 7 * n * day, week),
        "THIS_MONTH": (month, month + pd.DateOffset(months=1)),
        "LAST_MONTH": (month - pd.DateOffset(months=1), month),
        "LAST_N_MONTHS": (month - pd.DateOffset(months=n), month),
    }
    start, end = ranges[literal.name]
    return pd.Timestamp(start), pd.Timestamp(end)
