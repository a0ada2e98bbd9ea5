"""The mqlsync command explains itself, and every subcommand's --help works."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from mqlsync.cli import COMMANDS, main


def test_root_help_lists_the_subcommands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "life-sciences" in result.output


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = click.Context(group)
    paths = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
    return paths


def test_every_subcommand_at_every_level_explains_itself():
    runner = CliRunner()
    paths = _command_paths(main)
    expected = {("generate",), ("demo",), ("sandbox", "serve"), ("db", "upgrade"), ("score",), ("explain",)}
    assert expected <= set(paths)
    assert ("model", "check") in paths
    for path in paths:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output, result.exception)
        usage, _, description = result.output.partition("\n\n")
        assert usage.startswith("Usage:"), path
        assert len(description.split("\n")[0].strip()) > 10, f"{' '.join(path)} --help has no description"


def test_registry_points_at_modules_in_the_package():
    assert all(target.startswith("mqlsync.") and ":" in target for target in COMMANDS.values())


def test_console_script_reports_version():
    ok = subprocess.run([sys.executable, "-m", "mqlsync.cli", "--version"], capture_output=True, text=True)
    assert ok.returncode == 0
    assert "mqlsync" in ok.stdout


def test_bad_settings_stop_any_subcommand_with_key_value_and_fix(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("state_store_url: oracle://db\n")
    subcommand = main.list_commands(None)[0]
    result = CliRunner().invoke(main, ["--config", str(cfg), subcommand, "--help"])
    assert result.exit_code == 2
    assert "ConfigError" in result.output
    assert "state_store_url: 'oracle://db'" in result.output
    assert "Traceback" not in result.output
