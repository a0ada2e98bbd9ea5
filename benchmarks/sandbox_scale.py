"""The sandbox's scale requirement, measured with the real clients over HTTP on a generated world.

    .venv/bin/python -m benchmarks.sandbox_scale --people 1000000 --seed 1 [--world DIR] [--no-record]

Issue text: "Scale: serves 1,000,000 people without falling over; a Bulk query of all leads streams in
pages instead of building one giant response."

1. Generate the world into `--world` (default `<tmp>/mqlsync-sandbox-scale/world-<people>-<seed>`),
   or reuse the one already there.
2. Start both emulators in-process with `serve_both` (faults off, HubSpot professional tier: real
   rate limits); time the load and record the process RSS after it.
3. With simple-salesforce and hubspot-api-client over HTTP:
   - `sf.bulk2.Lead.query(...)` of every lead, counting CSV rows page by page (== live leads in the
     world file), with the peak RSS growth during the query;
   - REST `query_all_iter` over every Contact (== live contacts in the world file);
   - HubSpot `basic_api.get_page` through a few thousand contacts;
   - HubSpot `search` on a `lastmodifieddate` range with more than 10,000 hits, paged (limit 200,
     sorted, paced at 5 calls a second as the search limit asks) until the 400 at `after=10000`;
   - HubSpot events API (`sort=ASCENDING`, one-year window) for 30 pages, as extract reads it;
   - HubSpot batch update of 100 contacts and Salesforce sObject Collections update of 200 leads,
     each read back through the API.
4. Print a table (step, seconds, RSS after, peak RSS growth during the step) and append it to
   benchmarks/RESULTS.md with the date and load average (`--no-record` skips that).

Client and server share the process, so RSS is both together (what one `sandbox serve` plus its
user would hold on one machine). RSS is sampled every 20 ms by a background thread.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from mqlsync.crm.hubspot import HubSpotConnectionConfig, connect_hubspot
from mqlsync.crm.salesforce import SalesforceConnectionConfig, connect_salesforce
from mqlsync.sandbox.server import serve_both
from mqlsync.sandbox.world import ensure_world, world_exists

RESULTS = Path(__file__).with_name("RESULTS.md")
MIB = 2**20
SEARCH_LIMIT = 200
SEARCH_CAP = 10_000
SEARCH_INTERVAL = 0.21  # the search endpoints allow 5 calls a second: pace like a polite client


# ---- memory ---------------------------------------------------------------------------------
def rss_bytes() -> int:
    """Resident set size of this process (psutil if importable, else /proc/self/status VmRSS)."""
    try:
        import psutil
    except ImportError:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0
    return int(psutil.Process().memory_info().rss)


class RssSampler:
    """Samples RSS every `interval` seconds; `peak_since(reset)` gives the highest value seen."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = rss_bytes()
        self._lock = threading.Lock()  # a reset must not be undone by a sample taken before it
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                self.peak = max(self.peak, rss_bytes())

    def reset(self) -> int:
        with self._lock:
            self.peak = rss_bytes()
            return self.peak

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Step:
    name: str
    seconds: float = 0.0
    rss_before: int = 0
    rss_after: int = 0
    peak: int = 0
    detail: str = ""
    ok: bool = True

    @property
    def growth(self) -> int:
        return max(self.peak, self.rss_after) - self.rss_before


@dataclass
class Report:
    sampler: RssSampler
    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        step = Step(name, rss_before=self.sampler.reset())
        started = time.perf_counter()
        try:
            yield step
        finally:
            step.seconds = time.perf_counter() - started
            step.rss_after = rss_bytes()
            step.peak = max(self.sampler.peak, step.rss_after)
            self.steps.append(step)
            mark = "" if step.ok else "  ** FAILED **"
            print(
                f"  {name}: {step.seconds:.1f} s, RSS {step.rss_after / MIB:,.0f} MiB "
                f"(+{step.growth / MIB:,.0f} peak) {step.detail}{mark}",
                flush=True,
            )


# ---- the world's own counts ----------------------------------------------------------------------
def live_rows(path: Path, deleted_column: str) -> int:
    """Rows of a world parquet file whose deleted/archived flag is not true."""
    flags = pq.read_table(path, columns=[deleted_column]).column(deleted_column)
    return len(flags) - int(pc.sum(pc.fill_null(flags, False)).as_py() or 0)


def newest_year(path: Path, column_name: str) -> tuple[datetime, datetime]:
    """A one-year window ending at the newest value of a timestamp column in a world file."""
    newest = pc.max(pq.read_table(path, columns=[column_name]).column(column_name)).as_py()
    return newest - timedelta(days=365), newest


def ms(value: datetime) -> str:
    return str(int(value.timestamp() * 1000))


# ---- steps ------------------------------------------------------------------------------------
def bulk_leads(report: Report, sf: Any, expected: int) -> None:
    with report.step("SF Bulk 2.0 query, all leads (CSV pages)") as step:
        rows = pages = largest = 0
        started, first = time.perf_counter(), 0.0
        for page in sf.bulk2.Lead.query("SELECT Id, Email, SystemModstamp FROM Lead"):
            first = first or time.perf_counter() - started
            reader = csv.reader(io.StringIO(page))
            next(reader, None)  # each page repeats the header
            rows += sum(1 for _ in reader)
            pages += 1
            largest = max(largest, len(page))
        step.ok = rows == expected
        step.detail = (
            f"{rows:,} rows in {pages} pages (world: {expected:,} live leads), largest page "
            f"{largest / MIB:.1f} MiB; first page after {first:.1f} s (simple-salesforce sleeps 5 s "
            f"before its first poll), the rest streamed in {time.perf_counter() - started - first:.1f} s"
        )


def rest_contacts(report: Report, sf: Any, expected: int) -> None:
    with report.step("SF REST query_all_iter, all contacts") as step:
        rows = 0
        for _record in sf.query_all_iter("SELECT Id, Email, LastModifiedDate FROM Contact"):
            rows += 1
        step.ok = rows == expected
        step.detail = f"{rows:,} records, {-(-rows // 2000)} pages (world: {expected:,} live contacts)"


def hubspot_pages(report: Report, hs: Any, people: int) -> list[str]:
    wanted = min(5_000, max(people // 10, 100))
    ids: list[str] = []
    with report.step("HS basic_api.get_page, limit 100") as step:
        after = None
        calls = 0
        while len(ids) < wanted:
            page = hs.crm.contacts.basic_api.get_page(
                limit=100, after=after, properties=["email", "lastmodifieddate", "lifecyclestage"]
            )
            calls += 1
            ids.extend(r.id for r in page.results)
            if page.paging is None or page.paging.next is None:
                break
            after = page.paging.next.after
        step.ok = len(ids) >= min(wanted, people // 2) and len(set(ids)) == len(ids)
        step.detail = f"{len(ids):,} contacts in {calls} pages"
    return ids


def hubspot_search(report: Report, hs: Any, window: tuple[datetime, datetime]) -> None:
    from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest

    low, high = window
    filters = [
        {"propertyName": "lastmodifieddate", "operator": "GTE", "value": ms(low)},
        {"propertyName": "lastmodifieddate", "operator": "LTE", "value": ms(high)},
    ]
    with report.step("HS search lastmodifieddate range, paged to 10k") as step:
        after, calls, rows, total, status = 0, 0, 0, None, None
        slowest, started = 0.0, time.perf_counter()
        while True:
            request = PublicObjectSearchRequest(
                filter_groups=[{"filters": filters}],
                sorts=[{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
                properties=["email", "lastmodifieddate"],
                limit=SEARCH_LIMIT,
                after=str(after),
            )
            time.sleep(max(0.0, SEARCH_INTERVAL - (time.perf_counter() - started)) if calls else 0.0)
            started = time.perf_counter()
            try:
                page = hs.crm.contacts.search_api.do_search(public_object_search_request=request)
            except ApiException as err:
                status = err.status
                break
            finally:
                calls += 1
                slowest = max(slowest, time.perf_counter() - started)
            total = page.total
            rows += len(page.results)
            if page.paging is None or page.paging.next is None:
                break
            after = int(page.paging.next.after)
        step.ok = status == 400 and rows == SEARCH_CAP and (total or 0) > SEARCH_CAP
        step.detail = (
            f"total {total:,} hits, {rows:,} read in {calls} calls, then HTTP {status} at after={after}; "
            f"slowest call {slowest:.2f} s"
        )


def hubspot_events(report: Report, hs: Any, window: tuple[datetime, datetime], pages: int = 30) -> None:
    """The web-analytics events API as extract reads it: a time window, oldest first, paged by cursor."""
    low, high = window
    with report.step(f"HS events API, sort ASCENDING, {pages} pages of 100") as step:
        after, rows, calls, slowest, last = None, 0, 0, 0.0, None
        ordered = True
        for _ in range(pages):
            kwargs: dict[str, Any] = {
                "object_type": "contact",
                "limit": 100,
                "occurred_after": low,
                "occurred_before": high,
                "sort": ["ASCENDING"],
            }
            if after:
                kwargs["after"] = after
            started = time.perf_counter()
            page = hs.events.events_api.get_page(**kwargs)
            slowest = max(slowest, time.perf_counter() - started)
            calls += 1
            for event in page.results or []:
                ordered = ordered and (last is None or event.occurred_at >= last)
                last = event.occurred_at
                rows += 1
            if not (page.paging and page.paging.next):
                break
            after = page.paging.next.after
        step.ok = ordered and rows == calls * 100
        step.detail = (
            f"{rows:,} events in {calls} calls, in time order: {ordered}; slowest call {slowest:.2f} s"
        )


def hubspot_batch(report: Report, hs: Any, ids: list[str]) -> None:
    from hubspot.crm.contacts import (
        BatchInputSimplePublicObjectBatchInput,
        BatchReadInputSimplePublicObjectId,
        SimplePublicObjectBatchInput,
        SimplePublicObjectId,
    )

    chosen = ids[:100]
    stamp = datetime.now(UTC).strftime("%H%M%S")
    with report.step("HS batch update 100 contacts + batch read") as step:
        inputs = [
            SimplePublicObjectBatchInput(
                id=i, properties={"mql_status": "mql", "lead_score": str(50 + n % 50), "routing_queue": stamp}
            )
            for n, i in enumerate(chosen)
        ]
        hs.crm.contacts.batch_api.update(
            batch_input_simple_public_object_batch_input=BatchInputSimplePublicObjectBatchInput(inputs=inputs)
        )
        back = hs.crm.contacts.batch_api.read(
            batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
                properties=["mql_status", "lead_score", "routing_queue"],
                inputs=[SimplePublicObjectId(id=i) for i in chosen],
            )
        )
        good = sum(
            r.properties.get("mql_status") == "mql" and r.properties.get("routing_queue") == stamp
            for r in back.results
        )
        step.ok = len(chosen) == 100 and good == 100
        step.detail = f"{good}/{len(chosen)} read back with the new values"


def salesforce_collections(report: Report, sf: Any) -> None:
    with report.step("SF query 200 open leads (REST, WHERE + LIMIT)") as step:
        ids = [
            r["Id"] for r in sf.query("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 200")["records"]
        ]
        step.ok = len(ids) == 200
        step.detail = f"{len(ids)} ids"
    stamp = round(time.time() % 1000, 2)
    with report.step("SF sObject Collections update 200 leads + read back") as step:
        body = {
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Lead"}, "id": i, "MQL_Status__c": "mql", "Lead_Score__c": stamp}
                for i in ids
            ],
        }
        results = sf.restful("composite/sobjects", method="PATCH", data=json.dumps(body))
        saved = sum(bool(r.get("success")) for r in results)
        quoted = ",".join(f"'{i}'" for i in ids)
        back = sf.query(f"SELECT Id, MQL_Status__c, Lead_Score__c FROM Lead WHERE Id IN ({quoted})")
        good = sum(
            r["MQL_Status__c"] == "mql" and abs(float(r["Lead_Score__c"] or -1) - stamp) < 1e-6
            for r in back["records"]
        )
        step.ok = saved == 200 and good == 200
        step.detail = f"{saved}/200 saved, {good}/200 read back with the new values"


# ---- the run ----------------------------------------------------------------------------------
def run(people: int, seed: int, world: Path, tier: str) -> tuple[Report, dict[str, Any]]:
    with RssSampler() as sampler:
        report = Report(sampler)
        cached = world_exists(world)
        with report.step("generate world" + (" (cached)" if cached else "")) as step:
            ensure_world(world, people=people, seed=seed)
            manifest = json.loads((world / "manifest.json").read_text())
            step.detail = f"{manifest['people']:,} people, seed {manifest['seed']}"
        expected = {
            "leads": live_rows(world / "salesforce" / "Lead.parquet", "IsDeleted"),
            "contacts": live_rows(world / "salesforce" / "Contact.parquet", "IsDeleted"),
            "hubspot": live_rows(world / "hubspot" / "contacts.parquet", "archived"),
        }
        window = newest_year(world / "hubspot" / "contacts.parquet", "lastmodifieddate")
        events_window = newest_year(world / "hubspot" / "web_events.parquet", "occurredAt")
        stack = serve_both(world, faults="none", seed=seed, hubspot_tier=tier)
        with report.step("load both emulators (serve_both)") as step:
            pair = stack.__enter__()
            step.detail = (
                f"Lead {expected['leads']:,} / Contact {expected['contacts']:,} live SF rows, "
                f"{expected['hubspot']:,} live HS contacts"
            )
        try:
            sf = connect_salesforce(
                SalesforceConnectionConfig(
                    session_id=pair.salesforce_token,
                    instance_url="https://sandbox.my.salesforce.com",
                    sandbox_url=pair.salesforce.url,
                )
            )
            hs = connect_hubspot(
                HubSpotConnectionConfig(access_token=pair.hubspot_token, host=pair.hubspot.url)
            )
            bulk_leads(report, sf, expected["leads"])
            rest_contacts(report, sf, expected["contacts"])
            ids = hubspot_pages(report, hs, people)
            hubspot_search(report, hs, window)
            hubspot_events(report, hs, events_window)
            hubspot_batch(report, hs, ids)
            salesforce_collections(report, sf)
        finally:
            stack.__exit__(None, None, None)
        return report, {**expected, "world": str(world), "manifest_people": manifest["people"]}


def table(report: Report) -> str:
    lines = [
        "| step | seconds | RSS after MiB | peak growth MiB | ok | detail |",
        "|---|---:|---:|---:|---|---|",
    ]
    for s in report.steps:
        lines.append(
            f"| {s.name} | {s.seconds:.1f} | {s.rss_after / MIB:,.0f} | {s.growth / MIB:,.0f} | "
            f"{'yes' if s.ok else '**no**'} | {s.detail} |"
        )
    return "\n".join(lines)


def record(report: Report, people: int, seed: int, loads: tuple[float, float], note: str) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    import pandas as pd

    header = (
        f"\n## Sandbox scale: `python -m benchmarks.sandbox_scale --people {people} --seed {seed}` ({now})\n\n"
        f"Both emulators in-process (`serve_both`, faults off, HubSpot professional tier: real rate limits),"
        f" driven over HTTP by simple-salesforce and hubspot-api-client. Python {platform.python_version()},"
        f" pandas {pd.__version__}, {os.cpu_count()} shared CPUs, load average {loads[0]:.1f}->{loads[1]:.1f}."
        f" RSS is the one process holding both servers and both clients; peak growth is the highest RSS"
        f" sampled (20 ms) during the step minus the RSS before it.{(' ' + note) if note else ''}\n\n"
    )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(header + table(report) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--world", type=Path, default=None)
    parser.add_argument("--hubspot-tier", default="professional")
    parser.add_argument("--note", default="", help="free text appended to the RESULTS.md section")
    parser.add_argument("--no-record", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = parser.parse_args()
    world = (
        args.world
        or Path(tempfile.gettempdir()) / "mqlsync-sandbox-scale" / f"world-{args.people}-{args.seed}"
    )
    load_before = os.getloadavg()[0]
    report, info = run(args.people, args.seed, world, args.hubspot_tier)
    loads = (load_before, os.getloadavg()[0])
    print()
    print(table(report))
    print(f"\nworld {info['world']}; load average {loads[0]:.1f}->{loads[1]:.1f}")
    if not args.no_record:
        record(report, args.people, args.seed, loads, args.note)
    if not all(s.ok for s in report.steps):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
