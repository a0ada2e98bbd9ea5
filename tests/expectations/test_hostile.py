"""Hostile input is quarantined with a reason or passed through as inert text, and never crashes.

What happens to each kind, and why, is in docs/validate.md ("Hostile input").
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mqlsync.validate import load_suites, validate_tables
from tests.expectations.samples import AS_OF, SUITES_DIR, events, people

PASSED = [
    ("html", "first_name", "<script>alert(1)</script>"),
    ("html attribute", "last_name", '"><svg onload=alert(document.domain)>'),
    ("soql quote", "last_name", "O'Brien'); DELETE"),
    ("soql or", "company", "\\' OR 1=1 --"),
    ("zero-width space", "first_name", "Ølaf\u200b"),
    ("zero-width joiner", "last_name", "क्\u200dष"),
    ("emoji", "first_name", "Zoë 🧬"),
    ("right-to-left script", "last_name", "מרים כהן"),
    ("100 kB in a HubSpot field", "company", "x" * 60_000),
]
QUARANTINED = [
    ("formula =", "first_name", '=HYPERLINK("http://x")', "FIRST_NAME_UNSAFE_TEXT"),
    ("formula +", "last_name", "+SUM(A1:A9)", "LAST_NAME_UNSAFE_TEXT"),
    ("formula -", "company", "-2+3", "COMPANY_UNSAFE_TEXT"),
    ("formula @", "title", "@SUM(1)", "TITLE_UNSAFE_TEXT"),
    ("NUL byte", "last_name", "Smith\x00", "LAST_NAME_UNSAFE_TEXT"),
    ("right-to-left override", "first_name", "Ann\u202egnp.exe", "FIRST_NAME_UNSAFE_TEXT"),
    ("100 kB in a Salesforce field", "title", "y" * 100_000, "SF_TITLE_LENGTH"),
    ("100 kB past HubSpot's limit", "company", "z" * 100_000, "HS_COMPANY_LENGTH"),
]


@pytest.fixture(scope="module")
def suites():
    return load_suites(SUITES_DIR)


@pytest.mark.parametrize(("column", "value"), [p[1:] for p in PASSED], ids=[p[0] for p in PASSED])
def test_hostile_text_passes_through_verbatim_as_inert_text(suites, column, value):
    row = 5 if "HubSpot" in value or len(value) > 1000 else 0
    frame = people(**{column: {row: value}})
    v = validate_tables({"people": frame}, suites, as_of=AS_OF)
    assert v.quarantined.empty, v.quarantined[["check", "reason"]]
    assert v.accepted["people"].loc[row, column] == value  # not escaped, not stripped: the renderer escapes


@pytest.mark.parametrize(
    ("column", "value", "check"), [q[1:] for q in QUARANTINED], ids=[q[0] for q in QUARANTINED]
)
def test_hostile_text_that_is_unsafe_is_quarantined_with_a_readable_reason(suites, column, value, check):
    row = 5 if check.startswith("HS_") else 0
    frame = people(**{column: {row: value}})
    v = validate_tables({"people": frame}, suites, as_of=AS_OF)
    caught = v.quarantined[v.quarantined["check"] == check]
    assert list(caught["record_id"]) == [frame.loc[row, "record_id"]]
    reason = caught["reason"].item()
    assert reason.isprintable()  # control characters are shown escaped, e.g. \x00
    assert len(reason) < 300  # a 100 kB value is cut in the reason (the snapshot keeps 1,000 chars)
    assert frame.loc[row, "record_id"] not in set(v.accepted["people"]["record_id"])
    assert json.loads(caught["row"].item())["record_id"] == frame.loc[row, "record_id"]


def test_reason_masks_the_email_and_escapes_control_characters(suites):
    frame = people(email={0: "ana.silva@genelab\x00.com"}, last_name={1: "Chen\x00"})
    v = validate_tables({"people": frame}, suites, as_of=AS_OF)
    reasons = " | ".join(v.quarantined["reason"])
    assert "ana.silva" not in reasons
    assert "'a***@genelab\\x00.com'" in reasons
    assert "'Chen\\x00'" in reasons


def test_missing_columns_are_checked_as_null_and_extra_columns_pass_untouched(suites):
    frame = people().drop(columns=["consent", "company", "title"]).assign(favourite_colour="<b>red</b>")
    v = validate_tables({"people": frame}, suites, as_of=AS_OF)
    assert list(v.accepted["people"].columns) == list(frame.columns)
    results = v.results.set_index(["suite", "check"])
    assert results.loc[("people_salesforce_lead", "SF_LEAD_COMPANY_REQUIRED"), "failed"] == 2
    assert set(v.quarantined["check"]) == {"SF_LEAD_COMPANY_REQUIRED"}
    assert results.loc[("people", "CONSENT_IN_SET"), "failed"] == 0  # absent = null: in-set skips nulls


def test_a_missing_required_events_column_fails_every_row_without_crashing(suites):
    frame = events().drop(columns=["event_type", "occurred_at"])
    v = validate_tables({"people": people(), "events": frame}, suites, as_of=AS_OF)
    assert v.results.set_index("check").loc["OCCURRED_AT_REQUIRED", "failed"] == len(frame)
    assert v.accepted["events"].empty


def test_timestamps_as_text_and_odd_types_never_crash(suites):
    frame = people().astype({"created_at": "object"})
    frame["created_at"] = ["2025-01-01T00:00:00Z", "not a date", None, "2099-01-01", 17, "2025-01-01"]
    frame["employees"] = ["many", 1, None, 2.5, "3", -1]
    v = validate_tables({"people": frame}, suites, as_of=AS_OF)
    assert set(v.quarantined["record_id"][v.quarantined["check"] == "CREATED_AT_RANGE"]) == {
        "sf_contact:0032"
    }


def test_an_empty_table_validates(suites):
    v = validate_tables({"people": people().iloc[:0], "events": events().iloc[:0]}, suites, as_of=AS_OF)
    assert v.quarantined.empty
    assert (v.results["evaluated"] == 0).all()
    assert pd.api.types.is_bool_dtype(v.results["passed"])
