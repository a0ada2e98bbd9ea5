"""Every stored scoring run is history; `explain --history` says why a score moved between runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from mqlsync.cli import main
from tests.unit.score.conftest import AS_OF, make_events, make_people

PEOPLE = make_people({}, {"country": "DE", "consent": "opt_in", "title": "Leiterin Labor"})
EARLIER = AS_OF - timedelta(days=30)
BEFORE_DEMO = make_events(("sf_lead:p1", "content_download", "cro-checklist-014", 40))
AFTER_DEMO = make_events(
    ("sf_lead:p1", "content_download", "cro-checklist-014", 40),
    ("sf_lead:p1", "demo_request", None, 2),
)


def _invoke(store_url: str, *args: str):
    return CliRunner(env={"MQLSYNC_STATE_STORE_URL": store_url}).invoke(
        main, list(args), catch_exceptions=False
    )


def _score(store_url: str, tmp_path: Path, events, as_of, name: str):
    people, events_path = tmp_path / "people.parquet", tmp_path / f"{name}.parquet"
    PEOPLE.to_parquet(people, index=False)
    events.to_parquet(events_path, index=False)
    when = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    result = _invoke(
        store_url, "score", "--people", str(people), "--events", str(events_path), "--as-of", when,
        "--out", str(tmp_path / f"{name}_scores.parquet"), "--store",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "stored as run score__" in result.output


def test_history_lists_every_run_and_explains_the_change_by_reason_codes(store_url, tmp_path):
    _score(store_url, tmp_path, BEFORE_DEMO, EARLIER, "first")
    _score(store_url, tmp_path, AFTER_DEMO, AS_OF, "second")
    result = _invoke(store_url, "explain", "sf_lead:p1", "--history")
    assert result.exit_code == 0, result.output
    assert "2 stored scores for sf_lead:p1" in result.output
    change = result.output.split("\n\n", 1)[1]
    assert change.startswith("Score ")
    assert "INTENT_DEMO_REQUEST" in change


def test_rescoring_the_same_time_and_model_replaces_instead_of_duplicating(store_url, tmp_path):
    _score(store_url, tmp_path, AFTER_DEMO, AS_OF, "first")
    _score(store_url, tmp_path, AFTER_DEMO, AS_OF, "again")
    result = _invoke(store_url, "explain", "sf_lead:p1", "--history")
    assert "1 stored scores for sf_lead:p1" in result.output


def test_history_of_an_unknown_person_says_what_to_do(store_url):
    result = _invoke(store_url, "explain", "sf_lead:nobody", "--history")
    assert result.exit_code != 0
    assert "score with --store first" in result.output
