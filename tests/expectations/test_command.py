"""`mqlsync validate`: files in, accepted/quarantine/Data Docs out; gates and bad arguments exit 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from mqlsync.cli import main
from tests.expectations.samples import SUITES_DIR, events, people

AS_OF = "2026-11-21T10:00:00Z"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    p, e = tmp_path / "people.csv", tmp_path / "events.parquet"
    people(consent={2: "maybe"}).to_csv(p, index=False)
    events().to_parquet(e)
    return {"people": p, "events": e}


def _run(*args: str):
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def test_validate_writes_accepted_quarantine_and_data_docs(files, tmp_path):
    out = tmp_path / "out"
    good = tmp_path / "good.csv"
    people().to_csv(good, index=False)
    result = _run(
        "--people", str(good), "--events", str(files["events"]), "--as-of", AS_OF, "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "gates passed" in result.output
    assert len(pd.read_parquet(out / "people.parquet")) == 6
    assert len(pd.read_parquet(out / "events.parquet")) == 4
    assert pd.read_parquet(out / "quarantine.parquet").empty
    assert (out / "data_docs" / "index.html").is_file()


def test_a_failed_gate_exits_2_with_one_line_per_failure_and_no_traceback(files, tmp_path):
    out = tmp_path / "out"
    args = ["--people", str(files["people"]), "--events", str(files["events"]), "--as-of", AS_OF]
    result = _run(*args, "--suites", str(SUITES_DIR), "--out", str(out))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("QualityGateError: suite people failed 1 of 15 checks on 6 rows")
    assert lines[1].startswith("  CONSENT_IN_SET consent is not opt_in, opt_out or unknown: 1 row (16.7 %")
    assert lines[2] == f"  details: {out / 'data_docs' / 'index.html'}"
    assert "Traceback" not in result.output
    assert (out / "quarantine.parquet").is_file()
    assert not (out / "people.parquet").exists()  # nothing accepted is written past a failed gate


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Missing option '--out'"),
        (["--out", "o"], "give --people, --events or both"),
        (["--people", "nowhere.csv", "--out", "o"], "--people nowhere.csv: file not found"),
        (
            ["--people", "{people}", "--as-of", "yesterday", "--out", "o"],
            "--as-of 'yesterday' is not an ISO time",
        ),
        (["--people", "{people}", "--suites", "nowhere", "--out", "o"], "suite folder not found"),
        (["--people", "{people}", "--out", "o", "--colour"], "No such option '--colour'"),
    ],
    ids=["no out", "no input", "missing file", "bad as-of", "bad suites", "unknown option"],
)
def test_every_bad_argument_is_one_line_and_exit_2(files, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = _run(*[a.format(people=files["people"]) for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) <= 2  # ConfigError: header + its one problem
    assert "Traceback" not in result.output


def test_an_unknown_file_format_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.xlsx").write_text("x")
    result = _run("--people", "people.xlsx", "--out", "o")
    assert result.exit_code == 2
    assert (
        result.output.strip() == "Error: --people people.xlsx: unknown format '.xlsx'; use .csv or .parquet"
    )
