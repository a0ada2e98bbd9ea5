"""Fit: who the person is. The segment's fit rules plus the negative rules every segment shares.

Rules are evaluated column-wise over all people of a segment at once (one mask per rule), never
person by person. Text columns are turned into category codes once so each condition is an integer
`isin`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from mqlsync.score.model import ScoringModel
from mqlsync.score.model_scoring import Condition, PenaltyRule
from mqlsync.score.people import arrow_strings, ta_bits
from mqlsync.score.reasons import Contributions, contributions

_CATEGORICAL = {
    "job_functions": "job_function",
    "buying_roles": "buying_role",
    "organization_types": "organization_type",
    "site_types": "site_type",
    "program_stages": "program_stage",
    "regions": "region",
    "timelines": "timeline",
}


class RuleColumns:
    """Category codes of the columns rules match on, built once per scoring run."""

    def __init__(self, people: pd.DataFrame) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self.categories: dict[str, pd.Index] = {}
        for column in _CATEGORICAL.values():
            encoded = pc.dictionary_encode(arrow_strings(people[column]))
            self.codes[column] = encoded.indices.fill_null(-1).to_numpy().astype(np.int32)
            self.categories[column] = pd.Index(encoded.dictionary.to_pylist(), dtype=object)
        self.employees = people["employees"].to_numpy(dtype="float64", na_value=np.nan)
        self.ta_bits = people["ta_bits"].to_numpy()

    def isin(self, column: str, values: list[str], rows: np.ndarray) -> np.ndarray:
        wanted = self.categories[column].get_indexer(values)
        return np.isin(self.codes[column][rows], wanted[wanted >= 0])


def therapeutic_area_state(bits: np.ndarray, covered: int) -> np.ndarray:
    """'match' | 'no_match' | 'unknown' per person against a segment's covered areas."""
    return np.where(bits == 0, "unknown", np.where((bits & covered) != 0, "match", "no_match"))


def condition_mask(cols: RuleColumns, when: Condition, rows: np.ndarray, covered: int) -> np.ndarray:
    """True where every key of the condition holds (rows: positions of the people tested)."""
    mask = np.ones(len(rows), dtype=bool)
    for key, column in _CATEGORICAL.items():
        values = getattr(when, key)
        if values is not None:
            mask &= cols.isin(column, values, rows)
    emp = cols.employees[rows]
    if when.employees_min is not None:
        mask &= emp >= when.employees_min
    if when.employees_max is not None:
        mask &= emp <= when.employees_max
    if when.employees_unknown is not None:
        mask &= np.isnan(emp) == when.employees_unknown
    if when.therapeutic_area is not None:
        mask &= therapeutic_area_state(cols.ta_bits[rows], covered) == when.therapeutic_area
    return mask


def fit_contributions(people: pd.DataFrame, segment: np.ndarray, model: ScoringModel) -> list[Contributions]:
    """One block per fit rule: the people of the rule's segment that meet its condition."""
    cols = RuleColumns(people)
    blocks = []
    for s, seg in enumerate(model.segments.values()):
        rows = np.flatnonzero(segment == s)
        if not len(rows):
            continue
        covered = ta_bits(seg.therapeutic_areas)
        for rule in seg.fit:
            hit = rows[condition_mask(cols, rule.when, rows, covered)]
            blocks.append(contributions(hit, rule.code, rule.points, "fit"))
    return blocks


def _keywords(title: pd.Series, words: list[str]) -> np.ndarray:
    if not words:
        return np.zeros(len(title), dtype=bool)
    pattern = r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + r")"
    return title.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)


def _in(series: pd.Series, values: list[str]) -> np.ndarray:
    return series.isin([v.lower() for v in values]).fillna(False).to_numpy(dtype=bool)


def negative_contributions(
    people: pd.DataFrame, career_views: np.ndarray, model: ScoringModel
) -> list[Contributions]:
    """Personal email, competitor, student, job seeker, contradictory role: each once per person."""
    neg = model.negatives
    title = people["title"].astype("string").str.lower()
    job = people["job_function"]
    rules: dict[str, tuple[PenaltyRule, np.ndarray]] = {
        "NEG_PERSONAL_EMAIL": (neg.personal_email, people["personal_email"].to_numpy(dtype=bool)),
        "NEG_COMPETITOR": (
            neg.competitor,
            _in(people["email_domain"], neg.competitor.domains)
            | _in(people["company_key"], neg.competitor.companies),
        ),
        "NEG_STUDENT": (
            neg.student,
            _in(job, neg.student.job_functions) | _keywords(title, neg.student.title_keywords),
        ),
        "NEG_JOB_SEEKER": (
            neg.job_seeker,
            _keywords(title, neg.job_seeker.title_keywords)
            | (career_views >= (neg.job_seeker.career_page_views or np.iinfo(np.int64).max)),
        ),
        "NEG_CONTRADICTORY_ROLE": (
            neg.contradictory_role,
            _in(job, neg.contradictory_role.job_functions)
            & _keywords(title, neg.contradictory_role.title_keywords),
        ),
    }
    return [
        contributions(np.flatnonzero(mask), code, rule.points, "negative")
        for code, (rule, mask) in rules.items()
        if rule.points != 0
    ]
