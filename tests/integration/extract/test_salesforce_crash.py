"""Kill the extract half-way (a real process, killed with os._exit after two parts), run it again,
and compare with a clean run: nothing lost, nothing duplicated, no watermark from the dead run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from mqlsync.crm.budget import ApiBudget
from mqlsync.extract import ExtractWindow, Landing, iter_landings, read_landing
from mqlsync.extract.salesforce import SalesforceExtractConfig, extract_salesforce

from .conftest import window_end

ROOT = Path(__file__).resolve().parents[3]
CONFIG = dict(bulk_threshold=10**6, page_size=200, part_rows=500)

CHILD = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timedelta, UTC
    from mqlsync.crm.budget import ApiBudget
    from mqlsync.crm.salesforce import SalesforceConnectionConfig, connect_salesforce
    from mqlsync.extract import ExtractWindow, Landing
    from mqlsync.extract import landing as landing_module
    from mqlsync.extract.salesforce import SalesforceExtractConfig, extract_salesforce

    real_flush = landing_module.LandingWriter.flush
    def flush_then_die(self):
        real_flush(self)
        if len(self.parts) == 2:
            os._exit(137)  # as a killed worker: no cleanup, no manifest
    landing_module.LandingWriter.flush = flush_then_die

    url, token, root = sys.argv[1:4]
    sf = connect_salesforce(SalesforceConnectionConfig(
        session_id=token, instance_url="https://sandbox.my.salesforce.com", sandbox_url=url))
    window = ExtractWindow(None, datetime.now(UTC) + timedelta(minutes=1), timedelta(minutes=5))
    extract_salesforce(sf, "Lead", window=window, landing=Landing(root, "run-1"),
                       budget=ApiBudget("salesforce"),
                       config=SalesforceExtractConfig(bulk_threshold=10**6, page_size=200, part_rows=500))
    sys.exit(0)
    """
)


def store_rows(db: Path, landing_dirs: list[str]) -> list[tuple[str, str]]:
    """A minimal store: upsert every landed row by Id, as normalize does."""
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS lead (id TEXT PRIMARY KEY, modstamp TEXT, deleted TEXT)")
        for path in landing_dirs:
            frame = read_landing(path)
            conn.executemany(
                "INSERT INTO lead VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET modstamp=excluded.modstamp, "
                "deleted=excluded.deleted",
                frame[["Id", "SystemModstamp", "IsDeleted"]].itertuples(index=False),
            )
        return conn.execute("SELECT id, modstamp FROM lead ORDER BY id").fetchall()


def test_killed_extract_rerun_equals_a_clean_run(salesforce_sandbox, tmp_path: Path) -> None:
    crashed_root, clean_root = tmp_path / "crashed", tmp_path / "clean"
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'include'}"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, salesforce_sandbox.url, salesforce_sandbox.token, str(crashed_root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 137, child.stderr
    folder = crashed_root / "runs/run-1/raw/salesforce/Lead"
    assert len(list(folder.glob("part-*.parquet"))) == 2
    assert not (folder / "_manifest.json").exists()
    assert list(iter_landings(crashed_root / "runs/run-1")) == []  # nothing for normalize to store

    sf = salesforce_sandbox.client()
    window = ExtractWindow(None, window_end(), timedelta(minutes=5))
    config = SalesforceExtractConfig(**CONFIG)
    rerun = extract_salesforce(
        sf,
        "Lead",
        window=window,
        landing=Landing(crashed_root, "run-1"),
        budget=ApiBudget("salesforce"),
        config=config,
    )
    clean = extract_salesforce(
        sf,
        "Lead",
        window=window,
        landing=Landing(clean_root, "run-1"),
        budget=ApiBudget("salesforce"),
        config=config,
    )
    assert rerun.complete
    assert rerun.rows == clean.rows
    assert rerun.new_watermark == clean.new_watermark
    crashed_store = store_rows(tmp_path / "a.db", [rerun.landing_dir])
    clean_store = store_rows(tmp_path / "b.db", [clean.landing_dir])
    assert crashed_store == clean_store
    assert len(read_landing(rerun.landing_dir)) == len({row[0] for row in crashed_store})  # no duplicates
