"""The mqlsync command explains itself, and every subcommand's --help works."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from mqlsync.cli import COMMANDS, main


def test_root_help_lists_the_subcommands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "life-sciences" in result.output


def test_every_registered_subcommand_has_help():
    runner = CliRunner()
    listed = main.list_commands(None)
    assert listed, "no subcommands registered"
    for name in listed:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output, result.exception)
        assert "Usage:" in result.output


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
