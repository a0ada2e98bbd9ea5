"""The scoring commands end to end through click, on small CSV and Parquet files (hostile data too)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from mqlsync.cli import main
from mqlsync.settings import DEFAULT_MODEL_PATH
from tests.unit.score.conftest import AS_OF, make_events, make_people

PEOPLE = make_people(
    {},
    {
        "first_name": "<script>alert(1)</script>",
        "title": "Directeur général <b>R&D</b>",
        "company": "Société Générale de Biologie",
    },
    {"country": "DE", "consent": "unknown", "title": "Leiterin Labor", "company": "Universität Zürich"},
    {"job_function": "student", "email": "kid@gmail.com", "title": "学生"},
)
EVENTS = make_events(
    ("sf_lead:p1", "demo_request", None, 2),
    ("sf_lead:p1", "content_download", "cro-checklist-014", 5),
    ("sf_lead:p2", "evidence_request", None, 1),
    ("sf_lead:p4", "page_view", "co-page-001", 3),
)
AS_OF_TEXT = AS_OF.strftime("%Y-%m-%dT%H:%M:%SZ")


def _run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.fixture(params=["csv", "parquet"])
def files(tmp_path: Path, request) -> tuple[Path, Path]:
    people, events = tmp_path / f"people.{request.param}", tmp_path / f"events.{request.param}"
    for frame, path in ((PEOPLE, people), (EVENTS, events)):
        if request.param == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    return people, events


def test_score_writes_scores_and_a_reasons_sidecar(files, tmp_path: Path):
    people, events = files
    out = tmp_path / "out" / "scores.csv"
    result = _run(
        "score", "--people", str(people), "--events", str(events), "--as-of", AS_OF_TEXT, "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "scored 4 people" in result.output
    scores = pd.read_csv(out)
    assert list(scores["person_id"]) == [f"sf_lead:p{i}" for i in range(1, 5)]
    assert scores.loc[0, "record_ids"] == "sf_lead:p1"
    assert scores.loc[0, "mql_status"] == "mql"
    assert scores.loc[1, "routing_queue"] == "medical_affairs"
    assert scores["reason_codes_crm"].str.len().max() <= 255
    reasons = pd.read_parquet(out.with_suffix(".reasons.parquet"))
    assert (
        reasons.groupby("person_id")["points"].sum().to_dict()
        == scores.set_index("person_id")["score"].to_dict()
    )


def test_explain_reads_the_scores_file(files, tmp_path: Path):
    people, events = files
    out = tmp_path / "scores.parquet"
    _run("score", "--people", str(people), "--events", str(events), "--as-of", AS_OF_TEXT, "--out", str(out))
    result = _run("explain", "sf_lead:p1", "--scores", str(out))
    assert result.exit_code == 0, result.output
    assert "Status: MQL since" in result.output
    assert "INTENT_DEMO_REQUEST" in result.output
    assert "Handoff:" in result.output


def test_explain_scores_on_the_fly(files):
    people, events = files
    result = _run(
        "explain", "sf_lead:p2", "--people", str(people), "--events", str(events), "--as-of", AS_OF_TEXT
    )
    assert result.exit_code == 0, result.output
    assert "medical_affairs" in result.output
    assert "<script>" not in result.output


def test_explain_unknown_person_says_so(files):
    people, events = files
    result = _run(
        "explain", "nobody", "--people", str(people), "--events", str(events), "--as-of", AS_OF_TEXT
    )
    assert result.exit_code == 1
    assert "person nobody is not in the scores (4 people)" in result.output


def test_missing_column_is_named(tmp_path: Path):
    people = tmp_path / "people.csv"
    PEOPLE.drop(columns=["do_not_contact"]).to_csv(people, index=False)
    events = tmp_path / "events.csv"
    EVENTS.to_csv(events, index=False)
    result = _run(
        "score",
        "--people",
        str(people),
        "--events",
        str(events),
        "--as-of",
        AS_OF_TEXT,
        "--out",
        str(tmp_path / "s.csv"),
    )
    assert result.exit_code == 1
    assert "missing columns: do_not_contact" in result.output


def test_model_check_accepts_the_default_and_lists_problems(tmp_path: Path):
    ok = _run("model", "check", str(DEFAULT_MODEL_PATH))
    assert ok.exit_code == 0
    assert "is valid" in ok.output
    raw = yaml.safe_load(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    raw["segments"]["medtech_devices"]["fit"][3]["points"] = 250
    raw["segments"]["medtech_devices"]["mql_rul"] = raw["segments"]["medtech_devices"].pop("mql_rule")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result = _run("model", "check", str(bad))
    assert result.exit_code == 1
    assert "has 3 problems" in result.output
    assert "segments.medtech_devices.fit[3].points: 250 is above the maximum of 100" in result.output
    assert "segments.medtech_devices.mql_rul: unknown key (did you mean mql_rule?)" in result.output


def test_model_diff_counts_people_who_change(files, tmp_path: Path):
    people, events = files
    raw = yaml.safe_load(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    raw["version"] = "strict-1"
    raw["grades"] = {"A": 95, "B": 90, "C": 85}
    raw["taxonomy"] = str(DEFAULT_MODEL_PATH.parent / "content_taxonomy.yaml")
    new = tmp_path / "strict.yaml"
    new.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result = _run(
        "model",
        "diff",
        str(DEFAULT_MODEL_PATH),
        str(new),
        "--people",
        str(people),
        "--events",
        str(events),
        "--as-of",
        AS_OF_TEXT,
    )
    assert result.exit_code == 0, result.output
    assert "4 people scored" in result.output
    assert "tier: " in result.output
    assert "status: " in result.output
    assert "route: " in result.output
