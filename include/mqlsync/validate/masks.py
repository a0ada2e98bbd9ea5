"""The expectation types validation supports, each evaluated as a boolean pandas mask of failing rows.

GX gives the batch verdict and the audit record; these masks say *which* rows failed, in one
vectorised pass, because GX's COMPLETE row results cost 10-20x its SUMMARY (docs/validate.md). Each
evaluator copies GX 1.24's pandas semantics (nulls are skipped by every map expectation except
not-null; regexes use `Series.astype(str).str.contains`, i.e. a search, not a full match), and
tests/expectations/test_mask_agreement.py checks that every mask count equals GX's
`unexpected_count`, so the two cannot silently disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

Params = Mapping[str, Any]


def column_of(kwargs: Mapping[str, Any]) -> str | None:
    value = kwargs.get("column")
    return value if isinstance(value, str) else None


def resolve(value: Any, params: Params) -> Any:
    """A kwarg with `{"$PARAMETER": name}` replaced by the run's value."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        return params[value["$PARAMETER"]]
    return value


def _present(s: pd.Series) -> np.ndarray:
    return s.notna().to_numpy(dtype=bool)


def _text(s: pd.Series) -> pd.Series:
    """Values as GX sees them before a string test (`astype(str)`)."""
    return s.astype(str)


def _contains(s: pd.Series, regex: str) -> np.ndarray:
    return _text(s).str.contains(regex, regex=True).to_numpy(dtype=bool, na_value=False)


def _not_null(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    return ~_present(s)


def _match_regex(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    return _present(s) & ~_contains(s, kw["regex"])


def _not_match_regex(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    return _present(s) & _contains(s, kw["regex"])


def _not_match_regex_list(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    hit = np.zeros(len(s), dtype=bool)
    for regex in kw["regex_list"]:
        hit |= _contains(s, regex)
    return _present(s) & hit


def _in_set(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    return _present(s) & ~s.isin(list(kw["value_set"])).to_numpy(dtype=bool, na_value=False)


def _within(values: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    low, high = resolve(kw.get("min_value"), params), resolve(kw.get("max_value"), params)
    ok = np.ones(len(values), dtype=bool)
    if low is not None:
        ok &= (values > low if kw.get("strict_min") else values >= low).to_numpy(dtype=bool, na_value=False)
    if high is not None:
        ok &= (values < high if kw.get("strict_max") else values <= high).to_numpy(dtype=bool, na_value=False)
    return ok


def _between(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    return _present(s) & ~_within(s, kw, params)


def _lengths_between(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    present = _present(s)
    lengths = _text(s).str.len()
    return present & ~_within(lengths, kw, params)


def _unique(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    present = _present(s)
    dup = np.zeros(len(s), dtype=bool)
    dup[present] = s[present].duplicated(keep=False).to_numpy(dtype=bool)
    return dup


def _max_between(s: pd.Series, kw: Mapping[str, Any], params: Params) -> np.ndarray:
    """Batch-level: one value, True when the batch fails (its newest value is out of range)."""
    newest = s.max()
    if pd.isna(newest):
        return np.array([True])
    return ~_within(pd.Series([newest]), kw, params)


def _need(
    *names: str, lists: tuple[str, ...] = (), regexes: tuple[str, ...] = ()
) -> Callable[..., list[str]]:
    def problems(kwargs: Mapping[str, Any]) -> list[str]:
        found = [f"{n} is missing" for n in names if n not in kwargs]
        if "column" in names and "column" in kwargs and not isinstance(kwargs["column"], str):
            found.append("column must be a column name")
        for n in lists:
            if n in kwargs and (not isinstance(kwargs[n], list) or not kwargs[n]):
                found.append(f"{n} must be a non-empty list")
        for n in regexes:
            for regex in kwargs.get(n, []) if n.endswith("list") else [kwargs.get(n, "")]:
                try:
                    re.compile(str(regex))
                except re.error as err:
                    found.append(f"{n}: {regex!r} is not a valid regex ({err})")
        return found

    return problems


def _range_problems(kwargs: Mapping[str, Any]) -> list[str]:
    found = _need("column")(kwargs)
    if kwargs.get("min_value") is None and kwargs.get("max_value") is None:
        found.append("min_value or max_value is required")
    return found


@dataclass(frozen=True)
class Evaluator:
    failing: Callable[[pd.Series, Mapping[str, Any], Params], np.ndarray]
    problems: Callable[[Mapping[str, Any]], list[str]]


EVALUATORS: dict[str, Evaluator] = {
    "expect_column_values_to_not_be_null": Evaluator(_not_null, _need("column")),
    "expect_column_values_to_match_regex": Evaluator(
        _match_regex, _need("column", "regex", regexes=("regex",))
    ),
    "expect_column_values_to_not_match_regex": Evaluator(
        _not_match_regex, _need("column", "regex", regexes=("regex",))
    ),
    "expect_column_values_to_not_match_regex_list": Evaluator(
        _not_match_regex_list, _need("column", "regex_list", lists=("regex_list",), regexes=("regex_list",))
    ),
    "expect_column_values_to_be_in_set": Evaluator(
        _in_set, _need("column", "value_set", lists=("value_set",))
    ),
    "expect_column_values_to_be_between": Evaluator(_between, _range_problems),
    "expect_column_value_lengths_to_be_between": Evaluator(_lengths_between, _range_problems),
    "expect_column_values_to_be_unique": Evaluator(_unique, _need("column")),
    "expect_column_max_to_be_between": Evaluator(_max_between, _range_problems),
}
BATCH_TYPES = frozenset({"expect_column_max_to_be_between"})
