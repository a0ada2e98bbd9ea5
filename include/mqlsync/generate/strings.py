"""Vectorised string building: every text column is assembled from arrays, never row by row.

Fixed-width identifiers (Salesforce ids, GUIDs) are built as uint8 matrices and handed to Arrow as one
buffer; everything else goes through pyarrow.compute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SF_CHECKSUM = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)


def from_matrix(mat: np.ndarray) -> pa.StringArray:
    """One string per row of an (n, width) uint8 ASCII matrix, without a Python loop."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    n, width = mat.shape
    offsets = np.arange(0, n * width + 1, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(mat.tobytes()))


def base62(values: np.ndarray, width: int) -> np.ndarray:
    """Right-aligned, zero-padded base-62 digits of non-negative integers as an (n, width) matrix."""
    v = np.asarray(values, dtype=np.int64).copy()
    out = np.empty((len(v), width), dtype=np.uint8)
    for col in range(width - 1, -1, -1):
        out[:, col] = BASE62[v % 62]
        v //= 62
    return out


def salesforce_ids(prefix: str, counters: np.ndarray, *, pod: str = "8c") -> pa.StringArray:
    """18-character Salesforce ids: key prefix, pod, a reserved 0, nine base-62 digits, then the
    3-character case-safe suffix that Salesforce derives from the upper-case letters of the first 15."""
    n = len(counters)
    head = np.frombuffer((prefix + pod + "0").encode(), dtype=np.uint8)
    body = np.empty((n, 18), dtype=np.uint8)
    body[:, :6] = head
    body[:, 6:15] = base62(counters, 9)
    upper = (body[:, :15] >= ord("A")) & (body[:, :15] <= ord("Z"))
    weights = 1 << np.arange(5)
    for block in range(3):
        bits = (upper[:, block * 5 : block * 5 + 5] * weights).sum(axis=1)
        body[:, 15 + block] = _SF_CHECKSUM[bits]
    return from_matrix(body)


def guids(rng: np.random.Generator, n: int) -> pa.StringArray:
    """Random version-4-looking GUIDs (8-4-4-4-12 lower-case hex)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    nibbles = np.empty((n, 32), dtype=np.uint8)
    nibbles[:, 0::2] = HEX[raw >> 4]
    nibbles[:, 1::2] = HEX[raw & 15]
    nibbles[:, 12] = ord("4")
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for src, dst, length in ((0, 0, 8), (8, 9, 4), (12, 14, 4), (16, 19, 4), (20, 24, 12)):
        out[:, dst : dst + length] = nibbles[:, src : src + length]
    return from_matrix(out)


def numbers(values: np.ndarray, *, prefix: str = "", width: int = 0) -> pa.Array:
    """Decimal strings of integers, optionally zero-padded and prefixed (`P00000042`)."""
    s = pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    if width:
        s = pc.utf8_lpad(s, width=width, padding="0")
    if prefix:
        s = pc.binary_join_element_wise(prefix, s, "")
    return s


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise concatenation; a null part makes the result null."""
    return pc.binary_join_element_wise(*parts, sep)


def pick(vocab: Sequence[str] | pa.Array, idx: np.ndarray) -> pa.Array:
    """vocab[idx] for an index array."""
    arr = vocab if isinstance(vocab, pa.Array) else pa.array(list(vocab), type=pa.string())
    return arr.take(pa.array(np.asarray(idx, dtype=np.int64)))


def pick_random(rng: np.random.Generator, vocab: Sequence[str] | pa.Array, n: int) -> pa.Array:
    return pick(vocab, rng.integers(0, len(vocab), size=n))


def where(mask: np.ndarray, then: pa.Array | str | None, otherwise: pa.Array) -> pa.Array:
    """Replace values where mask is true (then may be a scalar or None for null)."""
    if then is None or isinstance(then, str):
        then = pa.scalar(then, type=otherwise.type)
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), then, otherwise)


def ascii_slug(values: pa.Array) -> pa.Array:
    """Lower-case ASCII letters and digits only: `Müller-Lüdenscheidt` -> `mullerludenscheidt`."""
    s = pc.utf8_normalize(pc.utf8_lower(values), form="NFKD")
    return pc.replace_substring_regex(s, pattern="[^a-z0-9]", replacement="")


def _digits(out: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    for k in range(width - 1, -1, -1):
        out[:, col + k] = 48 + values % 10
        values = values // 10


def iso_z(ms: np.ndarray) -> pa.Array:
    """ISO-8601 UTC strings with milliseconds (`2025-03-01T12:34:05.123Z`) from epoch milliseconds.
    Built digit by digit: several times faster than strftime on millions of rows."""
    ms = np.asarray(ms, dtype=np.int64)
    days = ms // 86_400_000
    day = days.astype("datetime64[D]")
    year = day.astype("datetime64[Y]")
    month = day.astype("datetime64[M]")
    y = year.astype(np.int64) + 1970
    mo = month.astype(np.int64) - (y - 1970) * 12 + 1
    d = (day - month).astype(np.int64) + 1
    rest = ms - days * 86_400_000
    out = np.empty((len(ms), 24), dtype=np.uint8)
    out[:] = np.frombuffer(b"0000-00-00T00:00:00.000Z", dtype=np.uint8)
    for col, values, width in (
        (0, y, 4),
        (5, mo, 2),
        (8, d, 2),
        (11, rest // 3_600_000, 2),
        (14, rest // 60_000 % 60, 2),
        (17, rest // 1000 % 60, 2),
        (20, rest % 1000, 3),
    ):
        _digits(out, col, values.astype(np.int64), width)
    return from_matrix(out)


def choose_by_weight(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    """n category indices drawn with the given (unnormalised) weights."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w / w.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(w) - 1)


def choose_rows(rng: np.random.Generator, cdf_rows: np.ndarray, row_of: np.ndarray) -> np.ndarray:
    """Per element, a category drawn from its own row of a cumulative-probability matrix."""
    u = rng.random(len(row_of))
    out = np.zeros(len(row_of), dtype=np.int64)
    last = cdf_rows.shape[1] - 1
    for row in range(cdf_rows.shape[0]):
        sel = np.flatnonzero(row_of == row)
        out[sel] = np.minimum(np.searchsorted(cdf_rows[row], u[sel], side="right"), last)
    return out
