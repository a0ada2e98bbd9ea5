"""Dirty data at configured rates, injected into rendered CRM tables and recorded as truth.

Each record gets at most one injected defect, so a test can check that the defect it reads in
truth/defects.parquet is really visible in that record's field.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.generate import names, places
from mqlsync.generate import strings as s
from mqlsync.generate.config import DirtyRatesConfig

DEFECTS = ("malformed_email", "missing_required", "invalid_country", "html_in_name", "soql_quote", "unicode",
           "oversized", "future_date")  # fmt: skip
FILLER = "Senior Scientist, Translational Research and Development, Biomarker Discovery & Assay Platforms; "


def _malformed_emails(email: pa.Array, rng: np.random.Generator) -> pa.Array:
    kind = rng.integers(0, 4, len(email))
    variants = [
        pc.replace_substring(email, "@", ""),
        pc.replace_substring(email, "@", "@@"),
        pc.replace_substring(email, "@", " at "),
        pc.replace_substring_regex(email, r"@([^.@\s]+)\..*$", "@\\1"),  # no top-level domain
    ]
    out = variants[0]
    for k in range(1, 4):
        out = s.where(kind == k, variants[k], out)
    return out


def inject(table: pa.Table, record_ids: pa.Array, fields: Mapping[str, str], rates: DirtyRatesConfig,
           as_of_ms: int, rng: np.random.Generator) -> tuple[pa.Table, pa.Table]:  # fmt: skip
    """Return the table with defects and a defects table (record_id, field, defect).

    `fields` maps logical names (email, first_name, last_name, required, country, title, long_text,
    future_date) to this object's column names; a defect whose field is absent is skipped.
    """
    n = table.num_rows
    cum = np.cumsum([getattr(rates, d) for d in DEFECTS])
    u = rng.random(n)
    which = np.where(u < cum[-1], np.searchsorted(cum, u, side="right"), -1)
    cols = {name: table.column(name).combine_chunks() for name in table.column_names}
    out_rows: list[tuple[np.ndarray, str, str]] = []

    def apply(defect: str, logical: str, value_fn) -> None:
        column = fields.get(logical)
        mask = which == DEFECTS.index(defect)
        if column is None or not mask.any():
            return
        current = cols[column]
        if defect == "malformed_email":
            mask &= current.is_valid().to_numpy(zero_copy_only=False)
        cols[column] = s.where(mask, value_fn(current), current) if value_fn else s.where(mask, None, current)
        out_rows.append((np.flatnonzero(mask), column, defect))

    apply("malformed_email", "email", lambda c: _malformed_emails(c, rng))
    apply("missing_required", "required", None)
    apply("invalid_country", "country", lambda c: s.pick_random(rng, places.INVALID_COUNTRIES, n))
    apply("html_in_name", "first_name", lambda c: s.pick_random(rng, names.HOSTILE_NAMES, n))
    apply("soql_quote", "last_name", lambda c: s.pick_random(rng, names.SOQL_BREAKERS, n))
    apply("unicode", "first_name", lambda c: s.pick_random(rng, names.UNICODE_NAMES, n))
    long_text = fields.get("long_text")
    split = rng.random(n) < 0.3
    if long_text:
        huge = pa.scalar(FILLER * 110, pa.string())
        mask = (which == DEFECTS.index("oversized")) & split
        cols[long_text] = pc.if_else(pa.array(mask), huge, cols[long_text])
        out_rows.append((np.flatnonzero(mask), long_text, "oversized"))
        which = np.where(mask, -1, which)
    apply("oversized", "title", lambda c: s.join(pc.fill_null(c, "Scientist"), " | ", FILLER * 3))
    future = fields.get("future_date")
    if future:
        mask = which == DEFECTS.index("future_date")
        typ = cols[future].type
        days = rng.integers(30, 900, n)
        if pa.types.is_date32(typ):
            value = pa.array((as_of_ms // 86_400_000 + days).astype(np.int32), type=pa.date32())
        else:
            value = pa.array(as_of_ms + days * 86_400_000, type=typ)
        cols[future] = s.where(mask, value, cols[future])
        out_rows.append((np.flatnonzero(mask), future, "future_date"))
    fixed = pa.Table.from_arrays([cols[c] for c in table.column_names], schema=table.schema)
    parts = [
        pa.table({"record_id": record_ids.take(pa.array(rows)), "field": pa.array([f] * len(rows), pa.string()),
                  "defect": pa.array([d] * len(rows), pa.string())})
        for rows, f, d in out_rows
    ]  # fmt: skip
    defects = pa.concat_tables(parts) if parts else empty_defects()
    return fixed, defects


def empty_defects() -> pa.Table:
    return pa.table({k: pa.array([], pa.string()) for k in ("record_id", "field", "defect")})
