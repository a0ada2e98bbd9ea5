"""The scoring model: a versioned YAML file validated into typed pydantic objects.

Every key a marketing-operations person can tune lives here; the engine has no hidden constants.
Validation reports every problem at once (see `modelfile.py`) with the key path and the fix.
This module holds the whole file, `ScoringModel`, and the checks that span its sections; the
sections live in `model_scoring.py` (segments, fit, intent, negatives, disqualifiers, completeness)
and `model_routing.py` (routing, SLA), over the shared vocabulary in `model_vocabulary.py`.
"""

# Sections are pydantic models (Strict in model_vocabulary.py is a BaseModel), which copy list and
# dict defaults per instance; ruff only sees that when the BaseModel subclass is in the same file.
# ruff: noqa: RUF012

from __future__ import annotations

import re
from typing import Any, Literal

import pandas as pd
from pydantic import Field, PrivateAttr, field_validator, model_validator

from mqlsync.score.model_routing import Routing, Sla
from mqlsync.score.model_scoring import Completeness, Disqualifiers, Intent, Negatives, Segment
from mqlsync.score.model_vocabulary import BuyingRole, JobFunction, Name, OrgType, Strict


class ScoringModel(Strict):
    """A whole model file. `version` goes onto every Scores row."""

    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,40}$")
    name: str = "life_sciences"
    description: str = ""
    taxonomy: str = "content_taxonomy.yaml"
    regions: dict[Name, list[str]]
    site_types: dict[OrgType, Name] = {}
    buying_roles: dict[JobFunction, BuyingRole]
    grades: dict[Literal["A", "B", "C"], int]
    intent_levels: dict[Literal[1, 2, 3], int]
    default_segment: Name
    segment_precedence: list[Literal["campaign", "product_interest", "organization_type"]]
    segments: dict[Name, Segment] = Field(min_length=1)
    negatives: Negatives
    intent: Intent
    disqualifiers: Disqualifiers
    completeness: Completeness
    routing: Routing
    sla: Sla
    _taxonomy: pd.DataFrame | None = PrivateAttr(default=None)

    @field_validator("regions")
    @classmethod
    def _countries(cls, regions: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for region, countries in regions.items():
            for c in countries:
                if not re.fullmatch(r"[A-Z]{2}", c):
                    raise ValueError(f"{region}: {c!r} is not an ISO 3166-1 alpha-2 code like DE")
                if c in seen:
                    raise ValueError(f"{c} is in both {seen[c]} and {region}; a country has one region")
                seen[c] = region
        return regions

    @model_validator(mode="after")
    def _cross_references(self) -> ScoringModel:
        problems = []
        a, b, c = (self.grades.get(k) for k in "ABC")
        if None in (a, b, c) or not a > b > c:  # type: ignore[operator]
            problems.append("grades: need A > B > C minimum fit scores")
        l1, l2, l3 = (self.intent_levels.get(k) for k in (1, 2, 3))
        if None in (l1, l2, l3) or not l1 > l2 > l3:  # type: ignore[operator]
            problems.append("intent_levels: need 1 > 2 > 3 minimum intent scores")
        if self.default_segment not in self.segments:
            problems.append(f"default_segment: {self.default_segment} is not a segment")
        known = set(self.regions)
        for name, seg in self.segments.items():
            if seg.regions != "all":
                problems += [
                    f"segments.{name}.regions: unknown region {r}" for r in seg.regions if r not in known
                ]
        for r in self.disqualifiers.consent_required_regions:
            if r not in known:
                problems.append(f"disqualifiers.consent_required_regions: unknown region {r}")
        for region, cal in self.sla.region_calendars.items():
            if cal not in self.sla.calendars:
                problems.append(f"sla.region_calendars.{region}: unknown calendar {cal}")
        if self.sla.default_calendar not in self.sla.calendars:
            problems.append(f"sla.default_calendar: unknown calendar {self.sla.default_calendar}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def taxonomy_frame(self) -> pd.DataFrame:
        """The content taxonomy this model reads; empty until load_model or with_taxonomy sets it."""
        if self._taxonomy is None:
            from mqlsync.score.taxonomy import taxonomy_frame

            return taxonomy_frame([])
        return self._taxonomy

    def with_taxonomy(self, taxonomy: pd.DataFrame) -> ScoringModel:
        """A copy of the model bound to a taxonomy frame (see taxonomy.taxonomy_frame)."""
        copy = self.model_copy()
        copy._taxonomy = taxonomy
        return copy

    def segment_names(self) -> list[str]:
        return list(self.segments)


def model_dict(model: ScoringModel) -> dict[str, Any]:
    """The model as plain data, e.g. to write a tuned copy back to YAML."""
    return model.model_dump(mode="json")
