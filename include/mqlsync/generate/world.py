"""Generate a whole world: shared catalog, chunks (in worker processes), files, manifest.

`generate_world` is the Python API behind `mqlsync generate`. Chunks are built in parallel but
written strictly in chunk order, so the bytes are the same for any number of workers.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from mqlsync import __version__
from mqlsync.generate import salesforce
from mqlsync.generate.catalog import Catalog, build_catalog
from mqlsync.generate.chunk import ChunkOutput, build_chunk
from mqlsync.generate.config import WorldConfig
from mqlsync.generate.hubspot import owners_table
from mqlsync.generate.writer import ExportSink, ParquetSink, sha256

log = logging.getLogger(__name__)
GENERATOR_VERSION = f"{__version__}+world.1"
OWNED = ("salesforce", "hubspot", "exports", "truth", "manifest.json")


class FileEntry(BaseModel):
    model_config = ConfigDict(frozen=True)
    rows: int
    bytes: int
    sha256: str


class WorldManifest(BaseModel):
    """What was generated: size, seed, the world's `as_of`, and every file with its row count and hash."""

    model_config = ConfigDict(frozen=True)
    people: int
    seed: int
    generated_at: datetime
    as_of: datetime
    generator_version: str
    config: dict[str, object]
    files: dict[str, FileEntry]


_CATALOG: Catalog | None = None


def _init_worker(seed: int, people: int, config_json: str) -> None:
    global _CATALOG
    _CATALOG = build_catalog(seed, people, WorldConfig.model_validate_json(config_json))


def _run_chunk(chunk: int, chunks: int, start: int, n: int) -> ChunkOutput:
    assert _CATALOG is not None
    pa.default_memory_pool().release_unused()  # hand the previous chunk's buffers back to the OS
    return build_chunk(_CATALOG, chunk, chunks, start, n)


def _plan(people: int, chunk_size: int) -> list[tuple[int, int, int, int]]:
    chunks = max(1, -(-people // chunk_size))
    bounds = np.linspace(0, people, chunks + 1).astype(np.int64)
    return [(c, chunks, int(bounds[c]), int(bounds[c + 1] - bounds[c])) for c in range(chunks)]


def _chunks(cat: Catalog, plan: list[tuple[int, int, int, int]], workers: int):
    """Yield chunk outputs in chunk order, with at most `workers` chunks built or waiting at a time
    (memory stays flat however many chunks there are)."""
    if workers <= 1 or len(plan) <= 1:
        for args in plan:
            yield build_chunk(cat, *args)
        return
    ctx = get_context("forkserver")
    init = (cat.seed, cat.people, cat.config.model_dump_json())
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=init) as pool:
        pending: deque[Future[ChunkOutput]] = deque()
        todo = iter(plan)
        for args in todo:
            pending.append(pool.submit(_run_chunk, *args))
            if len(pending) >= workers:
                break
        while pending:
            result = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_run_chunk, *nxt))
            yield result


def generate_world(
    out_dir: Path | str, *, people: int, seed: int, config: WorldConfig | None = None
) -> WorldManifest:
    """Write the world described in docs/world-format.md into out_dir and return its manifest.

    Replaces the generator's own folders in out_dir (salesforce/, hubspot/, exports/, truth/) and
    leaves anything else alone. Same (people, seed, config) gives byte-identical files.
    """
    config = config or WorldConfig()
    if people < 1:
        raise ValueError("people must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    cat = build_catalog(seed, people, config)
    sink, exports = ParquetSink(out), ExportSink(out)
    try:
        sink.write("salesforce/User.parquet", salesforce.users_table(cat))
        sink.write("salesforce/Account.parquet", salesforce.accounts_table(cat))
        sink.write("salesforce/Campaign.parquet", salesforce.campaigns_table(cat))
        sink.write("hubspot/owners.parquet", owners_table(cat))
        for i, result in enumerate(_chunks(cat, _plan(people, config.chunk_size), config.workers)):
            for rel, table in result.tables.items():
                sink.write(rel, table)
            for system, rows in result.exports.items():
                exports.write(system, rows)
            log.info("chunk %d written", i)
            del result
            pa.default_memory_pool().release_unused()
        from mqlsync.generate.export_faults import break_files

        sink.write("truth/defects.parquet", break_files(out, sorted(exports.rows), cat))
    finally:
        sink.close()
    rows = {**sink.rows, **exports.rows}
    files = {rel: FileEntry(rows=rows[rel], bytes=(out / rel).stat().st_size, sha256=sha256(out / rel))
             for rel in sorted(rows)}  # fmt: skip
    manifest = WorldManifest(people=people, seed=seed, generated_at=config.as_of, as_of=config.as_of,
                             generator_version=GENERATOR_VERSION, config=config.model_dump(mode="json", exclude={"workers"}),
                             files=files)  # fmt: skip
    (out / "manifest.json").write_text(
        json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    )
    return manifest


__all__ = ["FileEntry", "WorldManifest", "generate_world"]
