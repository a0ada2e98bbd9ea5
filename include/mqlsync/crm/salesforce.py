"""Build a real `simple_salesforce.Salesforce` for a real org or for the local sandbox.

simple-salesforce always builds `https://{instance}/…` URLs and logs in against
`https://{domain}.salesforce.com`, so it cannot be pointed at a plain-HTTP server on 127.0.0.1 by
arguments alone. `SandboxSession` (a `requests.Session`) rewrites every https URL onto the
sandbox's base URL instead; the client, its auth flows and its paging stay untouched. Whether a
connection goes to the sandbox is decided only by `SalesforceConnectionConfig.sandbox_url`, so
switching between sandbox and a real org is a connection change, never a code change.

From Airflow: the provider hook's extras map onto the config (`instance_url`, `domain`,
`consumer_key`, `sandbox_url` …); see `SalesforceConnectionConfig.from_connection`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ConfigDict, SecretStr, field_validator
from simple_salesforce import Salesforce

DEFAULT_API_VERSION = "59.0"


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
    ) -> SalesforceConnectionConfig:
        """Map an Airflow connection (host, login, password, extras) onto the config.

        Extras use the provider's names (`instance_url`, `security_token`, `consumer_key`,
        `consumer_secret`, `domain`, `session_id`, `version`) plus `sandbox_url`; a `host` stands in
        for a missing `instance_url`.
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
        return cls(**values)


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
        raise ValueError("Salesforce connection needs a session_id, consumer key/secret or a username")
    return kwargs


def sandbox_session(config: SalesforceConnectionConfig) -> requests.Session | None:
    """The URL-rewriting session when the config points at the sandbox, else None (use the default)."""
    return SandboxSession(config.sandbox_url) if config.sandbox_url else None


def connect_salesforce(config: SalesforceConnectionConfig) -> Salesforce:
    """A ready `Salesforce` client; for the sandbox it carries a `SandboxSession`."""
    kwargs = salesforce_kwargs(config)
    if config.is_sandbox and "instance_url" in kwargs and not kwargs["instance_url"]:
        kwargs["instance_url"] = "https://sandbox.my.salesforce.com"
    session = sandbox_session(config)
    if session is not None:
        kwargs["session"] = session
    return Salesforce(**kwargs)
