"""The closed vocabularies a model file may name, and the strict base every model section extends.

Most value sets come from `mqlsync.schemas`, so a model can only name event types, queues, grades and
the like that the canonical tables hold. Sections forbid unknown keys and are frozen once validated.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
