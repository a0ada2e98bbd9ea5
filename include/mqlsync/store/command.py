"""`mqlsync db`: create, upgrade, inspect and roll back the state store's schema."""

from __future__ import annotations

import click

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
