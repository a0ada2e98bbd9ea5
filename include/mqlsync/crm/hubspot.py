"""Build a real `hubspot.HubSpot` client for a real portal or for the local sandbox.

hubspot-api-client 12 takes `host=` and applies it to every sub-package's configuration, so the
sandbox is reached with no patching: switching between `https://api.hubapi.com` and
`http://127.0.0.1:<port>` is only `HubSpotConnectionConfig.host`. What the README example gets
wrong is retries: `Retry(status_forcelist=(429,))` never retries POST, so search and every batch
call would fail on the first 429. `retry_policy` retries 429 and 5xx on every method, honours
Retry-After, and retries a connection dropped mid-page.

Two things urllib3 cannot do are handled by `HubSpotConnection.call`: an expired token (401
EXPIRED_AUTHENTICATION: get a fresh token and rebuild the client) and translating the client's many
`ApiException` classes into mqlsync's `CrmTransientError` / `CrmTerminalError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

import hubspot
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from mqlsync.errors import CrmError, CrmTerminalError, CrmTransientError

DEFAULT_HOST = "https://api.hubapi.com"
RETRY_STATUSES = (429, 500, 502, 503, 504)
T = TypeVar("T")


class HubSpotConnectionConfig(BaseModel):
    """How to reach one HubSpot portal with a private-app token (or an OAuth access token)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    access_token: SecretStr
    host: str = DEFAULT_HOST
    retries: int = Field(default=5, ge=0, le=20)
    backoff_factor: float = Field(default=1.0, ge=0)
    backoff_max: float = Field(default=60.0, gt=0)
    verify_ssl: bool = True
    ssl_ca_cert: str | None = None
    reauth_attempts: int = Field(default=2, ge=0, le=10)

    @field_validator("host")
    @classmethod
    def _scheme_and_no_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("host must start with http:// or https://, e.g. https://api.hubapi.com")
        return v.rstrip("/")

    @property
    def is_sandbox(self) -> bool:
        return self.host != DEFAULT_HOST

    @classmethod
    def from_connection(cls, conn: Any) -> HubSpotConnectionConfig:
        """From an Airflow Connection: the token is the password; a host makes it the sandbox.

        `http://:<token>@127.0.0.1:8802` -> the sandbox over plain HTTP; `hubspot://:<token>@` (no
        host) -> the real portal. Extras may set `retries`, `backoff_factor`, `verify_ssl`.
        """
        extra = dict(getattr(conn, "extra_dejson", None) or {})
        host = DEFAULT_HOST
        if getattr(conn, "host", None):
            scheme = "http" if getattr(conn, "conn_type", "") == "http" else "https"
            port = f":{conn.port}" if getattr(conn, "port", None) else ""
            host = f"{scheme}://{conn.host}{port}"
        known = {
            k: extra[k]
            for k in ("retries", "backoff_factor", "backoff_max", "verify_ssl", "ssl_ca_cert")
            if k in extra
        }
        return cls(
            access_token=conn.password or extra.get("access_token", ""), host=extra.get("host", host), **known
        )


def retry_policy(config: HubSpotConnectionConfig) -> Retry:
    """429 and 5xx on every method (POST search and batch included), Retry-After honoured."""
    return Retry(
        total=config.retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,
        backoff_factor=config.backoff_factor,
        backoff_max=config.backoff_max,
        respect_retry_after_header=True,
        raise_on_status=True,
    )


def connect_hubspot(config: HubSpotConnectionConfig) -> hubspot.HubSpot:
    """The real client for `config.host`; nothing else differs between sandbox and portal."""
    kwargs: dict[str, Any] = {
        "access_token": config.access_token.get_secret_value(),
        "host": config.host,
        "base_url": config.host,  # `api_request` reads this key, not `host`
        "retry": retry_policy(config),
    }
    if not config.verify_ssl:
        kwargs["verify_ssl"] = False
    if config.ssl_ca_cert:
        kwargs["ssl_ca_cert"] = config.ssl_ca_cert
    return hubspot.HubSpot(**kwargs)


def error_details(err: BaseException) -> tuple[int | None, dict[str, Any]]:
    """The HTTP status and parsed JSON body of any sub-package's ApiException (they share no base)."""
    status = getattr(err, "status", None)
    try:
        body = json.loads(getattr(err, "body", None) or "{}")
    except (TypeError, ValueError):
        body = {}
    return status, body if isinstance(body, dict) else {}


def is_expired_session(err: BaseException) -> bool:
    status, body = error_details(err)
    return status == 401 and body.get("category") == "EXPIRED_AUTHENTICATION"


def translate_error(err: BaseException, *, object_name: str | None = None) -> CrmError:
    """mqlsync's error for a client failure: transient when waiting may help, terminal otherwise."""
    if isinstance(err, MaxRetryError | Urllib3Error):
        return CrmTransientError(
            f"HubSpot call failed after retries: {type(err).__name__}", system="hubspot", object=object_name
        )
    status, body = error_details(err)
    code = body.get("category") or body.get("errorType")
    message = f"HubSpot answered {status} {code or ''}: {body.get('message', '')}".strip()
    if status in RETRY_STATUSES or is_expired_session(err):
        return CrmTransientError(message, system="hubspot", object=object_name, status=status, code=code)
    return CrmTerminalError(message, system="hubspot", object=object_name, status=status, code=code)


class HubSpotConnection:
    """One portal connection: the client and its API objects built once, calls with re-auth.

    Each `client.crm.contacts.basic_api` access builds a new ApiClient and connection pool, so the
    API objects are cached here. `token_provider` returns a fresh access token after a 401
    EXPIRED_AUTHENTICATION (OAuth refresh); without one the configured token is reused, which is
    what a private-app token (and the sandbox's expired-session fault) needs.
    """

    def __init__(
        self, config: HubSpotConnectionConfig, *, token_provider: Callable[[], str] | None = None
    ) -> None:
        self.config = config
        self.token_provider = token_provider
        self.reconnects = 0

    @cached_property
    def client(self) -> hubspot.HubSpot:
        return connect_hubspot(self.config)

    @cached_property
    def contacts_basic(self) -> Any:
        return self.client.crm.contacts.basic_api

    @cached_property
    def contacts_batch(self) -> Any:
        return self.client.crm.contacts.batch_api

    @cached_property
    def contacts_search(self) -> Any:
        return self.client.crm.contacts.search_api

    @cached_property
    def objects_basic(self) -> Any:
        return self.client.crm.objects.basic_api

    @cached_property
    def objects_search(self) -> Any:
        return self.client.crm.objects.search_api

    @cached_property
    def properties(self) -> Any:
        return self.client.crm.properties.core_api

    @cached_property
    def property_groups(self) -> Any:
        return self.client.crm.properties.groups_api

    @cached_property
    def owners(self) -> Any:
        return self.client.crm.owners.owners_api

    @cached_property
    def events(self) -> Any:
        return self.client.events.events_api

    def reconnect(self) -> None:
        """Drop the client and API objects; the next access builds them with a fresh token."""
        if self.token_provider is not None:
            token = self.token_provider()
            self.config = self.config.model_copy(update={"access_token": SecretStr(token)})
        for name in [k for k, v in type(self).__dict__.items() if isinstance(v, cached_property)]:
            self.__dict__.pop(name, None)
        self.reconnects += 1

    def call(self, fn: Callable[[HubSpotConnection], T], *, object_name: str | None = None) -> T:
        """Run `fn(self)`; re-authenticate on an expired token; raise mqlsync errors on failure."""
        attempts = 0
        while True:
            try:
                return fn(self)
            except Exception as err:
                if is_expired_session(err) and attempts < self.config.reauth_attempts:
                    attempts += 1
                    self.reconnect()
                    continue
                if isinstance(err, CrmError) or not _is_client_error(err):
                    raise
                raise translate_error(err, object_name=object_name) from err


def _is_client_error(err: BaseException) -> bool:
    return isinstance(err, Urllib3Error) or (hasattr(err, "status") and hasattr(err, "body"))
