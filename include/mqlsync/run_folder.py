"""The run folder: the contract between a run's tasks (DESIGN.md section 6).

```
<data_dir>/runs/<safe_run_id>/raw/<system>/<object>/   extract (extract/landing.py)
                              normalized/               people, events, first_touches, links, quarantine, export_files
                              scores/                   scores, scores.reasons
                              <stage>/_manifest.json    written last: the stage is finished
```

Each stage writes its tables as Parquet files named after their contract, every file to a temporary
name and renamed, then `_manifest.json` (tables with rows and sha256, counts, and whatever the next
stage needs to know, under `meta`). A stage folder without a manifest is unfinished and is cleared
when the stage starts again; one with a manifest is the stage's output, which a retried task returns
as it is. Tasks hand each other `StageOutput.to_dict()` (paths and counts), never frames.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "_manifest.json"


def safe_run_id(run_id: str) -> str:
    """A folder name for an Airflow run id (`scheduled__2026-11-21T10:00:00+00:00`)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("_") or "run"


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_json_atomically(path: Path, value: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True, default=str), encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class StageOutput:
    """A finished stage: where it is, its tables (`{name: {"file", "rows", "sha256"}}`), counts, meta."""

    stage: str
    path: str
    tables: dict[str, dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> StageOutput:
        return cls(**{k: values[k] for k in cls.__dataclass_fields__ if k in values})

    def table_path(self, name: str) -> Path:
        if name not in self.tables:
            raise KeyError(
                f"stage {self.stage} at {self.path} has no table {name!r}; it has {sorted(self.tables)}"
            )
        return Path(self.path) / self.tables[name]["file"]

    def read(self, name: str, *, columns: list[str] | None = None) -> pd.DataFrame:
        """One of the stage's tables (Arrow strings as pandas strings, timestamps as UTC)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.table_path(name), columns=columns).to_pandas()


class RunFolder:
    """`RunFolder(settings.data_dir, run_id)`: the stages of one run, each finished once."""

    def __init__(self, data_dir: Path | str, run_id: str) -> None:
        self.run_id = run_id
        self.path = Path(data_dir) / "runs" / safe_run_id(run_id)

    def stage_path(self, stage: str) -> Path:
        return self.path / stage

    def finished(self, stage: str) -> StageOutput | None:
        """The stage's output if its manifest exists, else None (never run, or cut off mid-way)."""
        manifest = self.stage_path(stage) / MANIFEST
        if not manifest.exists():
            return None
        return StageOutput.from_dict(json.loads(manifest.read_text(encoding="utf-8")))

    def write(
        self,
        stage: str,
        tables: Mapping[str, pd.DataFrame],
        *,
        counts: Mapping[str, int] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> StageOutput:
        """Write the stage's tables, then its manifest; an unfinished earlier attempt is cleared first."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        folder = self.stage_path(stage)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        listed: dict[str, dict[str, Any]] = {}
        for name, frame in tables.items():
            file = f"{name}.parquet"
            tmp = folder / f".{file}.tmp"
            # Plain Arrow types without pandas metadata: any reader (and other pandas versions) loads it.
            table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
            pq.write_table(table, tmp, compression="zstd")
            listed[name] = {"file": file, "rows": table.num_rows, "sha256": file_sha256(tmp)}
            os.replace(tmp, folder / file)
        output = StageOutput(
            stage=stage,
            path=str(folder),
            tables=listed,
            counts={k: int(v) for k, v in (counts or {}).items()},
            meta=dict(meta or {}),
        )
        write_json_atomically(folder / MANIFEST, {**output.to_dict(), "run_id": self.run_id})
        return output
