"""Validation speed: the shipped suites on synthetic people and events, GX against plain pandas.

    .venv/bin/python -m benchmarks.validate_bench --people 1000000 --events 10000000

Builds canonical frames in memory (not timed) with realistic defect rates (about 1 % of people
fail a row check, 0.1 % of events), then times, in one process: importing GX, building the
ephemeral context, GX SUMMARY validation of every suite, the same checks as pandas masks, and
quarantine-row extraction; then `validate_tables` end to end. Peak RSS from getrusage. Prints a
Markdown section; `--append` adds it to benchmarks/RESULTS.md (never overwrites).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from mqlsync.schemas import EVENT_TYPES
from mqlsync.settings import PROJECT_ROOT

RESULTS = Path(__file__).with_name("RESULTS.md")
AS_OF = datetime(2026, 11, 21, 10, tzinfo=UTC)


def _pick(rng: np.random.Generator, values: list[str], n: int) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(rng.integers(0, len(values), n), values)).astype("string")


def _dirty(s: pd.Series, rng: np.random.Generator, rate: float, value: object) -> pd.Series:
    mask = rng.random(len(s)) < rate
    out = s.copy()
    out[mask] = value
    return out


def make_people(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = pd.Series(np.arange(n)).astype("string")
    kind = rng.integers(0, 3, n)
    prefix = np.array(["sf_lead:", "sf_contact:", "hubspot:"])[kind]
    record_id = pd.Series(prefix).astype("string") + ids
    email = "p" + ids + "@" + _pick(rng, ["genelab.com", "uni-heidelberg.de", "pharma.co.jp", "cro.org"], n)
    email = _dirty(email, rng, 0.002, "test@example.com")
    email = _dirty(email, rng, 0.002, "jane at lab.com")
    country = _dirty(_pick(rng, ["US", "DE", "GB", "JP", "CA", "AU", "FR"], n), rng, 0.002, "XX")
    state = pd.Series(np.where(country == "US", "MA", np.where(country == "CA", "ON", None))).astype("string")
    created = pd.Series(
        pd.to_datetime(AS_OF) - pd.to_timedelta(rng.integers(3_600, 730 * 86_400, n), unit="s")
    ).astype("datetime64[us, UTC]")
    created = _dirty(created, rng, 0.001, pd.Timestamp(AS_OF + timedelta(days=90)))
    return pd.DataFrame(
        {
            "record_id": record_id,
            "source": pd.Series(np.where(kind == 2, "hubspot", "salesforce")).astype("string"),
            "email": email,
            "first_name": _dirty(
                _pick(rng, ["Anna", "Wei", "José", "Ølaf", "Priya"], n), rng, 0.001, "=HYPERLINK(1)"
            ),
            "last_name": _dirty(_pick(rng, ["Schmidt", "O'Brien", "Tanaka", "Okafor"], n), rng, 0.002, None),
            "title": _dirty(
                _pick(rng, ["Principal Investigator", "Lab Manager", "CSO"], n), rng, 0.001, "x" * 200
            ),
            "company": _pick(rng, ["Genelab", "Heidelberg University", "Acme CRO"], n),
            "country": country,
            "state": state,
            "consent": _pick(rng, ["opt_in", "opt_out", "unknown"], n),
            "created_at": created,
            "updated_at": created + pd.Timedelta(hours=1),
        }
    )


def make_events(n: int, people: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    person = people["record_id"].to_numpy()[rng.integers(0, len(people), n)]
    record_id = pd.Series(person, dtype="string")
    record_id = _dirty(record_id, rng, 0.0005, "sf_lead:unknown")
    occurred = pd.Series(
        pd.to_datetime(AS_OF) - pd.to_timedelta(rng.integers(60, 365 * 86_400, n), unit="s")
    ).astype("datetime64[us, UTC]")
    occurred = _dirty(occurred, rng, 0.0005, pd.Timestamp(AS_OF + timedelta(days=3)))
    return pd.DataFrame(
        {
            "event_id": "ev:" + pd.Series(np.arange(n)).astype("string"),
            "record_id": record_id,
            "email": pd.Series(pd.NA, index=range(n), dtype="string"),
            "event_type": _pick(rng, list(EVENT_TYPES), n),
            "asset_id": _pick(rng, ["a1", "a2", "a3"], n),
            "campaign_id": pd.Series(pd.NA, index=range(n), dtype="string"),
            "occurred_at": occurred,
            "source": _pick(rng, ["salesforce", "hubspot"], n),
        }
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(people_n: int, events_n: int, seed: int) -> tuple[list[tuple[str, float, str]], dict[str, int]]:
    from mqlsync.validate import load_suites, validate_tables
    from mqlsync.validate.masks import EVALUATORS
    from mqlsync.validate.validation import _quarantine, batch_frame, person_ids, suite_rows

    t = time.perf_counter()
    people = make_people(people_n, seed)
    events = make_events(events_n, people, seed)
    build = time.perf_counter() - t
    tables = {"people": people, "events": events}
    suites = load_suites(PROJECT_ROOT / "expectations")
    rows: list[tuple[str, float, str]] = [
        ("build frames (not part of validation)", build, f"peak {_peak_mib():,.0f} MiB")
    ]

    t = time.perf_counter()
    import great_expectations  # noqa: F401

    rows.append(("import great_expectations", time.perf_counter() - t, ""))
    from mqlsync.validate.gx_run import GxRunner

    t = time.perf_counter()
    runner = GxRunner()
    rows.append(("GX ephemeral context", time.perf_counter() - t, ""))

    t = time.perf_counter()
    known = person_ids(people, ())
    prep = time.perf_counter() - t
    gx_time = mask_time = extract_time = 0.0
    failed_rows = 0
    for name, frame in tables.items():
        mine = [s for s in suites.values() if s.table == name]
        t = time.perf_counter()
        batch = batch_frame(name, frame.reset_index(drop=True), mine, known_ids=known)
        prep += time.perf_counter() - t
        for suite in mine:
            selected = suite_rows(batch, suite)
            sub = batch.loc[selected]
            params = suite.parameters(AS_OF)
            t = time.perf_counter()
            runner.run(suite, sub.reset_index(drop=True), params)
            gx_time += time.perf_counter() - t
            for exp in suite.expectations:
                t = time.perf_counter()
                mask = EVALUATORS[exp.type].failing(sub[exp.column], exp.kwargs, params)
                mask_time += time.perf_counter() - t
                if exp.row_level and exp.quarantine and mask.any():
                    t = time.perf_counter()
                    positions = np.flatnonzero(selected)[mask]
                    _quarantine(
                        frame, positions, sub[exp.column].iloc[np.flatnonzero(mask)].to_numpy(), suite, exp
                    )
                    extract_time += time.perf_counter() - t
                    failed_rows += int(mask.sum())
    rows.append(("batch frames (derived columns, person lookup)", prep, ""))
    rows.append(("GX validation, SUMMARY, all suites", gx_time, f"{len(suites)} suites"))
    rows.append(("same checks as pandas masks", mask_time, f"GX / pandas = {gx_time / mask_time:.1f}x"))
    rows.append(
        ("row extraction (quarantine rows, snapshots)", extract_time, f"{failed_rows:,} failing row-checks")
    )

    t = time.perf_counter()
    validation = validate_tables(tables, suites, as_of=AS_OF, known_record_ids=())
    total = time.perf_counter() - t
    counts = {
        "people": len(people),
        "events": len(events),
        "quarantined": len(validation.quarantined),
        "gates_failed": int(validation.results["gate_failed"].sum()),
    }
    rows.append(
        ("validate_tables end to end (GX imported)", total, f"{counts['quarantined']:,} quarantine rows")
    )
    rows.append(("peak RSS", 0.0, f"{_peak_mib():,.0f} MiB (getrusage, includes the input frames)"))
    return rows, counts


def render(rows: list[tuple[str, float, str]], counts: dict[str, int], args: argparse.Namespace) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"## Validate: `python -m benchmarks.validate_bench --people {args.people} --events {args.events}` "
        f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Shipped suites (expectations/*.json) on synthetic canonical frames: {counts['people']:,} people, "
        f"{counts['events']:,} events; Python {platform.python_version()}, pandas {pd.__version__}, "
        f"{os.cpu_count()} shared CPUs, load average {load:.1f}. One process, timed in order.",
        "",
        "| step | seconds | notes |",
        "|---|---:|---|",
    ]
    lines += [f"| {name} | {sec:.2f} | {note} |" for name, sec, note in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--append", action="store_true", help="append the section to benchmarks/RESULTS.md")
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    rows, counts = run(args.people, args.events, args.seed)
    section = render(rows, counts, args)
    print(section)
    if args.append:
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write("\n" + section)


if __name__ == "__main__":
    main()
