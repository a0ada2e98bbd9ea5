"""Running SOQL and serving its results page by page, for REST (JSON) and Bulk 2.0 (CSV).

A query is evaluated once into an ordered array of row positions; pages render only their own rows
at the time they are fetched. That keeps a 1,000,000-row result at 8 MB of positions instead of a
giant response, and lets `nextRecordsUrl` and the Bulk locator be plain offsets into that array.
"""

from __future__ import annotations

import csv
import io
import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mqlsync.sandbox.salesforce.errors import SalesforceApiError
from mqlsync.sandbox.salesforce.soql import parse_soql
from mqlsync.sandbox.salesforce.soql.evaluate import Evaluator, Resolved, located_error
from mqlsync.sandbox.salesforce.store import Store, Table
from mqlsync.sandbox.salesforce.values import render_csv, render_json

DEFAULT_BATCH = 2000
MIN_BATCH = 200
MAX_CURSORS = 64


@dataclass
class QueryResult:
    """An evaluated query: the table, ordered row positions and the bound select list."""

    store: Store
    table: Table
    positions: np.ndarray
    fields: list[Resolved]
    evaluator: Evaluator
    count_only: bool = False
    api_base: str = "/services/data/v59.0"

    @property
    def total(self) -> int:
        return len(self.positions)

    def json_records(self, start: int, stop: int) -> list[dict[str, Any]]:
        """REST records `start:stop` with `attributes` and nested parent objects."""
        if self.count_only:
            return []
        positions = self.positions[start:stop]
        with self.store.lock:
            ids = self.table.df.index[positions].tolist()
            columns = {f.key: self._render(f, positions) for f in self.fields}
            parents = {
                f.via.name: self.evaluator.table.column(f.via.name).iloc[positions].tolist()
                for f in self.fields
                if f.via is not None
            }
        records = []
        for i, record_id in enumerate(ids):
            record: dict[str, Any] = {"attributes": self._attributes(self.table.name, record_id)}
            for f in self.fields:
                value = columns[f.key][i]
                if f.via is None:
                    record[f.spec.name] = value
                    continue
                rel = str(f.via.relationship_name)
                parent_id = parents[f.via.name][i]
                if parent_id is None or parent_id != parent_id:
                    record[rel] = None
                    continue
                parent = record.get(rel)
                if parent is None:
                    kind = "Name" if len(f.via.reference_to) > 1 else f.via.reference_to[0]
                    target = self.store.object_of_id(str(parent_id)) or f.via.reference_to[0]
                    parent = {
                        "attributes": {"type": kind, "url": f"{self.api_base}/sobjects/{target}/{parent_id}"}
                    }
                    record[rel] = parent
                parent[f.spec.name] = value
            records.append(record)
        return records

    def _render(self, f: Resolved, positions: np.ndarray) -> list[Any]:
        if f.via is None and f.spec.is_compound:
            return [row[f.spec.name] for row in self.table.render_rows(positions, [f.spec.name])]
        return render_json(self.evaluator.values(f, positions), f.spec.type)

    def _attributes(self, object_name: str, record_id: str) -> dict[str, str]:
        return {"type": object_name, "url": f"{self.api_base}/sobjects/{object_name}/{record_id}"}

    def csv_page(self, start: int, stop: int, chunk: int = 5000) -> Any:
        """Bulk 2.0 CSV for rows `start:stop`, fully quoted, header first; yields text chunks."""
        header = io.StringIO()
        csv.writer(header, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow([f.key for f in self.fields])
        yield header.getvalue()
        for begin in range(start, stop, chunk):
            positions = self.positions[begin : min(stop, begin + chunk)]
            with self.store.lock:
                frame = pd.DataFrame(
                    {
                        f.key: render_csv(self.evaluator.values(f, positions), f.spec.type).to_numpy()
                        for f in self.fields
                    }
                )
            yield frame.to_csv(index=False, header=False, quoting=csv.QUOTE_ALL, lineterminator="\n")


def run_query(store: Store, soql: str, *, include_deleted: bool, bulk: bool = False) -> QueryResult:
    """Parse, bind and evaluate `soql`; raises MALFORMED_QUERY, INVALID_TYPE or INVALID_FIELD."""
    query = parse_soql(soql)
    table = store.table(query.object)
    if table is None:
        raise located_error(
            soql,
            query.object_token,
            "INVALID_TYPE",
            f"sObject type '{query.object}' is not supported. If you are attempting to use a custom object, be "
            "sure to append the '__c' after the entity name. Please reference your WSDL or the describe call "
            "for the appropriate names.",
        )
    with store.lock:
        evaluator = Evaluator(store, table, soql)
        fields = [evaluator.resolve(path) for path in query.fields]
        seen: set[str] = set()
        for f in fields:
            if f.key.lower() in seen:
                raise located_error(
                    soql, f.path.token, "MALFORMED_QUERY", f"duplicate field selected: {f.key}"
                )
            seen.add(f.key.lower())
            if bulk and f.spec.is_compound:
                raise SalesforceApiError(
                    400, "FUNCTIONALITY_NOT_ENABLED", "Selecting compound data not supported in Bulk Query"
                )
        mask = (
            np.array(evaluator.mask(query.where))
            if query.where is not None
            else np.ones(len(table), dtype=bool)
        )
        if not include_deleted:
            mask &= table.live_mask()
        positions = np.flatnonzero(mask)
        if query.order_by:
            positions = _order(evaluator, positions, query.order_by)
        positions = positions[query.offset :]
        if query.limit is not None:
            positions = positions[: query.limit]
    return QueryResult(store, table, positions, fields, evaluator, count_only=query.count_only)


def _order(evaluator: Evaluator, positions: np.ndarray, keys: Any) -> np.ndarray:
    frame = {}
    for i, key in enumerate(keys):
        bound = evaluator.resolve(key.field)
        values = evaluator.values(bound, positions).reset_index(drop=True)
        frame[f"k{i}"] = values.str.lower() if bound.spec.is_text else values
    order = pd.DataFrame(frame).sort_values(
        by=list(frame),
        ascending=[k.ascending for k in keys],
        na_position="first" if keys[0].nulls_first else "last",
        kind="mergesort",
    )
    return positions[order.index.to_numpy()]


def batch_size(header: str | None) -> int:
    """`Sforce-Query-Options: batchSize=N` -> page size in [200, 2000] (default 2000)."""
    if not header:
        return DEFAULT_BATCH
    for part in header.split(","):
        name, _, value = part.partition("=")
        if name.strip().lower() == "batchsize" and value.strip().isdigit():
            return max(MIN_BATCH, min(DEFAULT_BATCH, int(value)))
    return DEFAULT_BATCH


@dataclass
class CursorRegistry:
    """Open REST query cursors, by locator; the oldest are dropped past MAX_CURSORS, as in an org."""

    _cursors: OrderedDict[str, QueryResult] = field(default_factory=OrderedDict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, result: QueryResult) -> str:
        with self._lock:
            locator = f"01gSB{next(self._ids):013d}"
            self._cursors[locator] = result
            while len(self._cursors) > MAX_CURSORS:
                self._cursors.popitem(last=False)
            return locator

    def get(self, locator: str) -> QueryResult:
        with self._lock:
            result = self._cursors.get(locator)
        if result is None:
            raise SalesforceApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return result


def query_page(
    cursors: CursorRegistry, result: QueryResult, start: int, size: int, *, locator: str | None, endpoint: str
) -> dict[str, Any]:
    """One REST page: `totalSize`, `done`, `records` and, when more remain, a path-only nextRecordsUrl."""
    stop = min(start + size, result.total)
    page: dict[str, Any] = {
        "totalSize": result.total,
        "done": stop >= result.total,
        "records": result.json_records(start, stop),
    }
    if stop < result.total:
        locator = locator or cursors.open(result)
        page["nextRecordsUrl"] = f"{result.api_base}/{endpoint}/{locator}-{stop}"
    return page
