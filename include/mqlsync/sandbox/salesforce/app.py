"""The Salesforce emulator as one FastAPI app: REST, Bulk 2.0, auth, faults, limits and admin.

`create_app(world, ...)` takes a world directory (as `mqlsync generate` writes it), a ready `Store`,
or `{object: DataFrame}` frames (tests). Layers from the outside in: fault injection and call
counting (`FaultMiddleware`), the `Sforce-Limit-Info` header, then the routers; Salesforce-shaped
error bodies come from the exception handlers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from mqlsync.sandbox.admin import ADMIN_PREFIX, CallLog, create_admin_router
from mqlsync.sandbox.faults import Endpoint, Fault, FaultInjector, FaultMiddleware
from mqlsync.sandbox.salesforce.auth import SandboxCredentials, SessionRegistry, create_auth_router
from mqlsync.sandbox.salesforce.bulk2 import create_bulk2_router
from mqlsync.sandbox.salesforce.collections import create_collections_router
from mqlsync.sandbox.salesforce.errors import RecordError, SalesforceApiError
from mqlsync.sandbox.salesforce.limits import DEFAULT_DAILY_REQUESTS, ApiUsage
from mqlsync.sandbox.salesforce.org import Org
from mqlsync.sandbox.salesforce.rest import create_rest_router
from mqlsync.sandbox.salesforce.store import Clock, Store, wall_clock
from mqlsync.sandbox.world import release_memory

SYSTEM = "salesforce"
DEFAULT_SESSION_ID = "00DSB0000000001EAA!AQsandbox.session.mqlsync"
_API = re.compile(r"^/services/data/v[\d.]+/(?P<rest>.*)$")
_ID_SEGMENT = re.compile(r"^(?=.*\d)[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


def classify(method: str, path: str) -> Endpoint | None:
    """Counting name for a request (`PATCH sobjects/Lead/{id}`); None for admin and unknown paths."""
    if path.startswith(ADMIN_PREFIX):
        return None
    if path.startswith(("/services/oauth2/", "/services/Soap/")):
        return Endpoint(f"{method} {path.strip('/')}", faultable=False)
    match = _API.match(path)
    if match is None:
        return Endpoint(f"{method} {path}")
    parts = [p for p in match.group("rest").split("/") if p]
    if parts[:1] == ["sobjects"] and len(parts) == 4:
        parts[3] = "{value}"
    parts = [
        "{locator}" if "-" in p and p[:3] == "01g" else "{id}" if _ID_SEGMENT.match(p) else p for p in parts
    ]
    name = f"{method} {'/'.join(parts)}"
    pageable = method == "GET" and (parts[:1] in (["query"], ["queryAll"]) or parts[-1:] == ["results"])
    return Endpoint(name, pageable=pageable)


def render_fault(fault: Fault) -> tuple[int, dict[str, str], bytes]:
    status = fault.status or 500
    if fault.body_kind == "rate_limit":
        error = SalesforceApiError(
            status, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."
        )
    elif status == 503:
        error = SalesforceApiError(
            status, "SERVER_UNAVAILABLE", "Server temporarily unavailable, please retry."
        )
    else:
        error = SalesforceApiError(
            status,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support: 1337-42 (-1)",
        )
    return status, {"content-type": "application/json;charset=UTF-8"}, error.to_bytes()


class LimitInfoMiddleware:
    """Adds `Sforce-Limit-Info` to every REST/Bulk response, as Salesforce does."""

    def __init__(self, app: Any, usage: ApiUsage) -> None:
        self.app = app
        self.usage = usage

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/services/data/"):
            await self.app(scope, receive, send)
            return

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"sforce-limit-info", self.usage.header().encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(
    world: Path | Store | dict[str, pd.DataFrame],
    *,
    faults: FaultInjector | None = None,
    admin: bool = False,
    token: str = DEFAULT_SESSION_ID,
    daily_limit: int | None = None,
    clock: Clock = wall_clock,
    credentials: SandboxCredentials | None = None,
    calls: CallLog | None = None,
) -> FastAPI:
    """The emulator for one org. `admin=True` mounts `/__admin__` (tests, benchmarks, `sandbox serve`)."""
    if isinstance(world, Store):
        store = world
    elif isinstance(world, dict):
        store = Store.from_frames(world, clock=clock)
    else:
        store = Store.from_world(Path(world), clock=clock)
        release_memory()
    injector = faults or FaultInjector()
    calls = calls or CallLog()
    store.calls = calls
    limit = daily_limit or max(int(DEFAULT_DAILY_REQUESTS * injector.profile.limit_scale), 100)
    org = Org(
        store, SessionRegistry(token, credentials or SandboxCredentials()), ApiUsage(limit), injector, calls
    )

    app = FastAPI(title="mqlsync Salesforce sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.org = org
    app.include_router(create_auth_router(org.sessions))
    app.include_router(create_collections_router(org))
    app.include_router(create_bulk2_router(org))
    app.include_router(create_rest_router(org))
    if admin:
        app.include_router(
            create_admin_router(
                system=SYSTEM,
                calls=calls,
                injector=injector,
                read_record=store.read_record,
                extra_status=lambda: {"api_usage": org.usage.header()},
            )
        )
        app.include_router(_salesforce_admin(org))

    @app.exception_handler(SalesforceApiError)
    async def _api_error(request: Request, exc: SalesforceApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RecordError)
    async def _record_error(request: Request, exc: RecordError) -> JSONResponse:
        return JSONResponse(exc.as_api_error().body(), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse([{"message": detail, "errorCode": "MALFORMED_REQUEST"}], status_code=400)

    app.add_middleware(LimitInfoMiddleware, usage=org.usage)
    app.add_middleware(
        FaultMiddleware,
        system=SYSTEM,
        injector=injector,
        classify=classify,
        render_error=render_fault,
        calls=calls,
    )
    return app


def _salesforce_admin(org: Org) -> APIRouter:
    """Salesforce-only admin levers: expire sessions, reset or resize the API allocation."""
    router = APIRouter(prefix=ADMIN_PREFIX)

    @router.post("/expire-sessions")
    async def expire_sessions(payload: dict[str, Any] | None = Body(None)) -> dict[str, int]:
        token = (payload or {}).get("token")
        return {"expired": org.sessions.expire(token)}

    @router.post("/restore-session")
    async def restore_session() -> dict[str, bool]:
        org.sessions.restore_fixed()
        return {"restored": True}

    @router.post("/limits")
    async def set_limits(payload: dict[str, Any] | None = Body(None)) -> dict[str, Any]:
        daily_max = (payload or {}).get("daily_max")
        org.usage.reset(int(daily_max) if daily_max is not None else None)
        return json.loads(json.dumps(org.usage.limits_body()))

    return router
