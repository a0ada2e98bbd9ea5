"""Build a real `hubspot.HubSpot` client for a real portal or for the local sandbox.

hubspot-api-client 12 takes `host=` and applies it to every sub-package's configuration, so the
sandbox is reached with no patching: switching between `https://api.hubapi.com` and
`http://127.0.0.1:<port>` is only `HubSpotConnectionConfig.host`.

Retries: `connect_hubspot` builds the client with urllib3's retries off (`retry=False`), so a 429
or a 5xx comes back as the sub-package's `ApiException` with `.status`, `.body` and `.headers`, and
every request sent is seen (counted, paced) by the one call layer, `crm.calls.CrmCaller`, which
retries it. `HubSpotCalls` is HubSpot's half of that layer: the X-HubSpot-RateLimit-* headers for
the budget, `translate_error` (the daily limit decided on `policyName` and
`X-HubSpot-RateLimit-Daily-Remaining`, never on the message), and `reconnect()` after a 401
EXPIRED_AUTHENTICATION. `HubSpotConnection.call` is that caller with a pacing-only budget.

`retry_policy` is the urllib3 policy a client that retries by itself would need (the README example
`Retry(status_forcelist=(429,))` never retries POST, so search and batch calls would fail on the
first 429). mqlsync's own connection does not use it; the sandbox's tests do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

import hubspot
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.retry import Retry

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.calls import CrmCaller, RetrySettings
from mqlsync.errors import (
    CrmConnectionError,
    CrmError,
    CrmTerminalError,
    CrmTransientError,
    DailyLimitError,
    SessionExpiredError,
)

SYSTEM = "hubspot"
DEFAULT_CONN_ID = "hubspot_default"
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
    conn_id: str = DEFAULT_CONN_ID  # named in errors about this connection

    @field_validator("access_token")
    @classmethod
    def _token_set(cls, v: SecretStr) -> SecretStr:
        if not v.get_secret_value().strip():
            raise ValueError("the private-app token is empty; put it in the connection's password")
        return v

    @field_validator("host")
    @classmethod
    def _scheme_and_no_slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("host must start with http:// or https://, e.g. https://api.hubapi.com")
        return v.rstrip("/")

    @property
    def is_sandbox(self) -> bool:
        return self.host != DEFAULT_HOST

    @property
    def retry(self) -> RetrySettings:
        """`retries`, `backoff_factor`, `backoff_max` as the settings of the one retry loop."""
        return RetrySettings(retries=self.retries, wait=self.backoff_factor, wait_max=self.backoff_max)

    @classmethod
    def from_connection(cls, conn: Any) -> HubSpotConnectionConfig:
        """From an Airflow Connection: the token is the password; a host makes it the sandbox.

        `http://:<token>@127.0.0.1:8802` -> the sandbox over plain HTTP; `hubspot://:<token>@` (no
        host) -> the real portal. Extras may set `retries`, `backoff_factor`, `verify_ssl`.
        Invalid values (an empty token, a host without scheme) raise `CrmConnectionError`.
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
        conn_id = getattr(conn, "conn_id", None) or DEFAULT_CONN_ID
        try:
            return cls(
                access_token=conn.password or extra.get("access_token", ""),
                host=extra.get("host", host),
                conn_id=conn_id,
                **known,
            )
        except ValidationError as err:
            raise CrmConnectionError.from_validation(
                SYSTEM, conn_id, err
            ) from None  # the error would quote the token


def retry_policy(config: HubSpotConnectionConfig) -> Retry:
    """urllib3 retries of 429 and 5xx on every method (POST search and batch included), Retry-After
    honoured: for a client that retries by itself; `connect_hubspot` does not use it."""
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
    """The real client for `config.host`, retrying nothing (the one call layer retries)."""
    kwargs: dict[str, Any] = {
        "access_token": config.access_token.get_secret_value(),
        "host": config.host,
        "base_url": config.host,  # `api_request` reads this key, not `host`
        "retry": False,  # urllib3: no retries, errors raised as they happen, 4xx/5xx as ApiException
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


def is_daily_limit(status: int | None, body: Mapping[str, Any], headers: Mapping[str, str] | None) -> bool:
    """HubSpot's own signals that the daily allocation is spent: a 429 with `policyName` DAILY, or
    `X-HubSpot-RateLimit-Daily-Remaining: 0` on the refusal."""
    if status != 429:
        return False
    remaining = {str(k).lower(): v for k, v in dict(headers or {}).items()}.get(
        "x-hubspot-ratelimit-daily-remaining"
    )
    return body.get("policyName") == "DAILY" or str(remaining).strip() == "0"


def translate_error(
    err: BaseException, *, object_name: str | None = None, endpoint: str | None = None
) -> CrmError:
    """mqlsync's error for a client failure: transient when waiting may help, terminal otherwise.

    `code` is the body's `category` (or `errorType`), with `:policyName` appended for rate limits.
    """
    where = " ".join(p for p in ("HubSpot", object_name, endpoint) if p)
    evidence: dict[str, Any] = {"system": SYSTEM, "endpoint": endpoint, "object": object_name}
    if isinstance(err, Urllib3Error):
        return CrmTransientError(
            f"{where}: {type(err).__name__} (connection dropped or timed out)", **evidence
        )
    status, body = error_details(err)
    headers = getattr(err, "headers", None)
    code = body.get("category") or body.get("errorType")
    if code and body.get("policyName"):
        code = f"{code}:{body['policyName']}"
    evidence |= {"status": status, "code": code}
    message = f"{where}: answered {status} {code or ''}: {body.get('message', '')}".strip()
    if is_daily_limit(status, body, headers):
        return DailyLimitError(f"{message}; the next run continues", **evidence)
    if is_expired_session(err):
        return SessionExpiredError(message, **evidence)
    if status in RETRY_STATUSES:
        return CrmTransientError(message, retry_after=_retry_after(headers), **evidence)
    return CrmTerminalError(message, **evidence)


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    value = {str(k).lower(): v for k, v in dict(headers or {}).items()}.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:  # an HTTP date; HubSpot sends seconds
        return None


class HubSpotCalls:
    """HubSpot's half of `crm.calls.CrmCaller`: the call's function is given the connection."""

    system = SYSTEM

    def __init__(self, conn: HubSpotConnection) -> None:
        self.conn = conn

    @property
    def client(self) -> HubSpotConnection:
        return self.conn

    def succeeded(self, budget: ApiBudget, result: Any) -> Any:
        """`*_with_http_info` calls answer `(data, status, headers)`: the headers feed the budget."""
        if isinstance(result, tuple) and len(result) == 3:
            data, _status, headers = result
            budget.observe_hubspot(headers)
            return data
        return result

    def failed(
        self, budget: ApiBudget, err: BaseException, *, endpoint: str, object_name: str | None
    ) -> CrmError | None:
        if not _is_client_error(err):
            return None
        budget.observe_hubspot(getattr(err, "headers", None))
        return translate_error(err, object_name=object_name, endpoint=endpoint)

    def renew_session(self, err: SessionExpiredError, *, renewed: int) -> None:
        if renewed >= self.conn.config.reauth_attempts:
            raise CrmTerminalError(
                f"{err} (still expired after {renewed} reconnects; check the token provider of "
                f"connection {self.conn.config.conn_id})",
                system=SYSTEM,
                endpoint=err.endpoint,
                object=err.object,
                status=err.status,
                code=err.code,
            ) from err
        self.conn.reconnect()


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
        self.budget = ApiBudget(SYSTEM)  # no limits: counts and paces `call`, survives `reconnect`

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
        """`fn(self)` through the one call layer: retried per `config.retries`, re-authenticated
        after an expired token, mqlsync errors on failure."""
        caller = CrmCaller(HubSpotCalls(self), self.budget, retry=self.config.retry, object_name=object_name)
        return caller.call(object_name or "call", fn)


def _is_client_error(err: BaseException) -> bool:
    return isinstance(err, Urllib3Error) or (hasattr(err, "status") and hasattr(err, "body"))
