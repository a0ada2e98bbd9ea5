"""Scoring throughput: N canonical people and M events, synthesised with numpy, scored once.

    .venv/bin/python -m benchmarks.score_bench --people 1000000 --events 10000000

Appends one line to benchmarks/RESULTS.md (never overwrites; others write there too). The target in
the issue: a million people with ten million events in under 60 s on the 2-core machine. Both entry
points are timed: score_with_reasons (the CLI, which also writes the long reasons sidecar) and
score_people (the DAG, scores only). CPU time is reported beside wall time because the machine is
shared: wall time alone mostly measures the neighbours.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.schemas import (
    EVENT_TYPES,
    JOB_FUNCTIONS,
    ORGANIZATION_TYPES,
    PROGRAM_STAGES,
    THERAPEUTIC_AREAS,
    TIMELINES,
)
from mqlsync.score.engine import score_people, score_with_reasons
from mqlsync.score.modelfile import load_model
from mqlsync.settings import DEFAULT_MODEL_PATH

RESULTS = Path(__file__).with_name("RESULTS.md")
T = TypeVar("T")
AS_OF = pd.Timestamp("2026-11-01T00:00:00Z")
COUNTRIES = ("US", "US", "US", "DE", "GB", "FR", "JP", "CN", "CA", "CH", "BR", "IN", "IL")
# Roughly the generator's mix: lots of light touches, few hand-raises.
EVENT_WEIGHTS = {
    "page_view": 40,
    "email_open": 25,
    "email_click": 10,
    "content_download": 8,
    "webinar_registered": 3,
    "webinar_attended": 2,
    "event_attended": 1,
    "form_submit": 4,
    "demo_request": 0.5,
    "evaluation_request": 0.2,
    "trial_matching_request": 0.3,
    "evidence_request": 0.3,
    "sample_request": 0.2,
    "pricing_request": 0.3,
    "meeting_request": 0.2,
    "unsubscribe": 0.3,
}


def _ids(prefix: str, n: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(np.arange(n)), pa.string()), "")


def _pick(rng: np.random.Generator, values: tuple[str, ...], n: int, null_share: float = 0.0) -> pd.Series:
    idx = rng.integers(0, len(values), n)
    out = pd.Series(np.array(values, dtype=object)[idx])
    if null_share:
        out[rng.random(n) < null_share] = None
    return out.astype("string")


def synthesise(
    n_people: int, n_events: int, assets: list[str], seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_org = max(n_people // 8, 1)
    org = rng.integers(0, n_org, n_people)
    domain = pc.binary_join_element_wise("org", pc.cast(pa.array(org), pa.string()), ".example", "")
    people = pd.DataFrame(
        {
            "record_id": pd.Series(_ids("sf_lead:", n_people), dtype="string"),
            "source": "salesforce",
            "email": pd.Series(pc.binary_join_element_wise(_ids("p", n_people), domain, "@"), dtype="string"),
            "first_name": "Ada",
            "last_name": "Lovelace",
            "title": _pick(
                rng,
                ("Director", "Scientist", "VP Clinical Operations", "PhD student", "Lab Manager"),
                n_people,
            ),
            "company": pd.Series(
                pc.binary_join_element_wise("Org ", pc.cast(pa.array(org), pa.string()), ""), dtype="string"
            ),
            "email_domain": pd.Series(domain, dtype="string"),
            "phone": None,
            "country": _pick(rng, COUNTRIES, n_people, 0.05),
            "state": None,
            "organization_type": _pick(rng, ORGANIZATION_TYPES, n_people, 0.05),
            "job_function": _pick(rng, JOB_FUNCTIONS, n_people, 0.05),
            "therapeutic_areas": _pick(rng, (*THERAPEUTIC_AREAS, "oncology;immunology"), n_people, 0.2),
            "program_stage": _pick(rng, PROGRAM_STAGES, n_people, 0.3),
            "employees": pd.array(rng.integers(1, 50_000, n_people), dtype="Int64"),
            "lead_source": "web",
            "timeline": _pick(rng, TIMELINES, n_people, 0.3),
            "consent": _pick(rng, ("opt_in", "opt_in", "opt_in", "unknown", "opt_out"), n_people),
            "do_not_contact": rng.random(n_people) < 0.02,
            "crm_status": None,
            "owner_id": None,
            "created_at": AS_OF - pd.Timedelta(days=800),
            "updated_at": AS_OF - pd.Timedelta(days=10),
            "is_deleted": False,
            "is_converted": False,
        }
    )
    weights = np.array([EVENT_WEIGHTS[t] for t in EVENT_TYPES])
    etype = rng.choice(len(EVENT_TYPES), n_events, p=weights / weights.sum())
    person = np.where(
        rng.random(n_events) < 0.8, rng.integers(0, n_people, n_events), rng.zipf(1.6, n_events) % n_people
    )
    asset_idx = rng.integers(0, len(assets) + len(assets) // 3, n_events)
    asset = np.array([*assets, *([None] * (len(assets) // 3))], dtype=object)[asset_idx]
    age_s = rng.integers(0, 730 * 86_400, n_events)
    events = pd.DataFrame(
        {
            "event_id": pd.Series(_ids("ev", n_events), dtype="string"),
            "record_id": pd.Series(
                pc.binary_join_element_wise("sf_lead:", pc.cast(pa.array(person), pa.string()), ""),
                dtype="string",
            ),
            "email": None,
            "event_type": pd.Series(np.array(EVENT_TYPES, dtype=object)[etype], dtype="string"),
            "asset_id": pd.Series(asset, dtype="string"),
            "campaign_id": None,
            "occurred_at": (AS_OF - pd.to_timedelta(age_s, unit="s")).astype("datetime64[ms, UTC]"),
            "source": "salesforce",
        }
    )
    return people, events


def _timed(fn: Callable[..., T], *args: object, **kwargs: object) -> tuple[T, float, float]:
    """fn's result, wall seconds and CPU seconds of this process."""
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--note", default="", help="appended to the results line (e.g. 'before fix')")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    model = load_model(DEFAULT_MODEL_PATH)
    t0 = time.perf_counter()
    people, events = synthesise(args.people, args.events, list(model.taxonomy_frame.index))
    synthesis = time.perf_counter() - t0
    load_before = os.getloadavg()[0]
    result, wall, cpu = _timed(score_with_reasons, people, events, model, as_of=AS_OF)
    del result
    scores, wall_p, cpu_p = _timed(score_people, people, events, model, as_of=AS_OF)
    load_after = os.getloadavg()[0]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = scores["mql_status"].value_counts().to_dict()
    line = (
        f"| {pd.Timestamp.now('UTC'):%Y-%m-%d %H:%M} | score_bench | {args.people:,} people, {args.events:,} events "
        f"| score_with_reasons {wall:.1f} s wall, {cpu:.1f} s CPU; score_people {wall_p:.1f} s wall, "
        f"{cpu_p:.1f} s CPU (synthesis {synthesis:.1f} s) | {platform.python_version()}, load avg "
        f"{load_before:.1f}->{load_after:.1f}, peak RSS {peak_mib:,.0f} MiB, status {status} {args.note} |"
    )
    print(line)
    if not args.no_record:
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Benchmark results\n\n| when (UTC) | bench | size | result | notes |\n|---|---|---|---|---|\n"
            )
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


if __name__ == "__main__":
    main()
