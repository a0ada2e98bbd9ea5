"""`mqlsync validate`: check people and events files against the suites before loading them.

Files in (CSV or Parquet, by extension), a folder out: `people.parquet` and `events.parquet` (the
accepted rows, only when every gate passed), `quarantine.parquet`, `results.parquet` and
`data_docs/index.html`. A failed gate exits 2 with one line per failure; a bad argument is one line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from mqlsync.errors import ConfigError


class OneLineUsage(click.Command):
    """A bad or missing argument is one line on stderr and exit 2 (no usage block, no traceback)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            click.echo(f"Error: {err.format_message()} (see mqlsync validate --help)", err=True)
            ctx.exit(2)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(2)


def read_input(path: Path, table: str) -> Any:
    """A people or events file as a frame in the contract's dtypes where they parse (timestamps,
    booleans, counts); values that do not parse become null and the suites judge the rest."""
    import pandas as pd

    from mqlsync.extract.normalize.cleaning import parse_bools, parse_counts, parse_timestamps
    from mqlsync.schemas import CONTRACTS

    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".csv", ".txt"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        else:
            _fail(f"--{table} {path}: unknown format {suffix!r}; use .csv or .parquet")
    except (OSError, ValueError) as err:
        _fail(f"--{table} {path}: cannot be read ({type(err).__name__}: {str(err).splitlines()[0]})")
    import pyarrow as pa

    for col in CONTRACTS[table].columns:
        if col.name not in frame.columns:
            continue
        if pa.types.is_timestamp(col.type):
            frame[col.name] = parse_timestamps(frame[col.name])[0]
        elif pa.types.is_boolean(col.type):
            frame[col.name] = parse_bools(frame[col.name])
        elif pa.types.is_integer(col.type):
            frame[col.name] = parse_counts(frame[col.name])[0]
        else:
            frame[col.name] = frame[col.name].astype("string")
    return frame


def _as_of(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"--as-of {value!r} is not an ISO time; use e.g. 2026-11-21T10:00:00Z")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.command(cls=OneLineUsage)
@click.option(
    "--people", "people_path", type=click.Path(path_type=Path), help="People file (.csv or .parquet)."
)
@click.option(
    "--events", "events_path", type=click.Path(path_type=Path), help="Events file (.csv or .parquet)."
)
@click.option(
    "--suites",
    "suites_dir",
    type=click.Path(path_type=Path),
    help="Suite folder (default: expectations_dir).",
)
@click.option("--as-of", "as_of", help="Validation time, ISO 8601 (default: now, UTC).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.pass_context
def validate(
    ctx: click.Context,
    people_path: Path | None,
    events_path: Path | None,
    suites_dir: Path | None,
    as_of: str | None,
    out_dir: Path,
) -> None:
    """Validate people and events files with the suites in expectations/.

    Writes quarantine.parquet, results.parquet and data_docs/index.html under --out, and the
    accepted people.parquet / events.parquet when every gate passed. Exits 2 when a gate fails.
    """
    if people_path is None and events_path is None:
        _fail("give --people, --events or both")
    for flag, path in (("--people", people_path), ("--events", events_path)):
        if path is not None and not path.is_file():
            _fail(f"{flag} {path}: file not found")
    when = _as_of(as_of)
    settings = ctx.obj
    folder = suites_dir or (settings.expectations_dir if settings is not None else None)
    if folder is None:
        from mqlsync.settings import load_settings

        folder = load_settings().expectations_dir
    from mqlsync.validate import check_gates, load_suites, validate_tables, write_data_docs

    try:
        suites = load_suites(folder)
    except ConfigError:
        raise
    tables = {}
    if people_path is not None:
        tables["people"] = read_input(people_path, "people")
    if events_path is not None:
        tables["events"] = read_input(events_path, "events")
    validation = validate_tables(tables, suites, as_of=when)
    out_dir.mkdir(parents=True, exist_ok=True)
    validation.quarantined.to_parquet(out_dir / "quarantine.parquet", index=False)
    validation.results.to_parquet(out_dir / "results.parquet", index=False)
    index = write_data_docs(validation, out_dir / "data_docs")
    check_gates(validation, details=index)
    for name, frame in validation.accepted.items():
        frame.to_parquet(out_dir / f"{name}.parquet", index=False)
    counts = ", ".join(f"{name} {len(frame):,} accepted" for name, frame in validation.accepted.items())
    click.echo(f"gates passed: {counts}, {len(validation.quarantined):,} quarantined; data docs: {index}")
