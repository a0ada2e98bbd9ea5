"""`mqlsync db`: create, upgrade, inspect and roll back the state store's schema; `mqlsync quarantine
list`: what the store holds in quarantine, for a person to read (emails masked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import pandas as pd

URL_OPTION = click.option(
    "--url",
    default=None,
    help="State-store URL (default: settings state_store_url, else sqlite:///<data_dir>/mqlsync.db).",
)


def _url(ctx: click.Context, url: str | None) -> str:
    if url:
        return url
    settings = ctx.find_root().obj  # the root `mqlsync` command puts Settings there
    if settings is None:
        from mqlsync.settings import load_settings

        settings = load_settings()
    return str(settings.store_url)


def _shown(url: str) -> str:
    from mqlsync.store.engine import normalize_url

    return normalize_url(url).render_as_string(hide_password=True)


@click.group()
def db() -> None:
    """Manage the state store's schema (watermarks, people, events, scores, sync ledger, runs…).

    The store is SQLite under the data directory unless MQLSYNC_STATE_STORE_URL names a
    postgresql:// database. Migrations ship inside mqlsync; no alembic.ini is needed.
    """


@db.command(short_help="Create the store or migrate it to the newest schema (safe to rerun).")
@URL_OPTION
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.pass_context
def upgrade(ctx: click.Context, url: str | None, revision: str) -> None:
    """Create the store or migrate it forward to REVISION (default: the newest). Safe to rerun."""
    from mqlsync.store.migrate import store_revision, upgrade_store

    target = _url(ctx, url)
    before = store_revision(target)
    after = upgrade_store(target, revision)
    click.echo(f"{_shown(target)}: {before or 'empty'} -> {after}")


@db.command(short_help="Show the store's schema revision; exit 1 if it is behind.")
@URL_OPTION
@click.pass_context
def current(ctx: click.Context, url: str | None) -> None:
    """Print the store's revision and whether it is the newest this mqlsync ships (exit 1 if not)."""
    from mqlsync.store.migrate import head_revision, store_revision

    target = _url(ctx, url)
    revision = store_revision(target)
    head = head_revision()
    state = "up to date" if revision == head else f"behind: run `mqlsync db upgrade` to reach {head}"
    click.echo(f"{_shown(target)}: {revision or 'empty'} ({state})")
    if revision != head:
        ctx.exit(1)


@db.command(short_help="Roll the schema back to REVISION (asks first; data in dropped tables is lost).")
@URL_OPTION
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def downgrade(ctx: click.Context, url: str | None, revision: str, yes: bool) -> None:
    """Migrate the store back to REVISION (`-1` for one step, `base` drops every table and its data)."""
    from mqlsync.store.migrate import downgrade_store, store_revision

    target = _url(ctx, url)
    before = store_revision(target)
    if not yes:
        click.confirm(
            f"Downgrade {_shown(target)} from {before} to {revision}? Data in dropped tables is lost",
            abort=True,
        )
    after = downgrade_store(target, revision)
    click.echo(f"{_shown(target)}: {before or 'empty'} -> {after or 'empty'}")


# -- mqlsync quarantine ------------------------------------------------------------------------------

TABLE_LIMIT = 100
"""Entries `quarantine list` prints as a table unless --limit says otherwise (CSV prints all)."""
_REASON_WIDTH = 80


@click.group()
def quarantine() -> None:
    """Inspect the rows the pipeline could not accept: which record, which check, why, since when.

    One entry per stage, table, record and check, however many runs raised it; an entry is open
    until a run checks the record again and it passes. Emails are masked in everything printed.
    """


def _missing_store(target: str) -> str | None:
    """Why `target` has no readable quarantine (never creates a store), or None."""
    import sqlalchemy as sa

    from mqlsync.store.engine import create_store_engine, normalize_url
    from mqlsync.store.migrate import head_revision, store_revision

    url = normalize_url(target)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        from pathlib import Path

        if not Path(url.database).expanduser().is_file():
            return f"no state store at {_shown(target)}; run `mqlsync db upgrade` or a pipeline run first"
    try:
        revision = store_revision(create_store_engine(target, poolclass=sa.pool.NullPool))
    except sa.exc.OperationalError as err:
        return f"cannot open the state store at {_shown(target)}: {type(err.orig).__name__}"
    if revision is None:
        return f"no state store at {_shown(target)}; run `mqlsync db upgrade` or a pipeline run first"
    if revision != head_revision():
        return f"the state store at {_shown(target)} is at {revision}; run `mqlsync db upgrade` (to {head_revision()})"
    return None


def _check_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from mqlsync.store.quarantine import CHECK_CODE

    if value is None:
        return None
    if not CHECK_CODE.fullmatch(value.upper()):
        raise click.BadParameter(f"{value!r} is not a check code (upper-case letters, digits, _)")
    return value.upper()


def _fail(message: str) -> None:
    """One line on stderr, exit 2 (click's usage errors print usage and a hint too)."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


class _OneLineErrors(click.Command):
    """A bad argument prints one line and exits 2 (click would add the usage and a hint)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as err:
            _fail(err.format_message())
            raise


def _printable(series: pd.Series) -> pd.Series:
    """Masked text on one line: emails and secrets masked, control and bidi characters as spaces."""
    from mqlsync.extract.normalize.cleaning import clean_text
    from mqlsync.log import redact

    text, _ = clean_text(series.astype("string").fillna(""))
    return text.fillna("").map(redact)


@quarantine.command("list", cls=_OneLineErrors, short_help="List quarantine entries, open ones first.")
@URL_OPTION
@click.option("--open", "open_only", is_flag=True, help="Only entries that are still open.")
@click.option("--check", callback=_check_code, help="Only this check code, e.g. MALFORMED_TIMESTAMP.")
@click.option("--table", "table_name", help="Only this table (people, events, exports, ...).")
@click.option("--stage", help="Only this stage (normalize, validate, resolve, ...).")
@click.option("--run", "run_id", help="Only entries first or last seen in this run.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="A table for reading, or CSV on stdout with the row snapshot as JSON.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help=f"Most entries to show (default {TABLE_LIMIT} for a table, all for CSV; 0 = all).",
)
@click.pass_context
def list_entries(
    ctx: click.Context,
    url: str | None,
    open_only: bool,
    check: str | None,
    table_name: str | None,
    stage: str | None,
    run_id: str | None,
    fmt: str,
    limit: int | None,
) -> None:
    """List quarantine entries, open ones first: table, record id, check, reason, first and last
    seen run, and how many runs saw it. Never prints a full email address."""
    import json

    from mqlsync.log import redact
    from mqlsync.schemas import QUARANTINE_STAGES
    from mqlsync.store.engine import create_store_engine
    from mqlsync.store.quarantine import read_quarantine

    if stage is not None and stage not in QUARANTINE_STAGES:
        _fail(f"--stage {stage!r} is not a stage; use one of {', '.join(QUARANTINE_STAGES)}")
    target = _url(ctx, url)
    problem = _missing_store(target)
    if problem:
        _fail(problem)
    engine = create_store_engine(target)
    try:
        with engine.connect() as conn:
            entries = read_quarantine(
                conn, open_only=open_only, check=check, table_name=table_name, stage=stage, run_id=run_id
            )
            total = len(entries) if not entries.empty else len(read_quarantine(conn))
    finally:
        engine.dispose()
    if entries.empty:
        filters = {
            "--open": open_only or None,
            "--check": check,
            "--table": table_name,
            "--stage": stage,
            "--run": run_id,
        }
        given = " ".join(k if v is True else f"{k} {v}" for k, v in filters.items() if v)
        click.echo(
            "the quarantine is empty"
            if total == 0
            else f"no quarantine entries match {given} ({total:,} in all)"
        )
        return
    shown = limit if limit else (TABLE_LIMIT if fmt == "table" and limit is None else len(entries))
    page = entries.head(shown)
    if fmt == "csv":
        out = page[
            [
                "status",
                "stage",
                "table_name",
                "record_id",
                "check",
                "reason",
                "first_seen_run",
                "last_seen_run",
                "times_seen",
            ]
        ].copy()
        for name in ("table_name", "record_id", "reason"):
            out[name] = _printable(out[name])
        snapshots = page["row"].map(lambda r: None if r is None else json.dumps(r, ensure_ascii=False))
        out["row"] = snapshots.astype("string").fillna("").map(redact)
        click.echo(out.to_csv(index=False), nl=False)
        return
    reason = _printable(page["reason"])
    reason = reason.where(reason.str.len() <= _REASON_WIDTH, reason.str.slice(0, _REASON_WIDTH - 1) + "…")
    table = {
        "status": page["status"].astype(str),
        "table": _printable(page["table_name"]),
        "record id": _printable(page["record_id"]).replace("", "-"),  # no id: keyed by snapshot
        "check": page["check"].astype(str),
        "first seen": page["first_seen_run"].astype(str),
        "last seen": page["last_seen_run"].astype(str),
        "runs": page["times_seen"].astype(str),
        "reason": reason,
    }
    widths = {k: max(len(k), *(len(v) for v in col)) for k, col in table.items()}
    click.echo("  ".join(k.ljust(widths[k]) for k in table).rstrip())
    for i in range(len(page)):
        click.echo("  ".join(str(table[k].iloc[i]).ljust(widths[k]) for k in table).rstrip())
    open_count = int((entries["status"] == "open").sum())
    more = f"; showing {len(page):,} (--limit 0 for all)" if len(page) < len(entries) else ""
    noun = "entry" if len(entries) == 1 else "entries"
    click.echo(f"{len(entries):,} {noun}, {open_count:,} open{more}")
