"""`create_app`: the HubSpot CRM v3 emulator as a FastAPI app, loaded from a world dir or frames.

Layers, outside in: the shared FaultMiddleware (counts calls, injects 5xx, 429 bursts, slow and
dropped responses), GateMiddleware (private-app token, expired sessions, rate limits and their
headers), then the routers by concept. `mqlsync sandbox serve` and the test fixtures both call this.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mqlsync.sandbox.admin import CallLog
from mqlsync.sandbox.faults import FaultInjector, FaultMiddleware
from mqlsync.sandbox.hubspot import admin as admin_api
from mqlsync.sandbox.hubspot import analytics, batch, contacts, engagements, owners, properties, search
from mqlsync.sandbox.hubspot.gate import GateMiddleware, classify, render_fault
from mqlsync.sandbox.hubspot.limits import RateLimiter, RateLimitPolicy, policy_for
from mqlsync.sandbox.hubspot.load import read_world
from mqlsync.sandbox.hubspot.store import Store
from mqlsync.sandbox.hubspot.wire import HubSpotHTTPError, error_response
from mqlsync.sandbox.world import release_memory

DEFAULT_TOKEN = "pat-na1-sandbox"


def create_app(
    world_dir: Path | None = None,
    *,
    tier: str = "professional",
    faults: FaultInjector | None = None,
    admin: bool = True,
    token: str = DEFAULT_TOKEN,
    frames: dict[str, pd.DataFrame] | None = None,
    limits: RateLimitPolicy | None = None,
    calls: CallLog | None = None,
) -> FastAPI:
    """The emulator app. `frames` (keys as in load.FILE_NAMES minus `.parquet`) replaces `world_dir`
    in tests; `limits` overrides the tier's quotas (tests shrink the 10-second window)."""
    loaded = frames if frames is not None else (read_world(world_dir) if world_dir is not None else {})
    store = Store(loaded)
    injector = faults or FaultInjector()
    calls = calls or CallLog()
    for table in store.tables.values():
        table.on_write = lambda object_type, n: calls.record_write(admin_api.SYSTEM, object_type, n)
    limiter = RateLimiter(limits or policy_for(tier), scale=lambda: injector.profile.limit_scale)
    index = engagements.AssociationIndex(store)
    partial = batch.PartialFailures(injector.seed)

    app = FastAPI(title="HubSpot CRM v3 sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store, app.state.calls, app.state.limiter, app.state.faults = store, calls, limiter, injector

    @app.exception_handler(HubSpotHTTPError)
    async def hubspot_error(_request: Request, err: HubSpotHTTPError) -> JSONResponse:
        return error_response(err)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, err: StarletteHTTPException) -> JSONResponse:
        category = "OBJECT_NOT_FOUND" if err.status_code == 404 else "VALIDATION_ERROR"
        return error_response(HubSpotHTTPError(err.status_code, str(err.detail), category=category))

    app.include_router(search.create_router(store))
    app.include_router(batch.create_router(store, index, partial))
    app.include_router(contacts.create_router(store, index))
    app.include_router(properties.create_router(store))
    app.include_router(owners.create_router(store))
    app.include_router(engagements.create_router(store, index))
    app.include_router(analytics.create_router(store))
    del loaded  # the store keeps what it needs; drop the read frames before releasing memory
    if frames is None and world_dir is not None:
        release_memory()
    if admin:
        app.include_router(
            admin_api.create_router(store, calls=calls, injector=injector, limiter=limiter, tier=tier)
        )
    app.add_middleware(GateMiddleware, token=token, limiter=limiter)
    app.add_middleware(
        FaultMiddleware,
        system=admin_api.SYSTEM,
        injector=injector,
        classify=classify,
        render_error=render_fault,
        calls=calls,
    )
    return app
