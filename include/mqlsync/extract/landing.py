"""Raw landing: what a run pulled, as Parquet, one folder per run and source object.

```
<data_dir>/runs/<safe_run_id>/raw/<system>/<object>/part-00000.parquet …
                                                    _manifest.json   (written last, atomically)
```

Columns are the API's own field names, every value a string as the API sent it (or null), plus
`_extracted_at` and `_run_id`. Pages are written as they stream (a part every `part_rows` rows), so
memory stays flat for a million rows. Every file is written to a temporary name and renamed, and the
manifest (the ExtractResult, the parts and their sha256) comes last: a folder without a manifest is
an incomplete landing, and starting the same landing again clears it first. A folder with a manifest
can be replayed without calling the CRM again.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mqlsync.run_folder import MANIFEST, RunFolder, write_json_atomically
from mqlsync.run_folder import file_sha256 as _sha256

__all__ = ["MANIFEST", "Landing", "LandingWriter", "as_text", "iter_landings", "read_landing"]
PART_ROWS = 50_000
BOOKKEEPING = ("_extracted_at", "_run_id")


def as_text(value: Any) -> str | None:
    """A JSON value as the API's text: booleans as `true`/`false`, nested values as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return str(value)


class Landing:
    """The raw folder of one run: `Landing(settings.data_dir, run_id).writer("salesforce", "Lead")`."""

    def __init__(self, root: Path | str, run_id: str) -> None:
        self.root = Path(root)
        self.run_id = run_id
        self.run_dir = RunFolder(root, run_id).path

    def path(self, system: str, object_name: str) -> Path:
        return self.run_dir / "raw" / system / object_name

    def manifest(self, system: str, object_name: str) -> dict[str, Any] | None:
        """The finished landing's manifest, or None while it is absent (incomplete or never run)."""
        path = self.path(system, object_name) / MANIFEST
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def writer(self, system: str, object_name: str, columns: Sequence[str]) -> LandingWriter:
        return LandingWriter(self.path(system, object_name), columns, run_id=self.run_id)


class LandingWriter:
    """Streams rows of one object into Parquet parts with a fixed all-string schema.

    Columns not declared up front are dropped (and counted in the manifest as `unknown_columns`):
    the schema must stay fixed across parts so the folder reads as one table.
    """

    def __init__(
        self, path: Path, columns: Sequence[str], *, run_id: str, part_rows: int = PART_ROWS
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.part_rows = part_rows
        self.columns = [c for c in dict.fromkeys(columns) if c not in BOOKKEEPING]
        self.schema = pa.schema([(c, pa.string()) for c in [*self.columns, *BOOKKEEPING]])
        self.extracted_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.parts: list[dict[str, Any]] = []
        self.rows = 0
        self.unknown_columns: set[str] = set()
        self._buffer: list[dict[str, Any]] = []
        if path.exists():
            shutil.rmtree(path)  # an earlier attempt without a manifest: start clean
        path.mkdir(parents=True, exist_ok=True)

    def write_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self._buffer.append(row)
            if len(self._buffer) >= self.part_rows:
                self.flush()

    def flush(self) -> None:
        """Write the buffered rows as the next part (temp file, then rename)."""
        if not self._buffer:
            return
        known = set(self.columns)
        for row in self._buffer:
            extra = row.keys() - known
            if extra:
                self.unknown_columns.update(extra)
        data = {c: [as_text(r.get(c)) for r in self._buffer] for c in self.columns}
        data["_extracted_at"] = [self.extracted_at] * len(self._buffer)
        data["_run_id"] = [self.run_id] * len(self._buffer)
        table = pa.Table.from_pydict(data, schema=self.schema)
        name = f"part-{len(self.parts):05d}.parquet"
        tmp = self.path / f".{name}.tmp"
        pq.write_table(table, tmp, compression="zstd")
        digest = _sha256(tmp)
        os.replace(tmp, self.path / name)
        self.parts.append({"file": name, "rows": table.num_rows, "sha256": digest})
        self.rows += table.num_rows
        self._buffer.clear()

    def finish(self, result: dict[str, Any]) -> dict[str, Any]:
        """Flush, then write the manifest atomically; the landing is complete from this moment."""
        self.flush()
        manifest = {
            **result,
            "parts": len(self.parts),
            "run_id": self.run_id,
            "extracted_at": self.extracted_at,
            "columns": self.columns,
            "files": self.parts,
            "unknown_columns": sorted(self.unknown_columns),
        }
        write_json_atomically(self.path / MANIFEST, manifest)
        return manifest


def read_landing(path: Path | str, *, verify: bool = False) -> pd.DataFrame:
    """One landed object as a DataFrame of strings; refuses a folder without a manifest."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.exists():
        raise FileNotFoundError(f"{path} has no {MANIFEST}: the landing is incomplete, extract it again")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    columns = [*manifest["columns"], *BOOKKEEPING]
    frames = []
    for part in manifest["files"]:
        file = path / part["file"]
        if verify and _sha256(file) != part["sha256"]:
            raise ValueError(f"{file} does not match the sha256 in its manifest")
        frames.append(pq.read_table(file).to_pandas(types_mapper=lambda _t: pd.StringDtype()))
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def iter_landings(run_dir: Path | str) -> Iterator[tuple[str, str, Path, dict[str, Any]]]:
    """`(system, object, path, manifest)` for every complete landing of a run, sorted."""
    raw = Path(run_dir) / "raw"
    for manifest_path in sorted(raw.glob(f"*/*/{MANIFEST}")):
        folder = manifest_path.parent
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        yield folder.parent.name, folder.name, folder, manifest
