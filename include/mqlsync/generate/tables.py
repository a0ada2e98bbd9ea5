"""Typed Arrow tables from loose columns: the one place that turns epoch ms into timestamps, -1 into
null and a missing column into a typed null column, so every file matches docs/world-format.md."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")
DAY_MS = 86_400_000
Spec = Sequence[tuple[str, pa.DataType]]


def ts(ms: np.ndarray) -> pa.Array:
    """Timestamps from epoch ms; negative means null."""
    ms = np.asarray(ms, dtype=np.int64)
    return pa.array(ms, type=TS, mask=ms < 0)


def date(ms: np.ndarray) -> pa.Array:
    ms = np.asarray(ms, dtype=np.int64)
    return pa.array((ms // DAY_MS).astype(np.int32), type=pa.date32(), mask=ms < 0)


def build(spec: Spec, n: int, **columns: object) -> pa.Table:
    """A table with exactly the spec's columns in order; absent columns are all-null."""
    arrays = []
    for name, typ in spec:
        value = columns.pop(name, None)
        if value is None:
            arr = pa.nulls(n, type=typ)
        elif isinstance(value, pa.ChunkedArray | pa.Array):
            arr = value if value.type == typ else value.cast(typ)
        elif isinstance(value, np.ndarray):
            arr = pa.array(value, type=typ)
        else:
            arr = pa.array(np.full(n, value), type=typ)
        if len(arr) != n:
            raise ValueError(f"column {name} has {len(arr)} values, expected {n}")
        arrays.append(arr)
    if columns:
        raise ValueError(f"columns not in the spec: {sorted(columns)}")
    return pa.Table.from_arrays(arrays, schema=pa.schema(list(spec)))


def strs(*names: str) -> list[tuple[str, pa.DataType]]:
    return [(n, pa.string()) for n in names]
