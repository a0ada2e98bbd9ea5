"""Reading the generator's world directory (docs/world-format.md) for the emulators.

The sandbox serves what `mqlsync generate` wrote; it never invents records itself, so the ground
truth in `truth/` describes exactly what the emulators hold. `ensure_world` runs the generator only
when the directory has no manifest yet, so restarting the sandbox keeps the same world.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
from pathlib import Path
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


def read_manifest(world_dir: Path) -> dict[str, Any]:
    """The world's manifest, or {} when the directory holds bare system folders (test worlds)."""
    path = Path(world_dir) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def read_system_frames(world_dir: Path, system: str) -> dict[str, pd.DataFrame]:
    """`{<Object>: DataFrame}` from `<world_dir>/<system>/*.parquet`, typed as the generator wrote them."""
    folder = Path(world_dir) / system
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist; run `mqlsync generate` or pass --data")
    return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def release_memory() -> None:
    """Hand memory freed while loading back to the OS (Arrow's pool, then glibc's heap).

    Loading a world builds typed copies of every table and drops the read ones; without this the
    process keeps those pages (about 1.2 GB more RSS at 1,000,000 people) until the allocators
    decide to return them.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def world_exists(world_dir: Path) -> bool:
    return (Path(world_dir) / MANIFEST).exists()


def ensure_world(world_dir: Path, *, people: int, seed: int) -> Path:
    """Generate the world into `world_dir` unless one is already there; returns the directory.

    An existing world is reused even when `people`/`seed` differ from its manifest (a warning says
    so): deleting data is the user's decision, not the sandbox's.
    """
    world_dir = Path(world_dir)
    if world_exists(world_dir):
        manifest = read_manifest(world_dir)
        if (manifest.get("people"), manifest.get("seed")) != (people, seed):
            log.warning(
                "%s holds a world of %s people (seed %s); serving it instead of %s people (seed %s)",
                world_dir,
                manifest.get("people"),
                manifest.get("seed"),
                people,
                seed,
            )
        return world_dir
    from mqlsync.generate import generate_world  # the generator is heavy; import only when needed

    world_dir.mkdir(parents=True, exist_ok=True)
    generate_world(world_dir, people=people, seed=seed)
    return world_dir
