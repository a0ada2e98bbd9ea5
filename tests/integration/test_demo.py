"""`mqlsync demo` (what `make demo` runs) works from a clean data directory, twice."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("airflow")


def _demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "MQLSYNC_"))}
    env["MQLSYNC_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "mqlsync.cli", "demo", "--people", "150", "--seed", "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def _calls(output: str) -> int:
    return int(re.search(r"total API calls: (\d+)", output).group(1))


def test_demo_pulls_stores_and_scores_then_a_rerun_stores_nothing_new(tmp_path):
    first = _demo(tmp_path / "data")
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    assert ": success" in out
    for source in ("salesforce/Lead", "salesforce/Contact", "hubspot/contacts", "hubspot/web_events"):
        assert re.search(rf"^{re.escape(source)}\s+[1-9]\d*\s", out, re.M), source
    assert re.search(r"people received: [1-9]\d*, new or changed: [1-9]", out)
    assert "scores with model" in out
    scores = Path(re.search(r"written: (\S+scores\.parquet)", out).group(1))
    assert scores.is_relative_to(tmp_path / "data" / "demo" / "runs")
    assert scores.exists()
    assert scores.with_suffix(".reasons.parquet").exists()
    assert (tmp_path / "data" / "demo" / "mqlsync.db").exists()
    assert re.search(r"quarantine: [1-9]\d* rows this run, new: [1-9]", out)
    docs = re.search(r"validation: gate passed; .*Data Docs: file://(\S+)", out)
    assert docs, out
    assert Path(docs.group(1)).is_file()

    second = _demo(tmp_path / "data")
    assert second.returncode == 0, second.stderr[-3000:]
    # nothing changed in the sandbox: the look-back overlap is re-read but nothing is re-stored
    assert re.search(r"people received: \d+, new or changed: 0\b", second.stdout)
    assert re.search(r"events received: \d+, new or changed: 0\b", second.stdout)
    assert "from 0 new files" in second.stdout
    # the same quarantined records are seen again, not stored again
    assert re.search(r"quarantine: [1-9]\d* rows this run, new: 0,", second.stdout)
    assert _calls(second.stdout) <= _calls(out)
