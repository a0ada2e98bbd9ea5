"""`mqlsync sandbox serve`: both CRM emulators on 127.0.0.1, loaded with a generated world."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mqlsync.sandbox.faults import PROFILES

if TYPE_CHECKING:
    from mqlsync.sandbox.server import SandboxPair


@click.group()
def sandbox() -> None:
    """The local Salesforce and HubSpot emulators (see docs/sandbox.md)."""


@sandbox.command()
@click.option("--people", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind; 0.0.0.0 inside a container (docker-compose), never on a shared host.",
)
@click.option("--salesforce-port", type=click.IntRange(0, 65535), default=8801, show_default=True)
@click.option("--hubspot-port", type=click.IntRange(0, 65535), default=8802, show_default=True)
@click.option("--faults", type=click.Choice(PROFILES), default="none", show_default=True)
@click.option(
    "--hubspot-tier", type=click.Choice(["starter", "professional", "enterprise"]), default="professional"
)
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="World directory; generated there when missing (default: <data_dir>/sandbox/world-<people>-<seed>).",
)
@click.option(
    "--admin/--no-admin",
    default=True,
    show_default=True,
    help="Serve the /__admin__ inspection endpoints (tests and benchmarks; never in production).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    people: int,
    seed: int,
    host: str,
    salesforce_port: int,
    hubspot_port: int,
    faults: str,
    hubspot_tier: str,
    data: Path | None,
    admin: bool,
) -> None:
    """Start both emulators and print how to connect; Ctrl-C stops them."""
    from mqlsync.sandbox.server import serve_both
    from mqlsync.sandbox.world import ensure_world

    settings = ctx.obj
    if data is None:
        base = Path(getattr(settings, "data_dir", Path("data")))
        data = base / "sandbox" / f"world-{people}-{seed}"
    click.echo(f"world: {data} ({people} people, seed {seed})")
    world = ensure_world(data, people=people, seed=seed)
    with serve_both(
        world,
        host=host,
        salesforce_port=salesforce_port,
        hubspot_port=hubspot_port,
        faults=faults,
        seed=seed,
        hubspot_tier=hubspot_tier,
        admin=admin,
    ) as pair:
        click.echo(connection_banner(pair, faults=faults, admin=admin))
        try:
            pair.salesforce.wait()
        except KeyboardInterrupt:
            click.echo("stopping")


def connection_banner(pair: SandboxPair, *, faults: str, admin: bool) -> str:
    """What a person needs to connect the real clients, as copy-pasteable text."""
    from mqlsync.sandbox.salesforce.auth import SandboxCredentials

    sf, hs = pair.salesforce, pair.hubspot
    sf_token, hs_token = pair.salesforce_token, pair.hubspot_token
    creds = SandboxCredentials()
    lines = [
        f"Salesforce emulator (API v59.0): {sf.url}",
        f"  session id: {sf_token}",
        "  simple-salesforce: Salesforce(instance_url='https://sandbox.my.salesforce.com',",
        f"      session_id='{sf_token}', session=SandboxSession('{sf.url}'))",
        "      (SandboxSession is mqlsync.crm.salesforce.SandboxSession; or use connect_salesforce)",
        f"  OAuth client credentials: consumer_key={creds.consumer_key} consumer_secret={creds.consumer_secret}",
        f"  OAuth/SOAP password: username={creds.username} password={creds.password}",
    ]
    lines += [
        f"HubSpot emulator (CRM v3): {hs.url}",
        f"  private-app token: {hs_token}",
        f"  hubspot-api-client: HubSpot(access_token='{hs_token}', host='{hs.url}')",
    ]
    lines.append("Airflow connections (environment variables; a real org needs only these two changed):")
    lines += [f"  {key}='{value}'" for key, value in pair.airflow_connections().items()]
    lines.append(f"faults: {faults}")
    if admin:
        lines.append(f"admin endpoints ON: {sf.url}/__admin__/calls, {hs.url}/__admin__/calls")
    else:
        lines.append("admin endpoints off")
    return "\n".join(lines)
