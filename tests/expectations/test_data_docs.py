"""Data Docs are one static page with no network fetches, and every value in it is escaped."""

from __future__ import annotations

import json
import re

import pytest

from mqlsync.validate import load_suites, validate_tables, write_data_docs
from tests.expectations.samples import AS_OF, SUITES_DIR, events, people


@pytest.fixture(scope="module")
def validation():
    bad = people(first_name={0: "<script>alert(1)</script>"}, consent={1: "<img src=x onerror=alert(1)>"})
    return validate_tables({"people": bad, "events": events()}, load_suites(SUITES_DIR), as_of=AS_OF)


def test_data_docs_have_no_external_references_and_no_script(validation, tmp_path):
    index = write_data_docs(validation, tmp_path / "docs")
    html = index.read_text(encoding="utf-8")
    assert index.name == "index.html"
    assert not re.search(r"(?i)(?:src|href)\s*=\s*['\"]?\s*(?:https?:)?//", html)
    assert not re.search(r"(?i)https?://", html)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "CONSENT_IN_SET" in html
    assert "gate(s) failed" in html


def test_data_docs_link_a_gx_result_per_suite(validation, tmp_path):
    index = write_data_docs(validation, tmp_path / "docs")
    for suite in validation.gx_results:
        assert f"href='{suite}.json'" in index.read_text(encoding="utf-8")
        saved = json.loads((index.parent / f"{suite}.json").read_text(encoding="utf-8"))
        assert saved["suite_name"] == suite
        assert "statistics" in saved


def test_gx_results_hold_no_email(validation):
    text = json.dumps(validation.gx_results, default=str)
    assert not re.search(r"[\w.]+@[\w-]+\.\w+", text.replace("@(?:", "").replace(")@", ""))
