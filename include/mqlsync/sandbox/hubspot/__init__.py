"""HubSpot CRM v3 emulator: the real hubspot-api-client talks to it unchanged over HTTP.

Start with `create_app` (mqlsync.sandbox.hubspot.app). The modules follow the API's own concepts:
load (world files into frames), store (objects as columns), writes (the portal's write rules),
search, contacts (single-record calls), batch, properties, owners, engagements (associations),
analytics (property history, web events, form submissions), limits (rate limits by tier),
middleware (auth, faults, call log) and admin (inspection).
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):  # lazy: importing the package must not pull FastAPI and pandas
    if name == "create_app":
        from mqlsync.sandbox.hubspot.app import create_app

        return create_app
    raise AttributeError(name)
