"""A share of failing rows over a gate stops the run with a QualityGateError in the STYLE.md format."""

from __future__ import annotations

from pathlib import Path

import pytest

from mqlsync.errors import QualityGateError, TerminalError
from mqlsync.validate import check_gates, load_suites, validate_tables
from tests.expectations.samples import AS_OF, SUITES_DIR, events, people


@pytest.fixture(scope="module")
def suites():
    return load_suites(SUITES_DIR)


def test_passing_gates_return_quietly(suites):
    check_gates(validate_tables({"people": people(), "events": events()}, suites, as_of=AS_OF))


def test_gate_error_lists_every_failed_gate_with_counts_share_and_sample_ids(suites):
    bad = people(email={0: "ana at genelab.com", 1: "wei@@uni-heidelberg.de"}, consent={2: "maybe"})
    v = validate_tables({"people": bad, "events": events()}, suites, as_of=AS_OF)
    details = Path("data/runs/2026-11-21T10/validation/index.html")
    with pytest.raises(QualityGateError) as err:
        check_gates(v, details=details)
    assert isinstance(err.value, TerminalError)
    lines = str(err.value).splitlines()
    assert lines[0] == "suite people failed 2 of 15 checks on 6 rows; nothing was stored or written to a CRM"
    assert lines[1] == (
        "  CONSENT_IN_SET consent is not opt_in, opt_out or unknown: 1 row (16.7 %, gate 1 %) e.g. sf_contact:0031"
    )
    assert lines[2] == (
        "  EMAIL_SYNTAX email is not a valid address: 2 rows (33.3 %, gate 5 %) e.g. sf_lead:00Q1, sf_lead:00Q2"
    )
    assert lines[-1] == f"  details: {details}"
    assert "@" not in str(err.value)  # ids and counts, never emails
    assert err.value.suite == "people"
    assert err.value.details == str(details)
    assert {f["check"] for f in err.value.failures} == {"CONSENT_IN_SET", "EMAIL_SYNTAX"}
    assert err.value.sample_ids == ["sf_contact:0031", "sf_lead:00Q1", "sf_lead:00Q2"]


def test_failures_in_several_suites_are_reported_together(suites):
    bad_people = people(last_name={2: None})
    bad_events = events(event_type={0: "sent"})
    v = validate_tables({"people": bad_people, "events": bad_events}, suites, as_of=AS_OF)
    with pytest.raises(QualityGateError) as err:
        check_gates(v)
    text = str(err.value)
    assert "suite people_salesforce failed 1 of 7 checks on 4 rows" in text
    assert "suite events failed 1 of 7 checks on 4 rows" in text
    assert "details" not in text
    assert err.value.suites == ["people_salesforce", "events"]


def test_kept_rows_still_count_against_the_gate_and_a_null_gate_never_stops(suites):
    many = people(state={0: "ZZ"})  # STATE_ISO3166_2 keeps its rows (quarantine: false) but is gated
    v = validate_tables({"people": many}, suites, as_of=AS_OF)
    row = v.results.set_index("check").loc["STATE_ISO3166_2"]
    assert row["gate_failed"]
    assert not row["passed"]
    with pytest.raises(QualityGateError, match="STATE_ISO3166_2"):
        check_gates(v)
    stale = people(updated_at={4: "2026-01-01T00:00:00Z", 5: "2026-01-01T00:00:00Z"})
    v = validate_tables({"people": stale}, suites, as_of=AS_OF)
    fresh = v.results[(v.results["suite"] == "people_hubspot") & (v.results["check"] == "SOURCE_FRESHNESS")]
    assert not fresh["passed"].item()
    assert not fresh["gate_failed"].item()
    check_gates(v)


def test_a_batch_level_failure_over_its_gate_reads_as_the_batch(suites, tmp_path):
    import json
    import shutil

    folder = tmp_path / "expectations"
    shutil.copytree(SUITES_DIR, folder)
    suite = json.loads((folder / "people_hubspot.json").read_text())
    suite["expectations"][-1]["meta"]["gate"] = 0
    (folder / "people_hubspot.json").write_text(json.dumps(suite))
    stale = people(updated_at={4: "2026-01-01T00:00:00Z", 5: "2026-01-01T00:00:00Z"})
    v = validate_tables({"people": stale}, load_suites(folder), as_of=AS_OF)
    with pytest.raises(QualityGateError) as err:
        check_gates(v)
    assert (
        "  SOURCE_FRESHNESS the newest HubSpot updated_at is older than meta.parameters.max_age_hours: "
        "the batch failed (gate 0 %)" in str(err.value)
    )
