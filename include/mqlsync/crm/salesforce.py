"""Build a real `simple_salesforce.Salesforce` for a real org or for the local sandbox.

simple-salesforce always builds `https://{instance}/…` URLs and logs in against
`https://{domain}.salesforce.com`, so it cannot be pointed at a plain-HTTP server on 127.0.0.1 by
arguments alone. `SandboxSession` (a `requests.Session`) rewrites every https URL onto the
sandbox's base URL instead; the client, its auth flows and its paging stay untouched. Whether a
connection goes to the sandbox is decided only by `SalesforceConnectionConfig.sandbox_url`, so
switching between sandbox and a real org is a connection change, never a code change.

From Airflow: the provider hook's extras map onto the config (`instance_url`, `domain`,
`consumer_key`, `sandbox_url` …); see `SalesforceConnectionConfig.from_connection`. A connection
that cannot work (invalid fields, no usable auth, refused at login) is a `CrmConnectionError` naming
the connection id and the fix, so the task fails at once instead of being retried.

`SalesforceCalls` is the Salesforce half of the one call layer (`crm.calls.CrmCaller`): usage from
`sf.api_usage`, `translate_salesforce_error`, and a new session after `INVALID_SESSION_ID`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceOperationError,
)

from mqlsync.crm.budget import ApiBudget
from mqlsync.errors import (
    CrmConnectionError,
    CrmError,
    CrmTerminalError,
    CrmTransientError,
    SessionExpiredError,
)

SYSTEM = "salesforce"
DEFAULT_API_VERSION = "59.0"
DEFAULT_CONN_ID = "salesforce_default"
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
DROPPED = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
MAX_RENEWALS = 2  # new sessions per call; more means the login itself hands out dead sessions


class SandboxSession(requests.Session):
    """Sends every `https://host/path` request to `{base_url}/path` over plain HTTP.

    `trust_env` is off so proxies and REQUESTS_CA_BUNDLE from the machine never apply to the local
    sandbox.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.trust_env = False

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        text = url.decode() if isinstance(url, bytes) else url
        if text.startswith("https://"):
            text = f"{self.base_url}/{text[len('https://') :].partition('/')[2]}"
        return super().request(method, text, *args, **kwargs)


class SalesforceConnectionConfig(BaseModel):
    """How to reach one Salesforce org; the auth mode follows from which fields are set.

    Modes, as simple-salesforce picks them: session (`session_id` + `instance_url`), OAuth client
    credentials (`consumer_key` + `consumer_secret` + `domain` like `acme.my`), OAuth password
    (`username` + `password` + `consumer_key` + `consumer_secret`), SOAP password (`username` +
    `password` + `security_token`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    instance_url: str | None = None
    session_id: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    security_token: SecretStr | None = None
    consumer_key: str | None = None
    consumer_secret: SecretStr | None = None
    domain: str | None = None
    version: str = DEFAULT_API_VERSION
    sandbox_url: str | None = None
    conn_id: str = DEFAULT_CONN_ID  # named in errors about this connection

    @field_validator("version")
    @classmethod
    def _no_v(cls, v: str) -> str:
        return v.removeprefix("v")

    @field_validator("sandbox_url")
    @classmethod
    def _http_base(cls, v: str | None) -> str | None:
        if v is not None and urlsplit(v).scheme not in ("http", "https"):
            raise ValueError("sandbox_url must be a base URL such as http://127.0.0.1:8801")
        return v

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox_url is not None

    @classmethod
    def from_connection(
        cls,
        *,
        host: str | None = None,
        login: str | None = None,
        password: str | None = None,
        extra: dict[str, Any] | None = None,
        conn_id: str = DEFAULT_CONN_ID,
    ) -> SalesforceConnectionConfig:
        """Map an Airflow connection (host, login, password, extras) onto the config.

        Extras use the provider's names (`instance_url`, `security_token`, `consumer_key`,
        `consumer_secret`, `domain`, `session_id`, `version`) plus `sandbox_url`; a `host` stands in
        for a missing `instance_url`. Invalid values raise `CrmConnectionError` naming `conn_id`.
        """
        extra = {
            k.removeprefix("extra__salesforce__"): v for k, v in (extra or {}).items() if v not in ("", None)
        }
        known = set(cls.model_fields)
        values: dict[str, Any] = {k: v for k, v in extra.items() if k in known}
        if host and "instance_url" not in values:
            values["instance_url"] = host if "://" in host else f"https://{host}"
        if login:
            values["username"] = login
        if password:
            values["password"] = password
        values["conn_id"] = conn_id
        try:
            return cls(**values)
        except ValidationError as err:
            raise CrmConnectionError.from_validation(
                SYSTEM, conn_id, err
            ) from None  # the error would quote input values


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def salesforce_kwargs(config: SalesforceConnectionConfig) -> dict[str, Any]:
    """The keyword arguments for `Salesforce(...)`, without the session; shared with the Airflow hook."""
    kwargs: dict[str, Any] = {"version": config.version}
    if config.session_id is not None:
        kwargs["session_id"] = _secret(config.session_id)
        kwargs["instance_url"] = config.instance_url
    elif config.username and config.consumer_key:
        kwargs |= {
            "username": config.username,
            "password": _secret(config.password),
            "consumer_key": config.consumer_key,
            "consumer_secret": _secret(config.consumer_secret),
        }
        if config.domain:
            kwargs["domain"] = config.domain
    elif config.consumer_key and config.consumer_secret:
        kwargs |= {
            "consumer_key": config.consumer_key,
            "consumer_secret": _secret(config.consumer_secret),
            "domain": config.domain or "sandbox.my",
        }
    elif config.username:
        kwargs |= {
            "username": config.username,
            "password": _secret(config.password),
            "security_token": _secret(config.security_token) or "",
        }
        if config.domain:
            kwargs["domain"] = config.domain
    else:
        raise CrmConnectionError(
            config.conn_id,
            ["no usable auth: none of session_id, consumer_key + consumer_secret, username is set"],
            fix=(
                f"set them on Airflow connection {config.conn_id}: a session_id extra with instance_url, "
                "consumer_key/consumer_secret extras (with domain), or login and password"
            ),
            system=SYSTEM,
        )
    return kwargs


def sandbox_session(config: SalesforceConnectionConfig) -> requests.Session | None:
    """The URL-rewriting session when the config points at the sandbox, else None (use the default)."""
    return SandboxSession(config.sandbox_url) if config.sandbox_url else None


def connect_salesforce(config: SalesforceConnectionConfig) -> Salesforce:
    """A ready `Salesforce` client; for the sandbox it carries a `SandboxSession`.

    Refused credentials raise the client's `SalesforceAuthenticationFailed`; the hooks
    (`orchestration.hooks`) turn it into `login_refused`'s `CrmConnectionError`."""
    kwargs = salesforce_kwargs(config)
    if config.is_sandbox and "instance_url" in kwargs and not kwargs["instance_url"]:
        kwargs["instance_url"] = "https://sandbox.my.salesforce.com"
    session = sandbox_session(config)
    if session is not None:
        kwargs["session"] = session
    return Salesforce(**kwargs)


def login_refused(conn_id: str, err: SalesforceAuthenticationFailed) -> CrmConnectionError:
    """The org refused the connection's credentials: a person must fix them, retrying will not."""
    return CrmConnectionError(
        conn_id,
        [f"login refused by Salesforce: {err.code}"],
        fix=f"check the credentials of Airflow connection {conn_id} (and that the user may use the API)",
        system=SYSTEM,
        code=str(err.code) if err.code is not None else None,
    )


# ---- the Salesforce half of crm.calls.CrmCaller ---------------------------------------------------
class SalesforceCalls:
    """Usage from `sf.api_usage`, errors by `translate_salesforce_error`, renewal by logging in again."""

    system = SYSTEM

    def __init__(self, sf: Salesforce) -> None:
        self.sf = sf

    @property
    def client(self) -> Salesforce:
        return self.sf

    def succeeded(self, budget: ApiBudget, result: Any) -> Any:
        budget.observe_salesforce(getattr(self.sf, "api_usage", None))
        return result

    def failed(
        self, budget: ApiBudget, err: BaseException, *, endpoint: str, object_name: str | None
    ) -> CrmError | None:
        budget.observe_salesforce(getattr(self.sf, "api_usage", None))
        return translate_salesforce_error(err, endpoint=endpoint, object_name=object_name)

    def renew_session(self, err: SessionExpiredError, *, renewed: int) -> None:
        evidence = {"system": SYSTEM, "endpoint": err.endpoint, "object": err.object, "status": 401}
        if getattr(self.sf, "_salesforce_login_partial", None) is None:
            raise CrmTerminalError(
                f"{_where(err.endpoint, err.object)}: session expired and the connection has only a "
                "session id, so it cannot log in again; use a login (OAuth or username) connection",
                code="INVALID_SESSION_ID",
                **evidence,
            ) from err
        if renewed >= MAX_RENEWALS:
            raise CrmTerminalError(
                f"{_where(err.endpoint, err.object)}: session expired {renewed + 1} times in one call "
                "right after logging in again; check the org's session settings",
                code="INVALID_SESSION_ID",
                **evidence,
            ) from err
        try:
            self.sf._refresh_session()
        except SalesforceAuthenticationFailed as login:
            raise CrmTerminalError(
                f"{_where(err.endpoint, err.object)}: logging in again was refused ({login.code}); "
                "check the connection's credentials",
                code=str(login.code),
                **evidence,
            ) from login


def translate_salesforce_error(
    err: BaseException, *, endpoint: str | None = None, object_name: str | None = None
) -> CrmError | None:
    """mqlsync's error for a simple-salesforce or requests failure (None for anything else).

    Decided on the status and the `errorCode` of the JSON list body: 429/5xx and dropped
    connections are transient; a 403 REQUEST_LIMIT_EXCEEDED, QUERY_TIMEOUT, a failed Bulk job and
    every other 4xx are terminal.
    """
    where = _where(endpoint, object_name)
    evidence: dict[str, Any] = {"system": SYSTEM, "endpoint": endpoint, "object": object_name}
    if isinstance(err, DROPPED):
        return CrmTransientError(
            f"{where}: {type(err).__name__} (connection dropped or timed out)", **evidence
        )
    if isinstance(err, SalesforceOperationError):  # a Bulk job ended Failed or Aborted
        return CrmTerminalError(f"{where}: Bulk job failed: {err}", code="BULK_JOB_FAILED", **evidence)
    if isinstance(err, SalesforceAuthenticationFailed):
        return CrmTerminalError(f"{where}: login refused ({err.code})", code=str(err.code), **evidence)
    if not isinstance(err, SalesforceError):
        return None
    code, message = _first_error(err.content)
    evidence |= {"status": err.status, "code": code}
    if isinstance(err, SalesforceExpiredSession):
        return SessionExpiredError(f"{where}: session expired or invalid ({code or err.status})", **evidence)
    if err.status in TRANSIENT_STATUSES:  # a 429 REQUEST_LIMIT_EXCEEDED is the concurrency limit
        return CrmTransientError(f"{where}: answered {err.status} {code or ''}".rstrip(), **evidence)
    if code == "REQUEST_LIMIT_EXCEEDED":  # 403: the org's daily allocation
        return CrmTerminalError(
            f"{where}: REQUEST_LIMIT_EXCEEDED ({message}); the org's API allocation is spent, the "
            "extract stopped without moving its watermark; the next run continues",
            **evidence,
        )
    if code == "QUERY_TIMEOUT":
        return CrmTerminalError(
            f"{where}: QUERY_TIMEOUT ({message}); no rows were reported; narrow the window or lower "
            "bulk_threshold so the object is read through Bulk API 2.0",
            **evidence,
        )
    return CrmTerminalError(f"{where}: {code or type(err).__name__}: {message}", **evidence)


def _first_error(content: Any) -> tuple[str | None, str]:
    """`errorCode` and `message` of the first entry of Salesforce's JSON list error body."""
    first = content[0] if isinstance(content, list) and content and isinstance(content[0], dict) else {}
    return first.get("errorCode"), str(first.get("message", ""))


def _where(endpoint: str | None, object_name: str | None) -> str:
    return " ".join(p for p in ("Salesforce", object_name, endpoint) if p)
