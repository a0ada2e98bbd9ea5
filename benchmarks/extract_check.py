"""The extract issue's "How to check": a full extract, changes, an incremental extract, compared with
the sandbox's own records, with the calls each took against the minimum the page sizes allow.

    .venv/bin/python -m benchmarks.extract_check --people 50000 --seed 1 [--data DIR] [--no-record]

1. Generate the world (or reuse it) under `--data` (default: <tmp>/mqlsync-extract-check).
2. Serve both emulators in-process (`mqlsync.sandbox.server.serve_both`, professional HubSpot tier:
   real rate limits, real pacing) and build the clients the way `orchestration.hooks` does without
   Airflow (`*_from_settings` on the pair's `AIRFLOW_CONN_*` values).
3. Run 1: `extract_source` for every entry of `SOURCES` (the same window rules as `steps.extract`),
   then `normalize_run` and `store_tables` (one transaction) on a SQLite state store, through the
   run folder as `steps.normalize` and `steps.store` do.
4. Edit, delete and archive records through the real clients (simple-salesforce, hubspot-api-client).
5. Run 2: the incremental extract and load from the stored watermarks.
6. Compare the store with the emulators' own tables, by id: every Lead / Contact / HubSpot contact is
   in `people` or `quarantine`; edited titles, deletions and archives arrived. Print the table and
   append it to benchmarks/RESULTS.md.

Calls are counted twice: by the emulators' `/__admin__/calls` (reset before each source; every HTTP
request, retries included) and by the library's `ExtractResult.calls`. The minimum is what the page
sizes allow for the rows landed (see `minimum_calls`).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import urllib3

from mqlsync.crm.budget import ApiBudget
from mqlsync.extract.exports import read_file_states
from mqlsync.extract.landing import Landing, read_landing
from mqlsync.extract.load import checked_ids_by_stage, normalize_run, store_tables
from mqlsync.extract.sources import SOURCES, extract_source
from mqlsync.extract.windows import ExtractResult, ExtractWindow
from mqlsync.orchestration.hooks import hubspot_from_settings, salesforce_from_settings
from mqlsync.run_folder import RunFolder
from mqlsync.sandbox.server import serve_both
from mqlsync.sandbox.world import ensure_world
from mqlsync.score.taxonomy import asset_kinds
from mqlsync.settings import load_settings
from mqlsync.store import (
    create_store_engine,
    finish_run,
    get_watermark,
    read_frame,
    start_run,
    upgrade_store,
)

RESULTS = Path(__file__).with_name("RESULTS.md")
NEW_TITLE = "Head of Translational Science"
NEW_JOBTITLE = "VP Clinical Operations"
NEW_CALL_TITLE = "Trial site follow-up"


@dataclass
class SourceRun:
    run: str
    source: str
    result: ExtractResult
    admin_calls: int
    minimum: int
    seconds: float


# ---- the pipeline's extract + load, without Airflow -------------------------------------------
def run_extract(
    run_id: str,
    *,
    clients: dict[str, Any],
    settings: Any,
    engine: Any,
    admin: dict[str, str],
    interval_start: datetime | None,
    end: datetime,
    truth: dict[str, Any],
) -> tuple[list[SourceRun], dict[str, Any]]:
    """`steps.begin_run` + `steps.extract` for every source + `steps.load`, minus Airflow."""
    with engine.begin() as conn:
        start_run(
            conn, run_id, dag_id="extract_check", data_interval_start=interval_start, data_interval_end=end
        )
    runs: list[SourceRun] = []
    for source in SOURCES:
        system, obj = source["system"], source["object"]
        with engine.connect() as conn:
            stored = get_watermark(conn, system, obj)
        watermark = stored.value if stored else None
        window = ExtractWindow(
            start=None if watermark is None else (interval_start or watermark),
            end=end,
            lookback=timedelta(minutes=settings.extract_lookback_minutes),
            watermark=watermark,
        )
        share = settings.salesforce_budget_share if system == "salesforce" else settings.hubspot_budget_share
        admin_reset(admin[system])
        started = time.perf_counter()
        result = extract_source(
            source,
            clients[system],
            window=window,
            landing=Landing(settings.data_dir, run_id),
            budget=ApiBudget(system, share_of_daily=share),
        )
        seconds = time.perf_counter() - started
        calls = admin_calls(admin[system])
        runs.append(
            SourceRun(run_id, f"{system}/{obj}", result, calls, minimum_calls(result, truth), seconds)
        )
        print(f"  {run_id} {system}/{obj}: {result.rows:,} rows, {result.calls} calls ({seconds:.1f} s)")
    started = time.perf_counter()
    extracted = [r.result for r in runs]
    with engine.connect() as conn:
        known = read_file_states(conn)
    out = normalize_run(extracted, known_export_sha256=known, asset_kinds=asset_kinds(settings.taxonomy_path))
    stage = RunFolder(settings.data_dir, run_id).write(
        "normalized", {**out.tables._asdict(), "export_files": out.export_files}
    )
    tables = {name: stage.read(name) for name in stage.tables}
    checked = checked_ids_by_stage(
        {"normalize": {n: tables[n] for n in ("people", "events", "first_touches")}},
        {"normalize": tables["quarantine"]},
    )
    with engine.begin() as conn:
        counts = store_tables(conn, tables, checked=checked, extracted=extracted, run_id=run_id).to_dict()
        finish_run(
            conn, run_id, status="success", counts={"people": counts["people"], "events": counts["events"]}
        )
    counts["load_seconds"] = round(time.perf_counter() - started, 1)
    return runs, counts


def minimum_calls(result: ExtractResult, truth: dict[str, Any]) -> int:
    """The fewest calls the APIs' page and batch sizes allow for what this result landed.

    Salesforce: describe + COUNT + REST pages of 2,000 (or Bulk: create, one poll, result pages of
    50,000). HubSpot contacts: search pages of 200 for the live rows + the archived list, which no
    filter narrows, at 100 a page over every archived contact. form_submissions: search pages of 200
    + history reads of 50 per contact. web_events: pages of 100. Engagements: search pages of 200 +
    association reads of 1,000.
    """
    rows = result.rows

    def pages(n: int, size: int) -> int:
        return max(1, math.ceil(n / size))

    if result.system == "salesforce":
        if result.mode == "bulk":
            return 2 + 2 + pages(rows, 50_000)
        return 2 + pages(rows, 2_000)
    if result.object == "contacts":
        live = rows - result.deleted
        return pages(live, 200) + pages(truth["hubspot_archived"], 100)
    if result.object == "form_submissions":
        contacts = read_landing(result.landing_dir)["contactId"].nunique() if rows else 0
        return pages(contacts, 200) + (math.ceil(contacts / 50) if contacts else 0)
    if result.object == "web_events":
        return pages(rows, 100)
    return pages(rows, 200) + (math.ceil(rows / 1_000) if rows else 0)


# ---- the sandbox's admin API (counting only; never used by mqlsync itself) -------------------
def admin_reset(url: str) -> None:
    urllib3.request("POST", f"{url}/__admin__/reset-counters", json={})


def admin_calls(url: str) -> int:
    return int(json.loads(urllib3.request("GET", f"{url}/__admin__/calls").data)["total"])


# ---- changes through the real clients ----------------------------------------------------------
def make_changes(sf: Any, hs: Any, sf_store: Any, hs_store: Any) -> dict[str, list[str]]:
    """Edit, delete and archive a few records of each kind; returns the ids touched."""
    with sf_store.lock:
        leads = sf_store.table("Lead").df
        live_leads = leads.index[~leads["IsDeleted"].astype(bool) & ~leads["IsConverted"].astype(bool)]
        contacts = sf_store.table("Contact").df
        live_contacts = contacts.index[~contacts["IsDeleted"].astype(bool)]
    changes: dict[str, list[str]] = {
        "lead_edited": list(live_leads[100:125]),
        "lead_deleted": list(live_leads[200:210]),
        "contact_edited": list(live_contacts[50:60]),
        "contact_deleted": list(live_contacts[80:85]),
    }
    for lead_id in changes["lead_edited"]:
        sf.Lead.update(lead_id, {"Title": NEW_TITLE})
    for lead_id in changes["lead_deleted"]:
        sf.Lead.delete(lead_id)
    for contact_id in changes["contact_edited"]:
        sf.Contact.update(contact_id, {"Title": NEW_TITLE})
    for contact_id in changes["contact_deleted"]:
        sf.Contact.delete(contact_id)

    hs_contacts = hs_store.tables["contacts"].frame
    live = [str(i) for i in hs_contacts.index[~hs_contacts["__archived"].to_numpy()]]
    changes["hubspot_edited"] = live[300:325]
    changes["hubspot_archived"] = live[400:410]
    for cid in changes["hubspot_edited"]:
        hs.contacts_basic.update(cid, {"properties": {"jobtitle": NEW_JOBTITLE}})
    for cid in changes["hubspot_archived"]:
        hs.contacts_basic.archive(cid)
    calls = hs_store.tables["calls"].frame
    changes["call_edited"] = [str(i) for i in calls.index[~calls["__archived"].to_numpy()][:10]]
    for call_id in changes["call_edited"]:
        hs.objects_basic.update("calls", call_id, {"properties": {"hs_call_title": NEW_CALL_TITLE}})
    return changes


# ---- the comparison ------------------------------------------------------------------------------
def compare(
    engine: Any, sf_store: Any, hs_store: Any, changes: dict[str, list[str]], landed: list[str]
) -> dict[str, Any]:
    """Every CRM person record by id in people or quarantine, and the changes arrived."""
    with engine.connect() as conn:
        people = read_frame(conn, "people", columns=["record_id", "title", "is_deleted"]).set_index(
            "record_id"
        )
        quarantined = set(read_frame(conn, "quarantine", columns=["record_id"])["record_id"].dropna())
    with sf_store.lock:
        lead_ids = list(sf_store.table("Lead").df.index)
        contact_ids = list(sf_store.table("Contact").df.index)
    hs_ids = [str(i) for i in hs_store.tables["contacts"].frame.index]
    expected = {
        "salesforce Lead": [f"sf_lead:{i}" for i in lead_ids],
        "salesforce Contact": [f"sf_contact:{i}" for i in contact_ids],
        "hubspot contacts": [f"hubspot:{i}" for i in hs_ids],
    }
    found = set(people.index) | quarantined
    report: dict[str, Any] = {}
    for name, ids in expected.items():
        missing = [i for i in ids if i not in found]
        in_people = sum(1 for i in ids if i in people.index)
        report[name] = {
            "crm": len(ids),
            "people": in_people,
            "quarantine_only": len(ids) - in_people - len(missing),
            "missing": len(missing),
            "missing_sample": missing[:3],
        }

    def arrived(ids: list[str], prefix: str, check: Any) -> str:
        keys = [f"{prefix}:{i}" for i in ids if f"{prefix}:{i}" in people.index]
        ok = sum(1 for k in keys if check(people.loc[k]))
        return f"{ok}/{len(ids)}"

    title_is = lambda value: lambda row: row["title"] == value  # noqa: E731
    deleted = lambda row: bool(row["is_deleted"])  # noqa: E731
    report["changes"] = {
        "Lead title edited": arrived(changes["lead_edited"], "sf_lead", title_is(NEW_TITLE)),
        "Lead deleted": arrived(changes["lead_deleted"], "sf_lead", deleted),
        "Contact title edited": arrived(changes["contact_edited"], "sf_contact", title_is(NEW_TITLE)),
        "Contact deleted": arrived(changes["contact_deleted"], "sf_contact", deleted),
        "HubSpot jobtitle edited": arrived(changes["hubspot_edited"], "hubspot", title_is(NEW_JOBTITLE)),
        "HubSpot archived": arrived(changes["hubspot_archived"], "hubspot", deleted),
    }
    calls_landed = (
        pd.concat([read_landing(p) for p in landed], ignore_index=True) if landed else pd.DataFrame()
    )
    got = calls_landed[calls_landed["id"].isin(changes["call_edited"])] if len(calls_landed) else calls_landed
    ok = int((got.get("hs_call_title") == NEW_CALL_TITLE).sum()) if len(got) else 0
    report["changes"]["HubSpot calls edited (landed, with contacts)"] = (
        f"{ok}/{len(changes['call_edited'])} ({int(got['associations.contacts'].notna().sum()) if len(got) else 0} with contacts)"
    )
    return report


# ---- output --------------------------------------------------------------------------------------
def table(runs: list[SourceRun]) -> str:
    lines = [
        "| run | source | mode | rows | calls (sandbox) | calls (ExtractResult) | minimum | ratio | seconds |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        ratio = r.admin_calls / r.minimum if r.minimum else float("nan")
        lines.append(
            f"| {r.run} | {r.source} | {r.result.mode} | {r.result.rows:,} | {r.admin_calls:,} | "
            f"{r.result.calls:,} | {r.minimum:,} | {ratio:.2f} | {r.seconds:.1f} |"
        )
    for run in dict.fromkeys(r.run for r in runs):
        mine = [r for r in runs if r.run == run]
        total, minimum = sum(r.admin_calls for r in mine), sum(r.minimum for r in mine)
        lines.append(
            f"| {run} | **all** | | {sum(r.result.rows for r in mine):,} | {total:,} | "
            f"{sum(r.result.calls for r in mine):,} | {minimum:,} | {total / minimum:.2f} | "
            f"{sum(r.seconds for r in mine):.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "mqlsync-extract-check")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args(argv)

    wall = time.perf_counter()
    world = ensure_world(args.data / f"world-{args.people}-{args.seed}", people=args.people, seed=args.seed)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.data))
    settings = load_settings(environ={}, data_dir=str(work))
    engine = create_store_engine(settings.store_url)
    upgrade_store(engine)
    print(f"world {world}; state store {settings.store_url}")

    with serve_both(world) as pair:
        environ = pair.airflow_connections()
        clients = {
            "salesforce": salesforce_from_settings(settings, environ=environ),
            "hubspot": hubspot_from_settings(settings, environ=environ),
        }
        sf_store = pair.salesforce.app.state.org.store
        hs_store = pair.hubspot.app.state.store
        admin = {"salesforce": pair.salesforce.url, "hubspot": pair.hubspot.url}
        hs_contacts = hs_store.tables["contacts"].frame
        truth = {"hubspot_archived": int(hs_contacts["__archived"].sum())}

        end_1 = datetime.now(UTC)
        started = time.perf_counter()
        full, load_1 = run_extract(
            "check-full",
            clients=clients,
            settings=settings,
            engine=engine,
            admin=admin,
            interval_start=None,
            end=end_1,
            truth=truth,
        )
        full_seconds = time.perf_counter() - started

        changes = make_changes(clients["salesforce"], clients["hubspot"], sf_store, hs_store)
        truth["hubspot_archived"] = int(hs_store.tables["contacts"].frame["__archived"].sum())
        time.sleep(1.1)  # SOQL bounds are whole seconds: let the edits' second close
        end_2 = datetime.now(UTC)
        started = time.perf_counter()
        incremental, load_2 = run_extract(
            "check-incremental",
            clients=clients,
            settings=settings,
            engine=engine,
            admin=admin,
            interval_start=end_1,
            end=end_2,
            truth=truth,
        )
        incremental_seconds = time.perf_counter() - started
        landed_calls = [r.result.landing_dir for r in incremental if r.source == "hubspot/calls"]
        report = compare(engine, sf_store, hs_store, changes, landed_calls)
    wall = time.perf_counter() - wall

    body = table(full + incremental)
    coverage = "\n".join(
        f"| {name} | {v['crm']:,} | {v['people']:,} | {v['quarantine_only']:,} | {v['missing']:,} |"
        for name, v in report.items()
        if name != "changes"
    )
    arrived = "; ".join(f"{k} {v}" for k, v in report["changes"].items())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    text = f"""
## Extract check: `python -m benchmarks.extract_check --people {args.people} --seed {args.seed}` ({stamp} UTC)

Both emulators in-process (HubSpot professional tier, paced), SQLite state store, Python
{platform.python_version()}, 2 shared CPUs. Full run {full_seconds:.1f} s (+ load {load_1["load_seconds"]} s),
incremental run {incremental_seconds:.1f} s (+ load {load_2["load_seconds"]} s), wall {wall:.1f} s in all
(world generation included when it was not cached). Minimum = the fewest calls the page and batch
sizes allow for the rows landed (see `minimum_calls`).

{body}

Store against the emulators' own records, after both runs (by id):

| records | in CRM | in people | quarantine only | missing |
|---|---:|---:|---:|---:|
{coverage}

Changes arrived: {arrived}.
"""
    print(text)
    if not args.no_record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
