"""The row masks and GX count the same failing rows for every expectation, good and bad samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mqlsync.validate import load_suites, validate_tables
from mqlsync.validate.masks import EVALUATORS
from mqlsync.validate.validation import batch_frame, suite_rows
from tests.expectations.samples import AS_OF, BAD, SUITES_DIR, bad_tables, events, people

CASES = [("good", {"people": people(), "events": events()})] + [(b[0], bad_tables(b[1], b[2])) for b in BAD]


@pytest.fixture(scope="module")
def suites():
    return load_suites(SUITES_DIR)


def _gx_counts(validation) -> dict[tuple[str, str], int | bool]:
    out = {}
    for suite, result in validation.gx_results.items():
        for r in result["results"]:
            check = r["expectation_config"]["meta"]["check"]
            count = r["result"].get("unexpected_count")
            out[(suite, check)] = count if count is not None else (not r["success"])
    return out


@pytest.mark.parametrize(("name", "tables"), CASES, ids=[c[0] for c in CASES])
def test_mask_counts_equal_gx_unexpected_counts(suites, name, tables):
    v = validate_tables(tables, suites, as_of=AS_OF)
    gx = _gx_counts(v)
    mine = {(r.suite, r.check): r.failed for r in v.results.itertuples()}
    assert set(gx) <= set(mine)
    assert {k: int(gx[k]) for k in gx} == {k: mine[k] for k in gx}
    # every expectation type the suites use ran under GX at least once on this case
    assert len(gx) == sum(len(s.expectations) for s in suites.values() if s.name in v.gx_results and
                          v.gx_results[s.name]["results"])  # fmt: skip


def test_masks_are_recomputed_independently_of_validate_tables(suites):
    """Guard against a shared bug: evaluate each mask directly and compare with GX again."""
    tables = bad_tables("people", {"email": {0: "ana at genelab.com"}, "country": {1: "EU"}})
    v = validate_tables(tables, suites, as_of=AS_OF)
    gx = _gx_counts(v)
    for suite in (s for s in suites.values() if s.table == "people"):
        batch = batch_frame("people", tables["people"], [suite], known_ids=set())
        sub = batch.loc[suite_rows(batch, suite)]
        for exp in suite.expectations:
            mask = EVALUATORS[exp.type].failing(sub[exp.column], exp.kwargs, suite.parameters(AS_OF))
            assert int(np.sum(mask)) == int(gx[(suite.name, exp.check)]), (suite.name, exp.check)


def test_every_supported_type_is_used_by_a_shipped_suite(suites):
    used = {e.type for s in suites.values() for e in s.expectations}
    assert used == set(EVALUATORS)


def test_nulls_are_skipped_like_gx_does(suites):
    frame = people(email={0: None, 1: pd.NA}, country={2: None}, created_at={3: None})
    v = validate_tables({"people": frame}, suites, as_of=AS_OF)
    failed = v.results.set_index(["suite", "check"])["failed"]
    assert failed[("people", "EMAIL_SYNTAX")] == 0
    assert failed[("people", "COUNTRY_ISO3166_1")] == 0
    assert failed[("people", "CREATED_AT_RANGE")] == 0
