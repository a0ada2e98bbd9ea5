"""The scoring model: a versioned YAML file validated into typed pydantic objects.

Every key a marketing-operations person can tune lives here; the engine has no hidden constants.
Validation reports every problem at once (see `validation.py`) with the key path and the fix.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from mqlsync.schemas import (
    CONTENT_STAGES,
    EVENT_TYPES,
    FIT_GRADES,
    JOB_FUNCTIONS,
    NURTURE_TRACKS,
    ORGANIZATION_TYPES,
    PROGRAM_STAGES,
    ROUTING_QUEUES,
    THERAPEUTIC_AREAS,
    TIMELINES,
)

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
JobFunction = Literal[JOB_FUNCTIONS]  # type: ignore[valid-type]
OrgType = Literal[ORGANIZATION_TYPES]  # type: ignore[valid-type]
TherapeuticArea = Literal[THERAPEUTIC_AREAS]  # type: ignore[valid-type]
ProgramStage = Literal[PROGRAM_STAGES]  # type: ignore[valid-type]
Timeline = Literal[TIMELINES]  # type: ignore[valid-type]
ContentStage = Literal[CONTENT_STAGES]  # type: ignore[valid-type]
Queue = Literal[ROUTING_QUEUES]  # type: ignore[valid-type]
Track = Literal[NURTURE_TRACKS]  # type: ignore[valid-type]
Grade = Literal[FIT_GRADES]  # type: ignore[valid-type]
BuyingRole = Literal["decision_maker", "influencer", "user", "non_buyer"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Points = Annotated[int, Field(ge=-100, le=100)]
Code = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{2,60}$")]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
COMMERCIAL_QUEUES: tuple[str, ...] = ("sales", "sdr_review", "customer_success")
DAYS_PER_QUARTER = 365.25 / 4


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Request(Strict):
    """A kind of hand-raise: which events signal it and which queue answers it."""

    request: Name
    label: str
    event_types: list[EventType] = Field(min_length=1)
    topics: list[str] = []
    queue: Queue


class NurtureRule(Strict):
    track: Track
    segments: list[Name] = []
    topics: list[str] = []
    stages: list[ContentStage] = []


class Routing(Strict):
    window_days: Annotated[int, Field(ge=1, le=730)] = 120
    requests: list[Request]
    existing_customer_queue: Queue = "customer_success"
    nurture: list[NurtureRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _medical_never_commercial(self) -> Routing:
        for r in self.requests:
            if "evidence_request" in r.event_types and r.queue != "medical_affairs":
                raise ValueError(
                    f"request {r.request} routes evidence_request to {r.queue}; scientific and "
                    "evidence questions must go to medical_affairs"
                )
        if not self.nurture[-1].segments == self.nurture[-1].topics == self.nurture[-1].stages == []:
            raise ValueError("the last nurture rule must have no conditions (the default track)")
        return self


class Calendar(Strict):
    timezone: str
    workdays: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    opens: str = Field("09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field("17:00", pattern=r"^([01]\d|2[0-4]):[0-5]\d$")
    holiday_country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    holidays: list[str] = []

    @field_validator("timezone")
    @classmethod
    def _known_tz(cls, v: str) -> str:
        try:
            pd.Timestamp("2026-01-01", tz=v)
        except Exception as err:
            raise ValueError(f"unknown time zone {v!r} (use an IANA name like Europe/Berlin)") from err
        return v

    @model_validator(mode="after")
    def _opens_before_closes(self) -> Calendar:
        if self.opens >= self.closes:
            raise ValueError(f"opens {self.opens} must be before closes {self.closes}")
        return self

    @property
    def hours_per_day(self) -> float:
        (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (self.opens, self.closes))
        return (h2 * 60 + m2 - h1 * 60 - m1) / 60


class SlaTarget(Strict):
    queue: Queue
    tiers: list[str] = []
    requests: list[Name] = []
    business_hours: Annotated[float, Field(gt=0, le=2000)] | None = None
    business_days: Annotated[float, Field(gt=0, le=250)] | None = None

    @model_validator(mode="after")
    def _one_duration(self) -> SlaTarget:
        if (self.business_hours is None) == (self.business_days is None):
            raise ValueError("set exactly one of business_hours or business_days")
        return self


class Sla(Strict):
    calendars: dict[Name, Calendar] = Field(min_length=1)
    region_calendars: dict[Name, Name] = {}
    default_calendar: Name
    targets: list[SlaTarget] = Field(min_length=1)


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
