"""WorldConfig: defaults, YAML overrides, every problem reported at once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mqlsync.errors import ConfigError
from mqlsync.generate.config import DEFAULT_AS_OF, WorldConfig, load_world_config


def test_defaults_put_the_world_at_its_documented_as_of() -> None:
    assert WorldConfig().as_of == DEFAULT_AS_OF == datetime(2026, 11, 1, tzinfo=UTC)


def test_yaml_overrides_nested_rates_and_keyword_overrides_win(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    path.write_text("dirty:\n  malformed_email: 0.2\nworkers: 1\n", encoding="utf-8")
    cfg = load_world_config(path, workers=3, as_of=datetime(2025, 1, 1))
    assert cfg.dirty.malformed_email == 0.2
    assert cfg.dirty.unicode == WorldConfig().dirty.unicode
    assert cfg.workers == 3
    assert cfg.as_of == datetime(2025, 1, 1, tzinfo=UTC)


def test_bad_yaml_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    path.write_text("dirty:\n  malformed_email: 2\nchunk_sise: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_world_config(path)
    assert len(err.value.problems) == 2
    assert "dirty.malformed_email" in str(err.value)
    assert "chunk_sise" in str(err.value)
