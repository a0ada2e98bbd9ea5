"""Time bulk upserts of people rows into the state store, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.store_bench --rows 200000 [--backend sqlite|postgresql] [--no-record]

Each backend gets a fresh, migrated store (a temporary SQLite file; a temporary PostgreSQL database on
TEST_POSTGRES_ADMIN_URL, default 127.0.0.1:5432) and runs four steps in their own transactions:
insert all rows, upsert them again unchanged (must touch nothing), upsert with 10 % changed, and read
them all back. On PostgreSQL the insert is also timed through executemany, to show what COPY buys.
Results are printed and appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from mqlsync.schemas import PEOPLE, conform_frame
from mqlsync.store import frames
from mqlsync.store.engine import create_store_engine
from mqlsync.store.frames import read_frame, upsert_frame
from mqlsync.store.migrate import upgrade_store

RESULTS = Path(__file__).with_name("RESULTS.md")
ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def people_rows(n: int, *, seed: int = 7) -> pd.DataFrame:
    """n synthetic canonical people (every contract column filled, some nulls), built vectorised."""
    rng = np.random.default_rng(seed)
    ids = np.arange(n)
    base = pd.Timestamp("2026-01-01", tz="UTC")
    created = base + pd.to_timedelta(rng.integers(0, 300 * 86_400, n), unit="s")
    frame = pd.DataFrame(
        {
            "record_id": pd.Series(ids).map("sf_lead:00Q{:012d}".format),
            "source": rng.choice(["salesforce", "hubspot"], n),
            "email": pd.Series(ids).map("person{}@lab.example.org".format),
            "first_name": rng.choice(["Ada", "Grace", "Rosalind", "Kenji", "Amara", "Zoë"], n),
            "last_name": rng.choice(["Lovelace", "Hopper", "Franklin", "Sato", "Okafor"], n),
            "title": rng.choice(
                ["Principal Investigator", "Lab Manager", "Director, Clinical Operations"], n
            ),
            "company": rng.choice(["Helix Bio", "Northwind CRO", "Medivance"], n),
            "email_domain": "lab.example.org",
            "phone": np.where(rng.random(n) < 0.5, None, "+1 617 555 0100"),
            "country": rng.choice(["US", "DE", "JP", "GB"], n),
            "state": None,
            "organization_type": rng.choice(["biotech", "cro", "pharma"], n),
            "job_function": rng.choice(["scientist", "lab_manager", "executive"], n),
            "therapeutic_areas": "oncology;immunology",
            "program_stage": "phase_2",
            "employees": pd.array(
                np.where(rng.random(n) < 0.2, None, rng.integers(1, 50_000, n)), dtype="Int64"
            ),
            "lead_source": "webinar",
            "timeline": "3_6_months",
            "consent": rng.choice(["opt_in", "opt_out", "unknown"], n),
            "do_not_contact": rng.random(n) < 0.05,
            "crm_status": "open",
            "owner_id": "005000000000001",
            "created_at": created,
            "updated_at": created + pd.Timedelta(days=1),
            "is_deleted": False,
            "is_converted": rng.random(n) < 0.1,
        }
    )
    return conform_frame(frame, PEOPLE)


@contextmanager
def sqlite_store() -> Iterator[sa.Engine]:
    with tempfile.TemporaryDirectory(prefix="mqlsync_bench_") as tmp:
        engine = create_store_engine(f"sqlite:///{tmp}/mqlsync.db")
        upgrade_store(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def postgres_store() -> Iterator[sa.Engine]:
    name = f"mqlsync_bench_{uuid.uuid4().hex[:8]}"
    admin = create_store_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = create_store_engine(sa.make_url(ADMIN_URL).set(database=name))
    try:
        upgrade_store(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def timed(label: str, fn: Callable[[], object], rows: int, out: list[tuple[str, float, int]]) -> None:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    out.append((label, seconds, rows))
    print(f"  {label:<38} {seconds:8.2f} s  {rows / seconds:>10,.0f} rows/s", flush=True)


def bench_backend(backend: str, people: pd.DataFrame) -> list[tuple[str, float, int]]:
    n = len(people)
    changed = people.copy()
    picks = changed.sample(frac=0.1, random_state=1).index
    changed.loc[picks, "title"] = "Head of Translational Research"
    out: list[tuple[str, float, int]] = []
    store = sqlite_store if backend == "sqlite" else postgres_store
    print(f"{backend}: {n:,} people rows", flush=True)

    def write(engine: sa.Engine, df: pd.DataFrame, run_id: str) -> Callable[[], object]:
        def run() -> object:
            with engine.begin() as conn:
                return upsert_frame(conn, "people", df, run_id=run_id)

        return run

    with store() as engine:
        timed("insert (empty table)", write(engine, people, "r1"), n, out)
        timed("upsert unchanged (no-op)", write(engine, people, "r2"), n, out)
        timed("upsert, 10 % of rows changed", write(engine, changed, "r3"), n, out)

        def read() -> object:
            with engine.connect() as conn:
                back = read_frame(conn, "people")
            changed_rows = int((back["updated_run"] == "r3").sum())
            if len(back) != n or changed_rows != len(picks):
                raise RuntimeError(
                    f"read {len(back)} rows, {changed_rows} changed; expected {n}, {len(picks)}"
                )
            return back

        timed("read_frame all rows", read, n, out)
    if backend == "postgresql":
        saved = frames.COPY_MIN_ROWS
        frames.COPY_MIN_ROWS = n + 1
        try:
            with store() as engine:
                timed("insert via executemany (no COPY)", write(engine, people, "r1"), n, out)
        finally:
            frames.COPY_MIN_ROWS = saved
    return out


def record(results: dict[str, list[tuple[str, float, int]]], rows: int) -> None:
    import psycopg

    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the scripts in benchmarks/; newest last.\n")
    lines = [
        "",
        f"## State store: upsert of {rows:,} people rows ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"`python -m benchmarks.store_bench --rows {rows}` on {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLAlchemy {sa.__version__}, psycopg {psycopg.__version__}, "
        f"pandas {pd.__version__}; load average {os.getloadavg()[0]:.1f} at the end (shared machine: "
        "wall times scale with it). Each step is one transaction.",
        "",
        "| backend | step | seconds | rows/s |",
        "|---|---|---:|---:|",
    ]
    for backend, steps in results.items():
        lines += [f"| {backend} | {label} | {sec:.2f} | {n / sec:,.0f} |" for label, sec, n in steps]
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    people = people_rows(args.rows)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {b: bench_backend(b, people) for b in backends}
    if not args.no_record:
        record(results, args.rows)


if __name__ == "__main__":
    main()
