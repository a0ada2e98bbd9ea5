"""Model files: the default model is valid; errors name the key, what was seen, and the fix."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from mqlsync.errors import ConfigError
from mqlsync.score.modelfile import check_model, load_model, model_from_dict
from mqlsync.settings import DEFAULT_MODEL_PATH

RAW = yaml.safe_load(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))


def _problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as err:
        model_from_dict(raw, source="include/models/life_sciences.yaml")
    assert str(err.value).startswith("include/models/life_sciences.yaml has ")
    return err.value.problems


def test_default_model_is_valid_and_binds_the_content_taxonomy():
    model = load_model(DEFAULT_MODEL_PATH)
    assert model.version
    assert set(model.segments) >= {
        "research_tools",
        "pharma_services",
        "medtech_devices",
        "biopharma_partnering",
    }
    assert len(model.taxonomy_frame) > 10
    assert check_model(DEFAULT_MODEL_PATH) == []


def test_points_above_the_maximum_name_the_key_and_the_limit():
    raw = copy.deepcopy(RAW)
    raw["segments"]["medtech_devices"]["fit"][3]["points"] = 250
    assert _problems(raw) == ["segments.medtech_devices.fit[3].points: 250 is above the maximum of 100"]


def test_misspelt_key_suggests_the_right_one():
    raw = copy.deepcopy(RAW)
    raw["segments"]["medtech_devices"]["mql_rul"] = raw["segments"]["medtech_devices"].pop("mql_rule")
    problems = _problems(raw)
    assert "segments.medtech_devices.mql_rul: unknown key (did you mean mql_rule?)" in problems
    assert any(p.startswith("segments.medtech_devices.mql_rule: missing") for p in problems)


def test_every_problem_is_reported_at_once():
    raw = copy.deepcopy(RAW)
    raw["intent"]["events"]["demo_requst"] = raw["intent"]["events"].pop("demo_request")
    raw["segments"]["research_tools"]["fit"][0]["when"]["job_functions"] = ["principal_investigatr"]
    raw["segments"]["pharma_services"]["fit"][1]["points"] = -101
    problems = _problems(raw)
    assert len(problems) == 3
    assert any("did you mean demo_request?" in p for p in problems)
    assert any("did you mean principal_investigator?" in p for p in problems)
    assert "segments.pharma_services.fit[1].points: -101 is below the minimum of -100" in problems


def test_cross_checks_name_the_broken_reference():
    raw = copy.deepcopy(RAW)
    raw["grades"]["A"] = 10
    raw["default_segment"] = "nowhere"
    (problem,) = _problems(raw)
    assert "grades: need A > B > C" in problem
    assert "default_segment: nowhere is not a segment" in problem


def test_evidence_questions_cannot_be_routed_to_a_commercial_team():
    raw = copy.deepcopy(RAW)
    raw["routing"]["requests"][-1]["event_types"].append("evidence_request")
    (problem,) = _problems(raw)
    assert "must go to medical_affairs" in problem


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("intent", "events", "page_view", "decay"),
            {"half_life_days": 30, "loss_per_quarter": 0.5},
            "exactly one",
        ),
        (("sla", "calendars", "us_east", "timezone"), "Mars/Olympus", "unknown time zone"),
        (("regions", "na"), ["US", "usa"], "ISO 3166-1"),
        (("segments", "research_tools", "mql_rule"), [{"fit_grade_at_least": "B"}], "late_stage_action"),
    ],
)
def test_semantic_mistakes_are_explained(path, value, expected):
    raw = copy.deepcopy(RAW)
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert any(expected in p for p in _problems(raw))


def test_loss_per_quarter_converts_to_a_half_life():
    raw = copy.deepcopy(RAW)
    raw["intent"]["events"]["page_view"]["decay"] = {"loss_per_quarter": 0.5}
    model = model_from_dict(raw)
    assert model.intent.events["page_view"].decay.days == pytest.approx(365.25 / 4)


def test_missing_file_and_bad_yaml_are_config_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="file not found"):
        load_model(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [unclosed\n", encoding="utf-8")
    assert check_model(bad)[0].startswith("not valid YAML")
