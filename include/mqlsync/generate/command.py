"""`mqlsync generate`: write a synthetic life-sciences world (CRM records, exports, ground truth)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click


@click.command("generate")
@click.option(
    "--people", type=click.IntRange(min=1), default=10_000, show_default=True, help="How many people."
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Same seed, size and options: same bytes."
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder; its salesforce/, hubspot/, exports/ and truth/ are replaced.")  # fmt: skip
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML overrides of WorldConfig (dirty-data rates, system shares, chunk size...).")  # fmt: skip
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"]),
              default=None, help="The world's now (UTC); engagement spans the history before it. Default 2026-11-01.")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1, max=16), default=None, help="Processes (default 2).")
def generate(people: int, seed: int, out_dir: Path, config_path: Path | None, as_of: datetime | None,
             workers: int | None) -> None:  # fmt: skip
    """Generate a world of PEOPLE people from SEED into OUT (see docs/world-format.md)."""
    from mqlsync.generate.config import load_world_config
    from mqlsync.generate.world import generate_world

    config = load_world_config(config_path, as_of=as_of, workers=workers)
    started = time.perf_counter()
    manifest = generate_world(out_dir, people=people, seed=seed, config=config)
    rows = {k: v.rows for k, v in manifest.files.items() if k.endswith(".parquet")}
    click.echo(f"wrote {len(manifest.files)} files to {out_dir} in {time.perf_counter() - started:.1f}s")
    for rel in (
        "truth/people.parquet",
        "truth/records.parquet",
        "truth/events.parquet",
        "truth/defects.parquet",
    ):
        click.echo(f"  {rel}: {rows.get(rel, 0):,} rows")
