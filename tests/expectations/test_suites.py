"""Each shipped suite passes the good sample and rejects each known-bad one with the right check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mqlsync.errors import ConfigError
from mqlsync.validate import load_suites, validate_tables
from tests.expectations.samples import AS_OF, BAD, SUITES_DIR, bad_tables, events, people

SUITE_FILES = sorted(p.stem for p in SUITES_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def suites():
    return load_suites(SUITES_DIR)


def test_one_suite_per_file_and_per_canonical_table(suites):
    assert sorted(suites) == SUITE_FILES
    assert {s.table for s in suites.values()} == {"people", "events"}
    assert {"people", "events"} <= set(suites)


@pytest.mark.parametrize("suite_name", SUITE_FILES)
def test_every_suite_passes_the_good_sample(suites, suite_name):
    v = validate_tables(
        {"people": people(), "events": events()}, {suite_name: suites[suite_name]}, as_of=AS_OF
    )
    mine = v.results[v.results["suite"] == suite_name]
    assert len(mine) == len(suites[suite_name].expectations)
    assert mine["passed"].all(), mine[~mine["passed"]]
    assert v.quarantined.empty
    assert v.gx_results[suite_name]["success"] is True


@pytest.mark.parametrize(
    ("table", "changes", "suite_name", "check"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_every_suite_rejects_a_known_bad_sample(suites, table, changes, suite_name, check):
    tables = bad_tables(table, changes)
    v = validate_tables(tables, suites, as_of=AS_OF)
    failed = v.results[~v.results["passed"]]
    assert (suite_name, check) in set(zip(failed["suite"], failed["check"], strict=True))
    assert v.gx_results[suite_name]["success"] is False
    expectation = next(e for e in suites[suite_name].expectations if e.check == check)
    caught = v.quarantined[v.quarantined["check"] == check]
    if expectation.row_level and expectation.quarantine:
        assert not caught.empty
        assert caught["reason"].str.startswith(f"{suite_name}: ").all()
        assert set(caught["stage"]) == {"validate"}
        assert set(caught["table_name"]) == {table}
        # The other rows go on: accepted = input minus exactly the quarantined rows.
        id_col = "record_id" if table == "people" else "event_id"
        gone = set(v.quarantined.loc[v.quarantined["table_name"] == table, "record_id"].dropna())
        kept = set(v.accepted[table][id_col].dropna())
        assert kept == set(tables[table][id_col].dropna()) - gone
    else:
        assert caught.empty  # batch-level or report-only: counted, no row quarantined
        assert len(v.accepted[table]) == len(tables[table])


def test_accepted_keeps_the_input_columns_and_dtypes(suites):
    tables = bad_tables("people", {"consent": {2: "maybe"}})
    v = validate_tables(tables, suites, as_of=AS_OF)
    assert list(v.accepted["people"].columns) == list(tables["people"].columns)
    assert (v.accepted["people"].dtypes == tables["people"].dtypes).all()
    assert len(v.accepted["people"]) == len(tables["people"]) - 1


def test_an_event_whose_person_arrived_in_an_earlier_run_is_accepted(suites):
    tables = {"people": people(), "events": events(record_id={1: "sf_contact:OLD"})}
    v = validate_tables(tables, suites, as_of=AS_OF, known_record_ids=["sf_contact:OLD"])
    assert v.results.set_index("check").loc["EVENT_PERSON_EXISTS", "failed"] == 0
    assert len(v.accepted["events"]) == len(tables["events"])


def _copy_suites(tmp_path: Path) -> Path:
    folder = tmp_path / "expectations"
    shutil.copytree(SUITES_DIR, folder)
    return folder


def test_editing_a_suite_file_changes_the_checks_without_code(tmp_path):
    folder = _copy_suites(tmp_path)
    path = folder / "people.json"
    suite = json.loads(path.read_text())
    suite["expectations"] = [e for e in suite["expectations"] if e["meta"]["check"] != "CONSENT_IN_SET"]
    for e in suite["expectations"]:
        if e["meta"]["check"] == "EMAIL_ROLE_ADDRESS":
            e["kwargs"]["regex"] = "^(?:info|ana\\.silva)@"
    path.write_text(json.dumps(suite))
    v = validate_tables(bad_tables("people", {"consent": {2: "maybe"}}), load_suites(folder), as_of=AS_OF)
    assert "CONSENT_IN_SET" not in set(v.results["check"])
    assert set(v.quarantined["record_id"][v.quarantined["check"] == "EMAIL_ROLE_ADDRESS"]) == {"sf_lead:00Q1"}


def test_a_malformed_suite_file_names_the_file_and_every_bad_expectation(tmp_path):
    folder = _copy_suites(tmp_path)
    (folder / "broken.json").write_text("{not json")
    suite = json.loads((folder / "events.json").read_text())
    suite["expectations"][0]["type"] = "expect_column_values_to_be_magic"
    del suite["expectations"][1]["meta"]["check"]
    suite["expectations"][2]["meta"]["gate"] = 1.5
    suite["expectations"][3]["meta"]["gate"] = -0.1
    del suite["expectations"][4]["kwargs"]["column"]
    (folder / "events.json").write_text(json.dumps(suite))
    with pytest.raises(ConfigError) as err:
        load_suites(folder)
    text = str(err.value)
    assert text.startswith(f"{folder} has 6 problems")
    assert "broken.json: not valid JSON" in text
    assert "events.json: expectations[0] (expect_column_values_to_be_magic): unknown expectation type" in text
    assert "events.json: expectations[1] (expect_column_values_to_be_unique): meta.check None" in text
    assert (
        "events.json: expectations[2] (expect_column_values_to_be_in_set): meta.gate 1.5 is outside [0, 1]"
        in text
    )
    assert "events.json: expectations[3] (expect_column_values_to_be_in_set): meta.gate -0.1" in text
    assert (
        "events.json: expectations[4] (expect_column_values_to_not_be_null): kwargs.column is missing" in text
    )
    assert len(err.value.problems) == 6


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s["meta"].update(table="scores"), "meta.table: 'scores' is not a table"),
        (lambda s: s.update(name="other"), "name 'other' must equal the file name 'events'"),
        (
            lambda s: s["expectations"][1]["meta"].update(check="EVENT_ID_REQUIRED"),
            "already used by expectations[0]",
        ),
        (lambda s: s["expectations"][0]["meta"].pop("gate"), "meta.gate is missing"),
        (
            lambda s: s["expectations"][0]["meta"].update(check="lower_case"),
            "must be a stable upper-case code",
        ),
        (lambda s: s["expectations"][0].pop("meta"), "meta with check, reason and gate is missing"),
        (lambda s: s["meta"].update(parameters={"max_age_hours": 0}), "max_age_hours: 0 must be a positive"),
        (lambda s: s["expectations"][2]["kwargs"].update(value_set=[]), "value_set must be a non-empty list"),
    ],
    ids=["table", "name", "duplicate check", "no gate", "check case", "no meta", "max age", "empty set"],
)
def test_suite_file_problems_are_config_errors(tmp_path, edit, message):
    folder = _copy_suites(tmp_path)
    suite = json.loads((folder / "events.json").read_text())
    edit(suite)
    (folder / "events.json").write_text(json.dumps(suite))
    with pytest.raises(ConfigError, match=r"events\.json") as err:
        load_suites(folder)
    assert message in str(err.value)


def test_a_missing_suite_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="suite folder not found"):
        load_suites(tmp_path / "nowhere")
