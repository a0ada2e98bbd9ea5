"""The knobs of a generated world: dirty-data rates, duplicate and system shares, the world's `as_of`.

Defaults give a world that looks like a mid-sized life-sciences company's CRMs. A YAML file may
override any subset (`mqlsync generate --config world.yaml`); unknown keys are errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mqlsync.errors import ConfigError

DEFAULT_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


class DirtyRatesConfig(BaseModel):
    """Share of CRM records (or export rows) that get each defect; see truth/defects.parquet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    malformed_email: float = Field(0.02, ge=0, le=1)
    missing_required: float = Field(0.015, ge=0, le=1)
    invalid_country: float = Field(0.01, ge=0, le=1)
    html_in_name: float = Field(0.003, ge=0, le=1)
    soql_quote: float = Field(0.004, ge=0, le=1)
    unicode: float = Field(0.01, ge=0, le=1)
    oversized: float = Field(0.003, ge=0, le=1)
    future_date: float = Field(0.003, ge=0, le=1)
    export_malformed_row: float = Field(0.003, ge=0, le=1)
    export_malformed_file: float = Field(0.01, ge=0, le=1)


class SystemsConfig(BaseModel):
    """Who lives where, and how messy the copies are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    salesforce_lead: float = Field(0.6, ge=0, le=1)
    salesforce_contact: float = Field(0.2, ge=0, le=1, description="besides customers and converted leads")
    hubspot: float = Field(0.5, ge=0, le=1)
    marketo: float = Field(0.45, ge=0, le=1, description="research tools and CRO people")
    pardot: float = Field(0.45, ge=0, le=1, description="medtech and partnering people")
    within_crm_duplicate: float = Field(0.06, ge=0, le=1)
    merged_share: float = Field(0.35, ge=0, le=1, description="of within-CRM duplicates")
    deleted_share: float = Field(0.05, ge=0, le=1, description="of within-CRM duplicates")
    cross_system_variation: float = Field(0.15, ge=0, le=1)


class WorldConfig(BaseModel):
    """Everything besides size and seed that shapes a world. Same config + seed + size = same bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: datetime = DEFAULT_AS_OF
    history_days: int = Field(730, ge=30, le=3650)
    events_per_person: float = Field(1.0, gt=0, le=10, description="multiplier on persona means")
    chunk_size: int = Field(
        50_000, ge=1_000, le=1_000_000, description="people per chunk; part of the output's identity"
    )
    workers: int = Field(2, ge=1, le=16, description="processes; output does not depend on it")
    dirty: DirtyRatesConfig = DirtyRatesConfig()
    systems: SystemsConfig = SystemsConfig()

    @field_validator("as_of")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


def load_world_config(path: Path | str | None, **overrides: object) -> WorldConfig:
    """Read a YAML override file (may be None) and apply keyword overrides on top."""
    data: dict[str, object] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise ConfigError(str(path), [f"cannot read: {err}"]) from err
        if not isinstance(loaded, dict):
            raise ConfigError(str(path), ["top level must be a mapping"])
        data.update(loaded)
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return WorldConfig.model_validate(data)
    except ValidationError as err:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()]
        raise ConfigError(str(path or "world config"), problems) from err
