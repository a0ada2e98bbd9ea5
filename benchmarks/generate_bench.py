"""Generator throughput: wall time and peak memory of `generate_world` for N people.

    .venv/bin/python -m benchmarks.generate_bench --people 1000000

Runs the generator in a child process and samples the resident memory of that process and its
workers (psutil) every 100 ms: the peak of the sum is what the machine had to hold. Also reports the
largest single process's ru_maxrss. Appends one section to benchmarks/RESULTS.md (never overwrites).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

RESULTS = Path(__file__).with_name("RESULTS.md")
CHILD = (
    "import sys; from mqlsync.generate import WorldConfig, generate_world; "
    "m = generate_world(sys.argv[1], people=int(sys.argv[2]), seed=int(sys.argv[3]), "
    "config=WorldConfig(workers=int(sys.argv[4]))); "
    "print(sum(f.rows for k, f in m.files.items() if k == 'truth/events.parquet'))"
)


def _sample(proc: psutil.Process, cpu: dict[int, float]) -> int:
    """Resident bytes of the process tree now; records each process's CPU seconds so far in cpu."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
            times = p.cpu_times()
            cpu[p.pid] = times.user + times.system
    return total


def run(people: int, seed: int, workers: int, out: Path) -> dict[str, float]:
    """Generate once into out; return seconds, peak tree MiB, max single-process MiB, events, size."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out), str(people), str(seed), str(workers)],
        stdout=subprocess.PIPE,
        text=True,
    )
    proc = psutil.Process(child.pid)
    peak = 0
    cpu: dict[int, float] = {}
    while child.poll() is None:
        peak = max(peak, _sample(proc, cpu))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    stdout = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"generator failed with exit code {child.returncode}")
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"seconds": seconds, "peak_mib": peak / 2**20, "single_mib": single,
            "events": int(stdout.strip() or 0), "size_mib": size / 2**20, "cpu": sum(cpu.values())}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="default: a temporary folder, removed after")
    parser.add_argument("--note", default="", help="free text for the results table")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    if args.out:
        result = run(args.people, args.seed, args.workers, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="mqlsync-world-") as tmp:
            result = run(args.people, args.seed, args.workers, Path(tmp))
    load_after = os.getloadavg()[0]
    print(
        f"{args.people:,} people, {result['events']:,} events: {result['seconds']:.1f} s, "
        f"{result['cpu']:.0f} CPU s, peak {result['peak_mib']:,.0f} MiB (largest process {result['single_mib']:,.0f} MiB), "
        f"{result['size_mib']:,.0f} MiB written"
    )
    header = "| date (UTC) | description | people | events | seconds | peak MiB | largest process MiB |"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = "## Generator: `python -m benchmarks.generate_bench`"
    if section not in text:
        text = text.rstrip("\n") + (
            f"\n\n{section}\n\nWall time and peak resident memory (sum over the generator process and its "
            f"workers, sampled every 100 ms).\n\n{header}\n|---|---|---:|---:|---:|---:|---:|\n"
        )
        RESULTS.write_text(text, encoding="utf-8")
    description = (
        f"generate_world, {args.workers} workers, seed {args.seed}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load avg {load_before:.1f}->{load_after:.1f}, {result['cpu']:.0f} CPU s, "
        f"{result['size_mib']:,.0f} MiB written{'; ' + args.note if args.note else ''}"
    )
    row = (
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {description} | {args.people:,} | {result['events']:,} | "
        f"{result['seconds']:.1f} | {result['peak_mib']:,.0f} | {result['single_mib']:,.0f} |\n"
    )
    _append_row(row)


def _append_row(row: str) -> None:
    """Insert the row at the end of this benchmark's table (other sections may follow it)."""
    lines = RESULTS.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("## Generator:"))
    while at < len(lines) and not lines[at].startswith("| date (UTC) | description"):
        at += 1
    at += 2  # header and separator
    while at < len(lines) and lines[at].startswith("|"):
        at += 1
    lines.insert(at, row)
    RESULTS.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
