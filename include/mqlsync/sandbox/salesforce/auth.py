"""Sessions and logins: the fixed sandbox session id, OAuth2 token endpoint and the SOAP login.

simple-salesforce re-logs in on a 401 only for the login-based modes, and only when the body says
INVALID_SESSION_ID; a direct session_id has no refresh. The sandbox keeps those rules: sessions can
expire (the hostile fault profile, or the admin endpoint), after which a client with credentials
recovers and one with a bare session id fails, as it would against a real org.
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mqlsync.sandbox.salesforce.errors import invalid_session

INSTANCE_URL = "https://sandbox.my.salesforce.com"
ORG_ID = "00DSB0000000001EAA"


@dataclass(frozen=True)
class SandboxCredentials:
    """What the sandbox accepts for OAuth and SOAP logins (printed by `mqlsync sandbox serve`)."""

    consumer_key: str = "mqlsync-sandbox-key"
    consumer_secret: str = "mqlsync-sandbox-secret"
    username: str = "admin@sandbox.mqlsync.dev"
    password: str = "sandbox"
    security_token: str = ""


@dataclass
class SessionRegistry:
    """Valid session ids; `expire` makes one invalid, as a timeout or a revoke does."""

    fixed_token: str
    credentials: SandboxCredentials = field(default_factory=SandboxCredentials)
    _valid: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._valid.add(self.fixed_token)

    def issue(self) -> str:
        token = f"{ORG_ID}!AQ{secrets.token_urlsafe(24)}"
        with self._lock:
            self._valid.add(token)
        return token

    def is_valid(self, token: str | None) -> bool:
        with self._lock:
            return token is not None and token in self._valid

    def expire(self, token: str | None = None) -> int:
        """Invalidate one session, or all (None); returns how many were dropped."""
        with self._lock:
            if token is None:
                dropped = len(self._valid)
                self._valid.clear()
                return dropped
            if token in self._valid:
                self._valid.discard(token)
                return 1
            return 0

    def restore_fixed(self) -> None:
        with self._lock:
            self._valid.add(self.fixed_token)


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith(("bearer ", "oauth ")):
        return header.split(None, 1)[1].strip()
    return request.headers.get("x-sfdc-session")


def check_session(request: Request, sessions: SessionRegistry) -> str:
    """The request's valid session id; an expire-session fault revokes it first. 401 otherwise."""
    token = bearer(request)
    fault = getattr(request.state, "fault", None)
    if fault is not None and fault.expire_session and token is not None:
        sessions.expire(token)
    if not sessions.is_valid(token):
        raise invalid_session()
    return str(token)


def create_auth_router(sessions: SessionRegistry) -> APIRouter:
    """`POST /services/oauth2/token` (client_credentials, password) and the SOAP partner login."""
    router = APIRouter()
    creds = sessions.credentials

    @router.post("/services/oauth2/token")
    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        grant = form.get("grant_type")
        if grant == "client_credentials":
            key, secret = _basic(request.headers.get("authorization", ""))
            key = key or form.get("client_id")
            secret = secret or form.get("client_secret")
            ok = (key, secret) == (creds.consumer_key, creds.consumer_secret)
        elif grant == "password":
            ok = (
                form.get("client_id"),
                form.get("client_secret"),
                form.get("username"),
                form.get("password"),
            ) == (
                creds.consumer_key,
                creds.consumer_secret,
                creds.username,
                creds.password + creds.security_token,
            )
        else:
            return JSONResponse(
                {"error": "unsupported_grant_type", "error_description": "grant type not supported"}, 400
            )
        if not ok:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "authentication failure"}, 400
            )
        return JSONResponse(_token_body(sessions.issue()))

    @router.post("/services/Soap/u/{version}")
    async def soap_login(version: str, request: Request) -> Response:
        body = (await request.body()).decode()
        username = _xml_value(body, "username")
        password = _xml_value(body, "password")
        if (username, password) != (creds.username, creds.password + creds.security_token):
            return Response(_soap_fault(), status_code=500, media_type="text/xml")
        session = sessions.issue()
        server = f"{INSTANCE_URL}/services/Soap/u/{version}/{ORG_ID}"
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
            '"http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body>'
            f"<loginResponse><result><serverUrl>{server}</serverUrl><sessionId>{session}</sessionId>"
            f"<userId>005SB0000000001AAA</userId><organizationId>{ORG_ID}</organizationId>"
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        return Response(xml, media_type="text/xml")

    return router


def _token_body(token: str) -> dict[str, Any]:
    return {
        "access_token": token,
        "instance_url": INSTANCE_URL,
        "id": f"https://login.salesforce.com/id/{ORG_ID}/005SB0000000001AAA",
        "token_type": "Bearer",
        "issued_at": "1700000000000",
        "signature": base64.b64encode(token.encode()[:16]).decode(),
    }


def _basic(header: str) -> tuple[str | None, str | None]:
    if not header.lower().startswith("basic "):
        return None, None
    key, _, secret = base64.b64decode(header.split(None, 1)[1]).decode().partition(":")
    return key, secret


def _xml_value(body: str, tag: str) -> str | None:
    match = re.search(rf"<(?:\w+:)?{tag}>(.*?)</(?:\w+:)?{tag}>", body, re.S)
    return match.group(1) if match else None


def _soap_fault() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN'
        "</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out."
        "</faultstring><detail><sf:LoginFault><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>"
        "<sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage>"
        "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
