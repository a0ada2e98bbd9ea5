"""Model sections that send a scored person somewhere and time the answer: routing and SLA calendars."""

# Sections are pydantic models (Strict in model_vocabulary.py is a BaseModel), which copy list and
# dict defaults per instance; ruff only sees that when the BaseModel subclass is in the same file.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Annotated

import pandas as pd
from pydantic import Field, field_validator, model_validator

from mqlsync.score.model_vocabulary import ContentStage, EventType, Name, Queue, Strict, Track, Weekday

COMMERCIAL_QUEUES: tuple[str, ...] = ("sales", "sdr_review", "customer_success")


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
