"""What stands in front of every emulated HubSpot call: the private-app token, sessions that expire
(fault injection), and the rate limits with their headers.

A pure ASGI middleware rather than FastAPI dependencies, so a refused call never reaches routing
and the X-HubSpot-RateLimit-* headers are added to every answer, errors included. The shared
`FaultMiddleware` sits outside it: it counts the call and may answer first (5xx, 429 bursts).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from mqlsync.sandbox.admin import ADMIN_PREFIX
from mqlsync.sandbox.faults import Endpoint, Fault
from mqlsync.sandbox.hubspot.limits import RateLimiter, rate_limit_body
from mqlsync.sandbox.hubspot.wire import correlation_id

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]

API_PREFIXES = ("/crm/", "/events/", "/form-integrations/")
MISSING_TOKEN = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more "
    "details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
BAD_TOKEN = "The access token provided is invalid or has been revoked. Check your private app's access token."
EXPIRED_TOKEN = "The access token used to make this call has expired. Refresh it and try again."


def classify(method: str, path: str) -> Endpoint | None:
    """A stable endpoint name for counting and fault decisions; ids become `{id}`; admin is None."""
    if path.startswith(ADMIN_PREFIX) or not path.startswith(API_PREFIXES):
        return None
    parts = [p for p in path.split("/") if p]
    named = []
    for i, part in enumerate(parts):
        previous, before = (parts[i - 1] if i else ""), (parts[i - 2] if i > 1 else "")
        if part.isdigit() or "@" in part:
            named.append("{id}")
        elif previous == "groups" or (before == "properties" and part not in {"groups", "batch"}):
            named.append("{name}")
        elif previous == "forms":
            named.append("{guid}")
        else:
            named.append(part)
    name = f"{method} /{'/'.join(named)}"
    pageable = (method == "GET" and not named[-1].startswith("{")) or path.endswith("/search")
    return Endpoint(name, pageable=pageable)


def render_fault(fault: Fault) -> tuple[int, dict[str, str], bytes]:
    """Injected failures in HubSpot's shapes: its 429 body for bursts, a JSON error for 5xx."""
    status = fault.status or 500
    if fault.body_kind == "rate_limit":
        body: dict[str, Any] = rate_limit_body("TEN_SECONDLY_ROLLING")
    else:
        body = {
            "status": "error",
            "message": "internal error" if status == 500 else "Service temporarily unavailable",
            "correlationId": correlation_id(),
            "category": "INTERNAL_ERROR" if status == 500 else "SERVICE_UNAVAILABLE",
        }
    return status, {"content-type": "application/json;charset=utf-8"}, json.dumps(body).encode()


class GateMiddleware:
    """Token check, injected session expiry, rate limiting, and the rate-limit headers."""

    def __init__(self, app: Any, *, token: str, limiter: RateLimiter) -> None:
        self.app = app
        self.token = token
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            await _answer(send, 401, _error(MISSING_TOKEN, "INVALID_AUTHENTICATION"))
            return
        if auth[7:].strip() != self.token:
            await _answer(send, 401, _error(BAD_TOKEN, "INVALID_AUTHENTICATION"))
            return
        fault = scope.get("state", {}).get("fault")
        if fault is not None and fault.expire_session:
            await _answer(send, 401, _error(EXPIRED_TOKEN, "EXPIRED_AUTHENTICATION"))
            return
        search = scope["method"] == "POST" and scope["path"].endswith("/search")
        refusal, extra = self.limiter.check(search=search)
        if refusal is not None:
            await _answer(send, 429, refusal.body, extra)
            return
        await self.app(scope, receive, _with_headers(send, extra))


def _error(message: str, category: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "correlationId": correlation_id(), "category": category}


async def _answer(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    raw = json.dumps(body).encode()
    out = [(b"content-type", b"application/json;charset=utf-8"), (b"content-length", str(len(raw)).encode())]
    out.append((b"x-hubspot-correlation-id", body.get("correlationId", "").encode()))
    out += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": raw})


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    if not extra:
        return send
    encoded = [(k.lower().encode(), v.encode()) for k, v in extra.items()]

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *encoded]}
        await send(message)

    return wrapped
