"""Whole-file faults in the export landing folder: a truncated last line, a byte-order mark, an empty
file. Chosen from the seed after all rows are written; each is recorded as a defect of the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from mqlsync.generate.catalog import Catalog

FAULTS = ("truncated_file", "bom_header", "empty_file")


def break_files(root: Path, files: list[str], cat: Catalog) -> pa.Table:
    """Damage a share of the export files in place; return their defect rows."""
    rng = np.random.Generator(np.random.PCG64([cat.seed, 0xF11E]))
    hit = rng.random(len(files)) < cat.config.dirty.export_malformed_file
    kind = rng.integers(0, len(FAULTS), len(files))
    rows: list[tuple[str, str, str, str]] = []
    for rel, h, k in zip(files, hit, kind, strict=True):
        if not h:
            continue
        path = root / rel
        data = path.read_bytes()
        fault = FAULTS[int(k)]
        if fault == "truncated_file":
            cut = data.rstrip(b"\n").rfind(b"\n")
            keep = cut + 1 + max(1, (len(data) - cut - 1) // 2)
            data = data[:keep]
        elif fault == "bom_header":
            data = b"\xef\xbb\xbf" + data
        else:
            data = b""
        path.write_bytes(data)
        rows.append((f"file:{rel}", "file", fault, rel))
    names = ("record_id", "field", "defect", "locator")
    return pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})
