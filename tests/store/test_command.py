"""`mqlsync db upgrade | current | downgrade` against both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mqlsync.cli import main
from mqlsync.settings import load_settings
from mqlsync.store.command import db
from mqlsync.store.migrate import head_revision


def test_db_help_explains_every_subcommand() -> None:
    result = CliRunner().invoke(db, ["--help"])
    assert result.exit_code == 0
    for name in ("upgrade", "current", "downgrade"):
        assert name in result.output
    for name in ("upgrade", "current", "downgrade"):
        sub = CliRunner().invoke(db, [name, "--help"])
        assert sub.exit_code == 0
        assert "--url" in sub.output


def test_db_upgrade_current_downgrade_round_trip(store_url: str) -> None:
    runner = CliRunner()
    obj = load_settings(environ={}, state_store_url=store_url)
    behind = runner.invoke(db, ["current"], obj=obj)
    assert behind.exit_code == 1
    assert "empty" in behind.output
    up = runner.invoke(db, ["upgrade"], obj=obj)
    assert up.exit_code == 0, up.output
    assert f"empty -> {head_revision()}" in up.output
    current = runner.invoke(db, ["current"], obj=obj)
    assert (current.exit_code, "up to date" in current.output) == (0, True)
    down = runner.invoke(db, ["downgrade", "base", "--yes"], obj=obj)
    assert down.exit_code == 0, down.output
    assert down.output.strip().endswith("-> empty")


def test_downgrade_asks_before_dropping_data(store_url: str) -> None:
    obj = load_settings(environ={}, state_store_url=store_url)
    CliRunner().invoke(db, ["upgrade"], obj=obj)
    refused = CliRunner().invoke(db, ["downgrade", "base"], obj=obj, input="n\n")
    assert refused.exit_code == 1
    assert CliRunner().invoke(db, ["current"], obj=obj).exit_code == 0


def test_root_cli_reads_the_store_url_from_the_environment(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MQLSYNC_STATE_STORE_URL", store_url)
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    current = CliRunner().invoke(main, ["db", "current"])
    assert current.exit_code == 0, current.output
    assert "up to date" in current.output


def test_root_cli_upgrades_the_default_store_under_data_dir(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default store is SQLite by definition, so this one runs on SQLite only."""
    monkeypatch.setenv("MQLSYNC_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (data_dir / "mqlsync.db").exists()
