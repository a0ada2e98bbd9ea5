"""Normalize throughput on a generated world: raw Salesforce/HubSpot frames -> people and events.

    .venv/bin/python -m benchmarks.normalize_bench --people 100000 --seed 7

Generates the world (not timed) into a temporary folder unless --world points at one, times
normalize_people, normalize_events, normalize_first_touches and load_exports (on a SQLite store), and
appends a section to benchmarks/RESULTS.md (never overwrites; others write there too).
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from mqlsync.extract.exports import load_exports
from mqlsync.extract.normalize import normalize_events, normalize_first_touches, normalize_people
from mqlsync.generate import generate_world
from mqlsync.score.taxonomy import load_taxonomy
from mqlsync.settings import PROJECT_ROOT
from mqlsync.store import create_store_engine, start_run, upgrade_store

RESULTS = Path(__file__).with_name("RESULTS.md")
FILES = {
    "Lead": "salesforce/Lead", "Contact": "salesforce/Contact", "contacts": "hubspot/contacts",
    "CampaignMember": "salesforce/CampaignMember", "Campaign": "salesforce/Campaign", "Task": "salesforce/Task",
    "form_submissions": "hubspot/form_submissions", "web_events": "hubspot/web_events",
    "emails": "hubspot/engagements_emails", "calls": "hubspot/engagements_calls", "meetings": "hubspot/engagements_meetings",
}  # fmt: skip


def run(world: Path) -> list[tuple[str, int, float]]:
    raw = {name: pd.read_parquet(world / f"{rel}.parquet") for name, rel in FILES.items()}
    kinds = load_taxonomy(PROJECT_ROOT / "include/models/content_taxonomy.yaml")["kind"]
    timings = []
    start = time.perf_counter()
    people = normalize_people(raw)
    timings.append(
        ("normalize_people", len(people.accepted) + len(people.quarantined), time.perf_counter() - start)
    )
    start = time.perf_counter()
    events = normalize_events(raw, asset_kinds=kinds)
    timings.append(
        ("normalize_events", len(events.accepted) + len(events.quarantined), time.perf_counter() - start)
    )
    start = time.perf_counter()
    touches = normalize_first_touches(raw)
    timings.append(("normalize_first_touches", len(touches.accepted), time.perf_counter() - start))
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_store_engine(f"sqlite:///{tmp}/store.db")
        upgrade_store(engine)
        start = time.perf_counter()
        with engine.begin() as conn:
            start_run(conn, "bench", dag_id="normalize_bench")
            loaded = load_exports(conn, world / "exports", run_id="bench", asset_kinds=kinds)
        label = f"load_exports ({len(loaded.files)} files, SQLite)"
        timings.append((label, len(loaded.events) + len(loaded.quarantined), time.perf_counter() - start))
        engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=Path, help="an existing generated world (skips generation)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        world = args.world or Path(tmp) / "world"
        if args.world is None:
            generate_world(world, people=args.people, seed=args.seed)
        timings = run(world)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        "",
        f"## Normalize: `python -m benchmarks.normalize_bench` ({stamp} UTC)",
        "",
        f"World of {args.people:,} people, seed {args.seed}; Python {platform.python_version()}, 2 shared CPUs.",
        "",
        "| step | rows in | seconds | rows/s |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {rows:,} | {secs:.1f} | {rows / secs:,.0f} |" for name, rows, secs in timings],
    ]
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
