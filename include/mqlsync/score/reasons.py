"""Reason codes: the long contributions table every rule writes into, and its per-person lists.

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


class Contributions:
    """Contribution rows as parallel numpy arrays: the long table without a DataFrame per block.

    `code` holds positions into `names`, `section` positions into SECTIONS. A DataFrame is built
    only at the edge (`engine._reason_rows`), because a million people make ten million rows and a
    frame per block would copy each of them several times."""

    __slots__ = ("code", "count", "decay", "latest", "names", "person", "points", "raw_points", "section")

    def __init__(self, **columns: np.ndarray | None) -> None:
        for name in self.__slots__:
            setattr(self, name, columns[name])

    def __len__(self) -> int:
        return len(self.person)

    def take(self, rows: np.ndarray) -> Contributions:
        """The rows selected by a boolean mask or positions (names are shared)."""
        return Contributions(
            names=self.names,
            **{
                c: None if getattr(self, c) is None else getattr(self, c)[rows]
                for c in self.__slots__
                if c != "names"
            },
        )


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
) -> Contributions:
    """A block of contribution rows; a scalar code or points value applies to every person given."""
    n = len(person)
    pts = np.broadcast_to(np.asarray(points, dtype=np.int64), (n,)).copy()
    if isinstance(code, str):
        codes, names = np.zeros(n, dtype=np.int64), np.array([code], dtype=object)
    else:
        codes = np.asarray(code.codes, dtype=np.int64)
        names = code.categories.to_numpy(dtype=object)
    return Contributions(
        person=np.asarray(person, dtype=np.int64),
        code=codes,
        names=names,
        points=pts,
        raw_points=pts if raw_points is None else np.asarray(raw_points, dtype=np.int64),
        section=np.full(n, SECTIONS.index(section), dtype=np.int8),
        count=np.ones(n, dtype=np.int64) if count is None else np.asarray(count, dtype=np.int64),
        latest=np.full(n, np.iinfo(np.int64).min) if latest is None else np.asarray(latest, np.int64),
        decay=np.full(n, 1.0) if decay is None else np.asarray(decay, dtype=np.float64),
    )


SCORE_COLUMNS = ("person", "points", "section")
DETAIL_COLUMNS = ("raw_points", "count", "latest", "decay")


def combine(parts: list[Contributions], *, detail: bool = True) -> Contributions:
    """All blocks in reading order: per person, disqualifiers, then biggest |points| first, then code.

    Codes are renumbered into one sorted name list, so equal codes from different blocks agree.
    Without detail the evidence columns (raw points, count, latest, decay) are None: the scores
    need only codes and points, and at ten million rows each column costs a copy and a shuffle."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return contributions(np.array([], dtype=np.int64), "NONE", 0, "info")
    names = sorted({str(c) for p in parts for c in p.names})
    lookup = pd.Index(names)
    code = np.concatenate([lookup.get_indexer(p.names)[p.code] for p in parts])
    cols = {c: np.concatenate([getattr(p, c) for p in parts]) for c in SCORE_COLUMNS}
    rank = cols["section"]
    info_last = (rank != SECTIONS.index("disqualifier")).astype(np.int64)
    magnitude = 255 - np.minimum(np.abs(cols["points"]), 255)
    key = ((cols["person"] * 2 + info_last) * 256 + magnitude) * (1 << 16) + code
    order = np.argsort(key, kind="stable")
    extra = {
        c: np.concatenate([getattr(p, c) for p in parts])[order] if detail else None for c in DETAIL_COLUMNS
    }
    return Contributions(
        names=np.array(names, dtype=object),
        code=code[order],
        **{c: v[order] for c, v in cols.items()},
        **extra,
    )


def section_sum(frame: Contributions, sections: tuple[str, ...], n: int) -> np.ndarray:
    """Points per person 0..n-1 over the rows of the given sections."""
    wanted = np.isin(np.arange(len(SECTIONS)), [SECTIONS.index(s) for s in sections])[frame.section]
    return np.bincount(frame.person[wanted], weights=frame.points[wanted], minlength=n).astype(np.int64)


def code_strings(frame: Contributions) -> pa.Array:
    """'FIT_ROLE_DECISION_MAKER:+20' for point rows; the bare code for disqualifier/info rows.

    Few distinct (code, points) pairs exist, so each is formatted once and the rows take from them."""
    names = frame.names
    pts = np.clip(frame.points, -1000, 1000) + 1000
    bare = np.isin(frame.section, [SECTIONS.index(s) for s in POINTLESS_SECTIONS])
    combo = (frame.code * 2001 + pts) * 2 + bare
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


def reason_code_lists(frame: Contributions, n: int) -> pa.ListArray:
    """The ordered reason codes of persons 0..n-1 (frame must come from `combine`)."""
    return per_person_lists(frame.person, code_strings(frame), n)


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
