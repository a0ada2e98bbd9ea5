"""Reason codes: the long contributions frame every rule writes into, and its per-person lists.

One row per (person, code) with integer points; a person's score is the sum of their rows, so codes
always add up. Disqualifier and information codes carry no points and are written without a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Sections, in the order a breakdown is read. Fit and negative points make fit_score;
# intent, account, irrelevant and decay points make intent_score.
SECTIONS: tuple[str, ...] = (
    "disqualifier",
    "fit",
    "negative",
    "intent",
    "account",
    "irrelevant",
    "decay",
    "info",
)
FIT_SECTIONS = ("fit", "negative")
INTENT_SECTIONS = ("intent", "account", "irrelevant", "decay")
POINTLESS_SECTIONS = ("disqualifier", "info")
CRM_FIELD_LIMIT = 255
CONTRIBUTION_COLUMNS = ("person", "code", "points", "raw_points", "section", "count", "latest", "decay")


def contributions(
    person: np.ndarray,
    code: str | pd.Categorical,
    points: int | np.ndarray,
    section: str,
    *,
    raw_points: np.ndarray | None = None,
    count: np.ndarray | None = None,
    latest: np.ndarray | None = None,
    decay: np.ndarray | None = None,
) -> pd.DataFrame:
    """A block of contribution rows; a scalar code or points value applies to every person given."""
    n = len(person)
    pts = np.broadcast_to(np.asarray(points, dtype=np.int64), (n,)).copy()
    codes = (
        pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[code])
        if isinstance(code, str)
        else code
    )
    return pd.DataFrame(
        {
            "person": np.asarray(person, dtype=np.int64),
            "code": codes,
            "points": pts,
            "raw_points": pts if raw_points is None else np.asarray(raw_points, dtype=np.int64),
            "section": pd.Categorical.from_codes(
                np.full(n, SECTIONS.index(section), dtype=np.int8), SECTIONS
            ),
            "count": np.ones(n, dtype=np.int64) if count is None else np.asarray(count, dtype=np.int64),
            "latest": np.full(n, np.iinfo(np.int64).min) if latest is None else np.asarray(latest, np.int64),
            "decay": np.full(n, 1.0) if decay is None else np.asarray(decay, dtype=np.float64),
        }
    )


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """All blocks in reading order: per person, disqualifiers, then biggest |points| first, then code."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return contributions(np.array([], dtype=np.int64), "NONE", 0, "info")
    names = sorted({str(c) for p in parts for c in p["code"].cat.categories})
    lookup = pd.Index(names)
    code = np.concatenate(
        [lookup.get_indexer(p["code"].cat.categories)[p["code"].cat.codes.to_numpy()] for p in parts]
    )
    cols = {
        c: np.concatenate([p[c].to_numpy() for p in parts])
        for c in CONTRIBUTION_COLUMNS
        if c not in ("code", "section")
    }
    rank = np.concatenate([p["section"].cat.codes.to_numpy() for p in parts])
    info_last = (rank != SECTIONS.index("disqualifier")).astype(np.int64)
    magnitude = 255 - np.minimum(np.abs(cols["points"]), 255)
    key = ((cols["person"] * 2 + info_last) * 256 + magnitude) * (1 << 16) + code
    order = np.argsort(key, kind="stable")
    frame = pd.DataFrame({c: v[order] for c, v in cols.items()})
    frame.insert(1, "code", pd.Categorical.from_codes(code[order], categories=names))
    frame.insert(4, "section", pd.Categorical.from_codes(rank[order], categories=SECTIONS))
    return frame


def code_strings(frame: pd.DataFrame) -> pa.Array:
    """'FIT_ROLE_DECISION_MAKER:+20' for point rows; the bare code for disqualifier/info rows.

    Few distinct (code, points) pairs exist, so each is formatted once and the rows take from them."""
    cat = frame["code"].cat
    names = cat.categories.to_numpy(dtype=object)
    pts = np.clip(frame["points"].to_numpy(), -1000, 1000) + 1000
    bare = np.isin(frame["section"].cat.codes.to_numpy(), [SECTIONS.index(s) for s in POINTLESS_SECTIONS])
    combo = (cat.codes.to_numpy().astype(np.int64) * 2001 + pts) * 2 + bare
    seen = np.bincount(combo, minlength=int(combo.max()) + 1 if len(combo) else 0) > 0
    present = np.flatnonzero(seen)  # dense table instead of a sort: O(rows)
    index = (np.cumsum(seen) - 1)[combo]
    code_i, rest = np.divmod(present, 2 * 2001)
    texts = [
        str(names[c]) if r % 2 else f"{names[c]}:{(r // 2) - 1000:+d}"
        for c, r in zip(code_i.tolist(), rest.tolist(), strict=True)
    ]
    return pc.take(pa.array(texts, pa.string()), pa.array(index.astype(np.int64)))


def per_person_lists(person: np.ndarray, values: pa.Array, n: int) -> pa.ListArray:
    """Group already person-sorted values into one list per person 0..n-1 (empty lists allowed)."""
    counts = np.bincount(np.asarray(person, dtype=np.int64), minlength=n)
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def reason_code_lists(frame: pd.DataFrame, n: int) -> pa.ListArray:
    """The ordered reason codes of persons 0..n-1 (frame must come from `combine`)."""
    return per_person_lists(frame["person"].to_numpy(), code_strings(frame), n)


def parse_code(code: str) -> tuple[str, int]:
    """'INTENT_DEMO_REQUEST:+40' -> ('INTENT_DEMO_REQUEST', 40); 'DQ_REGION_NOT_COVERED' -> (..., 0)."""
    name, _, pts = str(code).partition(":")
    return name, int(pts) if pts else 0


def codes_total(codes: list[str]) -> int:
    """The points a list of reason codes adds up to (equal to the row's score by construction)."""
    return sum(parse_code(c)[1] for c in codes)


def crm_reason_field(codes: list[str], limit: int = CRM_FIELD_LIMIT) -> str:
    """The top codes that fit the CRM field: disqualifiers first, then by |points|, whole codes only."""
    ranked = sorted(
        enumerate(codes),
        key=lambda ic: (parse_code(ic[1])[1] != 0 or ":" in ic[1], -abs(parse_code(ic[1])[1]), ic[0]),
    )
    out: list[str] = []
    used = 0
    for _, code in ranked:
        cost = len(code) + (1 if out else 0)
        if used + cost > limit:
            continue
        out.append(code)
        used += cost
    return ";".join(out)
