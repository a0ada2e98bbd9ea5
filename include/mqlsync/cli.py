"""The `mqlsync` command. Subcommands live next to their stage and load lazily, so `--help` is fast."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from mqlsync import __version__

# name -> "module:attribute". A stage adds its command here; the module is imported only when used.
COMMANDS: dict[str, str] = {
    "demo": "mqlsync.orchestration.demo:demo",
    "generate": "mqlsync.generate.command:generate",
    "sandbox": "mqlsync.sandbox.command:sandbox",
    "db": "mqlsync.store.command:db",
    "quarantine": "mqlsync.store.command:quarantine",
    "score": "mqlsync.score.command:score",
    "explain": "mqlsync.score.command:explain",
    "model": "mqlsync.score.command:model",
    "validate": "mqlsync.validate.command:validate",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module on first use; lists only commands whose module exists."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        present = [n for n, target in COMMANDS.items() if _module_exists(target.partition(":")[0])]
        return sorted(set(present) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target.partition(":")[0]):
            return super().get_command(ctx, cmd_name)
        module_name, _, attr = target.partition(":")
        command: Any = getattr(importlib.import_module(module_name), attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Terminal errors (bad config, failed gates) print their plain message and exit 2, no traceback."""
        from mqlsync.errors import TerminalError

        try:
            return super().invoke(ctx)
        except TerminalError as err:
            click.echo(f"{type(err).__name__}: {err}", err=True)
            ctx.exit(2)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mqlsync")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="MQLSYNC_CONFIG",
    help="YAML settings file (also MQLSYNC_CONFIG); environment variables MQLSYNC_* override it.",
)
@click.option("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (default from settings).")
@click.pass_context
def main(ctx: click.Context, config: str | None, log_level: str | None) -> None:
    """mqlsync: turn raw life-sciences leads into qualified, routed, explained MQLs.

    Each subcommand's --help explains it. Settings come from MQLSYNC_* environment variables and an
    optional YAML file (--config).
    """
    from mqlsync.log import configure_logging
    from mqlsync.settings import load_settings

    settings = load_settings(config, log_level=log_level)
    configure_logging(settings.log_level)
    ctx.obj = settings


if __name__ == "__main__":
    main()
