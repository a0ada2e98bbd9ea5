"""`mqlsync quarantine list` against a real SQLite store: open first, masked, one line per entry."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from mqlsync.cli import main
from mqlsync.settings import load_settings
from mqlsync.store.engine import create_store_engine
from mqlsync.store.migrate import upgrade_store
from mqlsync.store.quarantine import record_quarantine
from mqlsync.store.runs import start_run


def _rows(ids: list[str], check: str, reason: str, **snapshot: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage": "normalize",
            "table_name": "people",
            "record_id": ids,
            "check": check,
            "reason": reason,
            "row": [json.dumps({"Id": i, **snapshot}) for i in ids],
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'mqlsync.db'}"
    engine = create_store_engine(url)
    upgrade_store(engine)
    with engine.begin() as conn:
        start_run(conn, "r1", dag_id="lead_sync")
        start_run(conn, "r2", dag_id="lead_sync")
        bad_email = "email jane.doe@example.org is malformed\nsecond line \u202eevil"
        record_quarantine(
            conn,
            _rows(["sf_lead:1", "sf_lead:2"], "MALFORMED_EMAIL", bad_email, Email="jane.doe@example.org"),
            run_id="r1",
        )
        record_quarantine(
            conn,
            _rows(["sf_lead:1"], "MALFORMED_EMAIL", bad_email),
            run_id="r2",
            checked={("normalize", "people"): ["sf_lead:1", "sf_lead:2"]},
        )
    engine.dispose()
    return url


def _invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["quarantine", "list", "--url", url, *args])


def test_list_shows_open_entries_first_one_line_each_with_emails_masked(store: str) -> None:
    result = _invoke(store)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["status", "table", "record", "id"]
    assert [line.split()[:3] for line in lines[1:3]] == [
        ["open", "people", "sf_lead:1"],
        ["resolved", "people", "sf_lead:2"],
    ]
    assert "r1" in lines[1]
    assert "r2" in lines[1]
    assert " 2 " in lines[1]
    assert lines[-1] == "2 entries, 1 open"
    assert "jane.doe@" not in result.output
    assert "j***@example.org" in result.output
    assert "\u202e" not in result.output


def test_filters_and_csv_with_the_snapshot_as_masked_json(store: str) -> None:
    result = _invoke(store, "--open", "--check", "malformed_email", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["record_id"] for r in rows] == ["sf_lead:1"]
    assert json.loads(rows[0]["row"]) == {"Id": "sf_lead:1"}
    everything = _invoke(store, "--format", "csv", "--stage", "normalize", "--run", "r1")
    assert "jane.doe@" not in everything.output
    assert (
        json.loads(list(csv.DictReader(io.StringIO(everything.output)))[1]["row"])["Email"]
        == "j***@example.org"
    )


def test_no_match_and_empty_quarantine_say_so(store: str, tmp_path: Path) -> None:
    result = _invoke(store, "--table", "events")
    assert (result.exit_code, result.output.strip()) == (
        0,
        "no quarantine entries match --table events (2 in all)",
    )
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_store(empty)
    assert _invoke(empty).output.strip() == "the quarantine is empty"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "'xml' is not one of 'table', 'csv'"),
        (["--limit", "-1"], "--limit"),
        (["--check", "bad code!"], "is not a check code"),
        (["--stage", "guess"], "is not a stage"),
        (["--bogus"], "No such option"),
    ],
)
def test_a_bad_argument_gets_one_line_and_exit_2(store: str, args: list[str], message: str) -> None:
    result = _invoke(store, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_missing_store_is_reported_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "mqlsync.db"
    result = CliRunner().invoke(
        main, ["quarantine", "list"], obj=None, env={"MQLSYNC_STATE_STORE_URL": f"sqlite:///{path}"}
    )
    assert result.exit_code == 2
    assert "no state store at sqlite:///" in result.output
    assert "run `mqlsync db upgrade` or a pipeline run first" in result.output
    assert not path.exists()


def test_settings_supply_the_store_url(store: str) -> None:
    from mqlsync.store.command import quarantine

    result = CliRunner().invoke(
        quarantine, ["list", "--open"], obj=load_settings(environ={}, state_store_url=store)
    )
    assert result.exit_code == 0, result.output
    assert "1 entry, 1 open" in result.output
