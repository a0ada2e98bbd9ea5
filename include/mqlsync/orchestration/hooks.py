"""Airflow hooks for the two CRMs, and the same clients built from settings outside Airflow.

`salesforce_default` goes through the provider's `SalesforceHook` (apache-airflow-providers-salesforce):
its extras (`instance_url`, `domain`, `consumer_key`, `consumer_secret`, `security_token`, `version`…)
reach `Salesforce(...)` unchanged. Two things the provider cannot read from a connection are added
here: a `sandbox_url` extra becomes the URL-rewriting `SandboxSession` (the provider forwards
`session=`), and a `session_id` extra is passed as the hook's `session_id`. Switching between the
sandbox and a real org is therefore only a connection change.

`hubspot_default` goes through `HubSpotHook`, a small hook of ours around hubspot-api-client: the
token is the connection password, a host makes it the sandbox (`HubSpotConnectionConfig.from_connection`).

A connection that cannot work (not defined, invalid fields, refused at login) raises
`CrmConnectionError`, a terminal error naming the connection id and the fix, so the task fails at
once instead of being retried.

Outside Airflow (CLI, notebooks, tests) `salesforce_from_settings` / `hubspot_from_settings` read the
same connection from the `AIRFLOW_CONN_<ID>` environment variable (URI or JSON form), so one
definition serves both. Airflow itself is imported inside functions only.
"""

from __future__ import annotations

import json
import os
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from mqlsync.crm.hubspot import HubSpotConnection, HubSpotConnectionConfig
from mqlsync.crm.salesforce import (
    SalesforceConnectionConfig,
    SandboxSession,
    connect_salesforce,
    login_refused,
    salesforce_kwargs,
)
from mqlsync.errors import ConfigError, CrmConnectionError

if TYPE_CHECKING:
    from simple_salesforce import Salesforce

    from mqlsync.settings import Settings


def _base_hook() -> type:
    from airflow.sdk import BaseHook

    return BaseHook


def airflow_connection(conn_id: str, *, system: str) -> Any:
    """The Airflow connection `conn_id`; a missing one is a `CrmConnectionError` saying how to add it."""
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return _base_hook().get_connection(conn_id)
    except AirflowNotFoundException as err:
        raise CrmConnectionError(
            conn_id,
            ["not defined in Airflow (no connection, secrets backend entry or AIRFLOW_CONN_ variable)"],
            fix=(
                f"add connection {conn_id} (Admin > Connections, or AIRFLOW_CONN_{conn_id.upper()} as a "
                "URI or JSON; see docs/extract.md)"
            ),
            system=system,
        ) from err


def salesforce_from_airflow(conn_id: str = "salesforce_default") -> Salesforce:
    """A `Salesforce` client from an Airflow connection through the provider's SalesforceHook."""
    from airflow.providers.salesforce.hooks.salesforce import SalesforceHook
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed

    conn = airflow_connection(conn_id, system="salesforce")
    extra = dict(conn.extra_dejson or {})
    config = SalesforceConnectionConfig.from_connection(
        host=conn.host, login=conn.login, password=conn.password, extra=extra, conn_id=conn_id
    )  # validates the connection and tells a sandbox from a real org
    salesforce_kwargs(config)  # no usable auth: CrmConnectionError before the provider guesses
    session = SandboxSession(config.sandbox_url) if config.sandbox_url else None
    session_id = config.session_id.get_secret_value() if config.session_id else None
    hook = SalesforceHook(salesforce_conn_id=conn_id, session_id=session_id, session=session)
    try:
        return hook.get_conn()
    except SalesforceAuthenticationFailed as err:
        raise login_refused(conn_id, err) from err


def _make_hubspot_hook() -> type:
    base = _base_hook()

    class HubSpotHook(base):  # type: ignore[misc, valid-type]
        """`HubSpotHook().get_conn()` -> a `HubSpotConnection` for `hubspot_default`."""

        conn_name_attr = "hubspot_conn_id"
        default_conn_name = "hubspot_default"
        conn_type = "hubspot"
        hook_name = "HubSpot"

        def __init__(self, hubspot_conn_id: str = default_conn_name, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.hubspot_conn_id = hubspot_conn_id
            self._conn: HubSpotConnection | None = None

        def get_conn(self) -> HubSpotConnection:
            if self._conn is None:
                connection = airflow_connection(self.hubspot_conn_id, system="hubspot")
                self._conn = HubSpotConnection(HubSpotConnectionConfig.from_connection(connection))
            return self._conn

        @classmethod
        def get_ui_field_behaviour(cls) -> dict[str, Any]:
            return {
                "hidden_fields": ["login", "schema"],
                "relabeling": {
                    "password": "Private app token",
                    "host": "Sandbox host (empty: api.hubapi.com)",
                },
            }

    return HubSpotHook


def __getattr__(name: str) -> Any:
    """`HubSpotHook` is built on first use, so importing this module never imports Airflow."""
    if name == "HubSpotHook":
        hook = _make_hubspot_hook()
        globals()["HubSpotHook"] = hook
        return hook
    raise AttributeError(name)


# ---- outside Airflow -----------------------------------------------------------------------------
def connection_from_env(conn_id: str, environ: dict[str, str] | None = None) -> SimpleNamespace:
    """The `AIRFLOW_CONN_<ID>` variable (URI or JSON) as an object shaped like an Airflow Connection."""
    environ = dict(os.environ) if environ is None else environ
    key = f"AIRFLOW_CONN_{conn_id.upper()}"
    raw = environ.get(key)
    if not raw:
        raise ConfigError(
            key, [f"not set; define connection {conn_id} as a URI or JSON (see docs/extract.md)"]
        )
    if raw.lstrip().startswith("{"):
        values = json.loads(raw)
        extra = values.get("extra") or {}
        extra = json.loads(extra) if isinstance(extra, str) else extra
        return SimpleNamespace(
            conn_id=conn_id,
            conn_type=values.get("conn_type"),
            host=values.get("host"),
            port=values.get("port"),
            login=values.get("login"),
            password=values.get("password"),
            extra_dejson=extra,
        )
    parts = urlsplit(raw)
    query = dict(parse_qsl(parts.query))
    extra = json.loads(query.pop("__extra__")) if "__extra__" in query else query
    return SimpleNamespace(
        conn_id=conn_id,
        conn_type=parts.scheme.replace("-", "_"),
        host=unquote(parts.hostname) if parts.hostname else None,
        port=parts.port,
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        extra_dejson=extra,
    )


def salesforce_from_settings(
    settings: Settings | None = None, *, environ: dict[str, str] | None = None
) -> Salesforce:
    """The Salesforce client for `settings.salesforce_conn_id`, without Airflow."""
    from mqlsync.settings import get_settings

    settings = settings or get_settings()
    conn = connection_from_env(settings.salesforce_conn_id, environ)
    config = SalesforceConnectionConfig.from_connection(
        host=conn.host,
        login=conn.login,
        password=conn.password,
        extra=conn.extra_dejson,
        conn_id=settings.salesforce_conn_id,
    )
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed

    try:
        return connect_salesforce(config)
    except SalesforceAuthenticationFailed as err:
        raise login_refused(config.conn_id, err) from err


def hubspot_from_settings(
    settings: Settings | None = None, *, environ: dict[str, str] | None = None
) -> HubSpotConnection:
    """The HubSpot connection for `settings.hubspot_conn_id`, without Airflow."""
    from mqlsync.settings import get_settings

    settings = settings or get_settings()
    return HubSpotConnection(
        HubSpotConnectionConfig.from_connection(connection_from_env(settings.hubspot_conn_id, environ))
    )
