"""Model sections that score a person and decide whether they qualify.

Segments with their fit and MQL rules, intent signals and their decay, negatives, disqualifiers and
profile completeness. The building blocks (`Condition`, `FitRule`, `Signal`, `PenaltyRule`, ...) sit
next to the section that uses them.
"""

# Sections are pydantic models (Strict in model_vocabulary.py is a BaseModel), which copy list and
# dict defaults per instance; ruff only sees that when the BaseModel subclass is in the same file.
# ruff: noqa: RUF012

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from mqlsync.score.model_vocabulary import (
    BuyingRole,
    Code,
    ContentStage,
    EventType,
    Grade,
    JobFunction,
    Name,
    OrgType,
    Points,
    ProgramStage,
    Queue,
    Strict,
    TherapeuticArea,
    Timeline,
)

DAYS_PER_QUARTER = 365.25 / 4


class Condition(Strict):
    """All listed keys must hold (AND); a list key holds when the person's value is in the list."""

    job_functions: list[JobFunction] | None = None
    buying_roles: list[BuyingRole] | None = None
    organization_types: list[OrgType] | None = None
    site_types: list[Name] | None = None
    therapeutic_area: Literal["match", "no_match", "unknown"] | None = None
    program_stages: list[ProgramStage] | None = None
    regions: list[Name] | None = None
    timelines: list[Timeline] | None = None
    employees_min: Annotated[int, Field(ge=0)] | None = None
    employees_max: Annotated[int, Field(ge=0)] | None = None
    employees_unknown: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not any(v is not None for v in self.__dict__.values()):
            raise ValueError("a rule needs at least one condition (e.g. job_functions: [...])")
        return self


class FitRule(Strict):
    code: Code
    label: str = Field(min_length=3, description="what a sales rep reads in explain")
    points: Points
    when: Condition


class SegmentMatch(Strict):
    organization_types: list[OrgType] = []
    product_lines: list[str] = []
    campaign_prefixes: list[str] = []


class MqlRule(Strict):
    """Fit at least a grade, and either an intent level (1 best) or a recent late-stage action."""

    fit_grade_at_least: Grade
    intent_level_at_least: Annotated[int, Field(ge=1, le=4)] | None = None
    late_stage_action: bool = False

    @model_validator(mode="after")
    def _needs_intent(self) -> MqlRule:
        if self.intent_level_at_least is None and not self.late_stage_action:
            raise ValueError("set intent_level_at_least or late_stage_action: true")
        return self


class Segment(Strict):
    label: str
    match: SegmentMatch = SegmentMatch()
    therapeutic_areas: list[TherapeuticArea] | Literal["all"] = "all"
    regions: list[Name] | Literal["all"] = "all"
    tier_queues: dict[Grade, Queue] = {"A": "sales", "B": "sales", "C": "sdr_review", "D": "sdr_review"}
    fit: list[FitRule] = Field(min_length=1)
    mql_rule: list[MqlRule] = Field(min_length=1, description="any rule in the list qualifies")

    @field_validator("fit")
    @classmethod
    def _unique_codes(cls, rules: list[FitRule]) -> list[FitRule]:
        codes = [r.code for r in rules]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"codes must be unique within a segment: {', '.join(dupes)}")
        return rules


class Decay(Strict):
    """Give a half-life in days or the share of value lost per quarter (0.5 = halves each quarter)."""

    half_life_days: Annotated[float, Field(gt=0, le=3650)] | None = None
    loss_per_quarter: Annotated[float, Field(gt=0, lt=1)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Decay:
        if (self.half_life_days is None) == (self.loss_per_quarter is None):
            raise ValueError("set exactly one of half_life_days or loss_per_quarter")
        return self

    @property
    def days(self) -> float:
        if self.half_life_days is not None:
            return float(self.half_life_days)
        return DAYS_PER_QUARTER * math.log(0.5) / math.log(1 - float(self.loss_per_quarter or 0.5))


class Signal(Strict):
    label: str
    points: Annotated[int, Field(ge=0, le=100)]
    cap: Annotated[int, Field(ge=0, le=200)]
    decay: Decay


class AccountIntent(Strict):
    code: Code = "INTENT_ACCOUNT_TOPIC_SURGE"
    label: str = "Several colleagues are researching the same topic"
    min_people: Annotated[int, Field(ge=2)] = 3
    window_days: Annotated[int, Field(ge=1, le=730)] = 90
    points: Annotated[int, Field(ge=0, le=100)] = 10


class IrrelevantPages(Strict):
    topics: list[str]
    points_per_view: Annotated[int, Field(ge=-20, le=0)] = -2
    cap: Annotated[int, Field(ge=-100, le=0)] = -10
    window_days: Annotated[int, Field(ge=1, le=730)] = 180


class LateStage(Strict):
    event_types: list[EventType]
    content_stages: list[ContentStage] = ["late"]
    content_event_types: list[EventType] = ["content_download", "form_submit"]
    within_days: Annotated[int, Field(ge=1, le=730)] = 90


class Intent(Strict):
    events: dict[EventType, Signal]
    stages: dict[ContentStage, Signal]
    stage_event_types: list[EventType] = Field(min_length=1, description="events that earn stage points")
    account: AccountIntent = AccountIntent()
    irrelevant_pages: IrrelevantPages
    late_stage: LateStage


class PenaltyRule(Strict):
    points: Points
    domains: list[str] = []
    companies: list[str] = []
    job_functions: list[JobFunction] = []
    title_keywords: list[str] = []
    career_page_views: Annotated[int, Field(ge=1)] | None = None


class Negatives(Strict):
    personal_email: PenaltyRule
    competitor: PenaltyRule
    student: PenaltyRule
    job_seeker: PenaltyRule
    contradictory_role: PenaltyRule


DisqualifierName = Literal[
    "record_deleted",
    "duplicate_record",
    "do_not_contact",
    "unsubscribed",
    "consent_missing",
    "region_not_covered",
    "therapeutic_area_not_covered",
    "open_opportunity",
]


class Disqualifiers(Strict):
    """Enabled disqualifiers, in the order their reason is reported."""

    enabled: list[DisqualifierName]
    consent_required_regions: list[Name] = []


class Completeness(Strict):
    required: list[str] = Field(min_length=1)
    ask_order: list[str]
    ask_at_most: Annotated[int, Field(ge=1, le=10)] = 3
    best_grade_when_incomplete: Grade = "B"
