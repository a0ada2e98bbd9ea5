"""One frozen settings object, read from environment (MQLSYNC_*) and an optional YAML file.

Precedence: explicit overrides > environment > YAML file > defaults. A bad value fails at start with
a ConfigError that names the file or variable, the key, the value seen and the fix.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mqlsync.errors import ConfigError

ENV_PREFIX = "MQLSYNC_"
CONFIG_ENV = "MQLSYNC_CONFIG"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_PATH = PROJECT_ROOT / "include" / "models" / "life_sciences.yaml"
DEFAULT_TAXONOMY_PATH = PROJECT_ROOT / "include" / "models" / "content_taxonomy.yaml"


class Settings(BaseModel):
    """Runtime settings shared by the CLI, the DAGs and the tests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(default=Path("data"), description="runs, landing, reports, the SQLite store")
    state_store_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/mqlsync.db"
    )
    salesforce_conn_id: str = "salesforce_default"
    hubspot_conn_id: str = "hubspot_default"
    model_path: Path = DEFAULT_MODEL_PATH
    taxonomy_path: Path = DEFAULT_TAXONOMY_PATH
    expectations_dir: Path = Field(
        default=PROJECT_ROOT / "expectations",
        description="the validation suites (GX suite JSON, one file per suite)",
    )
    exports_dir: Path | None = Field(
        default=None,
        description="landing folder of Marketo/Account Engagement CSVs; default <data_dir>/exports",
    )
    extract_lookback_minutes: int = Field(default=15, ge=0, le=7 * 24 * 60)
    salesforce_budget_share: float = Field(default=0.5, gt=0, le=1, description="of the daily API allocation")
    hubspot_budget_share: float = Field(default=0.5, gt=0, le=1, description="of the daily API limit")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("state_store_url")
    @classmethod
    def _known_backend(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.startswith(("sqlite", "postgres")):
            raise ValueError("use a sqlite:/// or postgresql+psycopg:// URL")
        return v

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

    @property
    def exports_folder(self) -> Path:
        return self.exports_dir if self.exports_dir is not None else self.data_dir / "exports"

    @property
    def store_url(self) -> str:
        """The state-store URL, with the SQLite default resolved under data_dir."""
        if self.state_store_url:
            return self.state_store_url
        return f"sqlite:///{(self.data_dir / 'mqlsync.db').resolve()}"


_FIXES = {
    "extra_forbidden": "unknown key; the keys are: " + ", ".join(Settings.model_fields),
    "literal_error": "use one of the values listed",
}


def _env_values(environ: dict[str, str]) -> dict[str, str]:
    keys = {f"{ENV_PREFIX}{name.upper()}": name for name in Settings.model_fields}
    return {keys[k]: v for k, v in environ.items() if k in keys}


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(str(path), [f"file not found (set {CONFIG_ENV} to an existing file)"]) from err
    except yaml.YAMLError as err:
        raise ConfigError(str(path), [f"not valid YAML: {err}"]) from err
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(str(path), ["top level must be a mapping of setting: value"])
    return loaded


def load_settings(
    config_file: Path | str | None = None,
    *,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings; every problem across file, environment and overrides is reported at once."""
    environ = dict(os.environ) if environ is None else environ
    path = Path(config_file) if config_file else None
    if path is None and environ.get(CONFIG_ENV):
        path = Path(environ[CONFIG_ENV])
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if path is not None:
        for k, v in _read_yaml(path).items():
            values[str(k)] = v
            origin[str(k)] = str(path)
    for k, v in _env_values(environ).items():
        values[k] = v
        origin[k] = f"environment variable {ENV_PREFIX}{k.upper()}"
    for k, v in overrides.items():
        if v is not None:
            values[k] = v
            origin[k] = "argument"
    try:
        return Settings(**values)
    except ValidationError as err:
        problems = []
        sources = set()
        for e in err.errors():
            key = ".".join(str(p) for p in e["loc"])
            top = str(e["loc"][0]) if e["loc"] else key
            sources.add(origin.get(top, "settings"))
            fix = _FIXES.get(e["type"], e["msg"])
            problems.append(f"{key}: {e.get('input')!r} is invalid ({e['msg']}); fix: {fix}")
        raise ConfigError(" / ".join(sorted(sources)), problems) from err


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings from the environment; tests call load_settings directly."""
    return load_settings()
