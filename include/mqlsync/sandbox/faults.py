"""Fault profiles shared by both CRM emulators, reproducible from a seed.

A pipeline that only ever met a perfect API has not been tested. Each profile describes the trouble a
real CRM gives, and `FaultInjector.decide` turns it into a per-request decision. Decisions come from a
counter-based hash per (system, endpoint), not a shared `random.Random`, so the n-th call to an
endpoint gets the same decision on every run with the same seed, whatever the other endpoints did.

`FaultMiddleware` applies the decisions in front of an app: it counts every call in the `CallLog`,
answers status faults itself (the app supplies the body in its CRM's own shape), sleeps for slow
responses, drops the connection half-way through a body, and leaves semantic faults (expired
session, partial batch failure) on `scope["state"]["fault"]` for the endpoint to act on.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

ProfileName = Literal["none", "flaky", "rate_limited", "hostile"]
PROFILES: tuple[str, ...] = ("none", "flaky", "rate_limited", "hostile")


@dataclass(frozen=True)
class FaultProfile:
    """What can go wrong and how often. Rates are per request, in [0, 1].

    `limit_scale` shrinks the emulators' real quotas (daily allocation, burst windows): 1.0 keeps the
    real numbers, `rate_limited` uses a small fraction so a test meets them within a few hundred calls.
    """

    name: ProfileName = "none"
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    burst_rate: float = 0.0
    burst_length: int = 3
    retry_after_share: float = 0.5
    retry_after_seconds: int = 1
    expire_session_rate: float = 0.0
    partial_failure_rate: float = 0.0
    drop_rate: float = 0.0
    limit_scale: float = 1.0

    @classmethod
    def named(cls, name: str) -> FaultProfile:
        """The profile for a CLI/README name; unknown names fail with the list of known ones."""
        if name not in _NAMED:
            raise ValueError(f"unknown fault profile {name!r}; use one of {', '.join(PROFILES)}")
        return _NAMED[name]


_NAMED: dict[str, FaultProfile] = {
    "none": FaultProfile("none"),
    # A congested org: a few 5xx and slow answers, nothing that a retrying client cannot absorb.
    "flaky": FaultProfile("flaky", error_rate=0.05, slow_rate=0.10, slow_seconds=0.25),
    # Correct behaviour, tight quotas: the emulators' own limit logic does the refusing.
    "rate_limited": FaultProfile("rate_limited", limit_scale=0.01),
    # Everything at once, as a bad day in production looks.
    "hostile": FaultProfile(
        "hostile",
        error_rate=0.03,
        slow_rate=0.05,
        slow_seconds=0.2,
        burst_rate=0.04,
        burst_length=3,
        retry_after_share=0.5,
        expire_session_rate=0.01,
        partial_failure_rate=0.05,
        drop_rate=0.02,
    ),
}


@dataclass(frozen=True)
class Fault:
    """One request's decision. `status` set means the middleware answers instead of the app.

    `body_kind` tells the app's error renderer what to say: `rate_limit`, `server_error`.
    `partial_failure_rate` is for batch endpoints: the share of records that fail this call.
    """

    status: int | None = None
    body_kind: str | None = None
    delay: float = 0.0
    retry_after: int | None = None
    drop_connection: bool = False
    expire_session: bool = False
    partial_failure_rate: float = 0.0

    @property
    def is_noop(self) -> bool:
        return self == _NOOP


_NOOP = Fault()


def unit_float(seed: int, *parts: object) -> float:
    """A uniform float in [0, 1) from a hash of the seed and parts: the counter-based RNG."""
    digest = hashlib.blake2b(repr((seed, *parts)).encode(), digest_size=8).digest()
    return struct.unpack(">Q", digest)[0] / 2.0**64


@dataclass
class FaultInjector:
    """Deterministic per-request fault decisions; switchable at run time (admin `POST /faults`)."""

    profile: FaultProfile = field(default_factory=FaultProfile)
    seed: int = 0
    _counters: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _bursts: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_name(cls, name: str = "none", seed: int = 0) -> FaultInjector:
        return cls(FaultProfile.named(name), seed)

    def reconfigure(self, profile: FaultProfile | str, seed: int | None = None) -> None:
        """Switch profile (and optionally seed) and restart the counters."""
        with self._lock:
            self.profile = FaultProfile.named(profile) if isinstance(profile, str) else profile
            if seed is not None:
                self.seed = seed
            self._counters.clear()
            self._bursts.clear()

    def decide(self, system: str, endpoint: str, *, can_drop: bool = False) -> Fault | None:
        """The fault for the next call to `endpoint` of `system`, or None for a clean call.

        `can_drop` marks endpoints whose body is a page of data (a dropped connection there is the
        realistic failure); elsewhere drops are not injected.
        """
        p = self.profile
        if p.name == "none":
            return None
        key = (system, endpoint)
        with self._lock:
            n = self._counters.get(key, 0)
            self._counters[key] = n + 1
            burst_left = self._bursts.get(key, 0)
            if burst_left == 0 and p.burst_rate and self._roll(key, n, "burst") < p.burst_rate:
                burst_left = p.burst_length
            if burst_left:
                self._bursts[key] = burst_left - 1
                with_retry = self._roll(key, n, "retry_after") < p.retry_after_share
                return Fault(429, "rate_limit", retry_after=p.retry_after_seconds if with_retry else None)
        fault = _NOOP
        if self._roll(key, n, "error") < p.error_rate:
            status = p.error_statuses[int(self._roll(key, n, "which") * len(p.error_statuses))]
            return Fault(status, "server_error")
        if self._roll(key, n, "slow") < p.slow_rate:
            fault = replace(fault, delay=p.slow_seconds)
        if self._roll(key, n, "expire") < p.expire_session_rate:
            fault = replace(fault, expire_session=True)
        if can_drop and self._roll(key, n, "drop") < p.drop_rate:
            fault = replace(fault, drop_connection=True)
        if p.partial_failure_rate:
            fault = replace(fault, partial_failure_rate=p.partial_failure_rate)
        return None if fault.is_noop else fault

    def _roll(self, key: tuple[str, str], n: int, what: str) -> float:
        return unit_float(self.seed, self.profile.name, *key, n, what)

    def describe(self) -> dict[str, Any]:
        """The current profile as JSON, for the admin endpoint and the serve banner."""
        return {"profile": self.profile.name, "seed": self.seed, "settings": self.profile.__dict__}


# --- middleware -------------------------------------------------------------------------------------

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Endpoint:
    """How the middleware sees one request: its counting name, whether its body is a data page, and
    whether faults apply at all (login endpoints are counted but never faulted: clients do not retry them).
    """

    name: str
    pageable: bool = False
    faultable: bool = True


# classify(method, path) -> Endpoint, or None for paths that are not part of the emulated API (admin).
Classifier = Callable[[str, str], Endpoint | None]
# render(fault) -> (status, headers, body) in the CRM's own error shape.
ErrorRenderer = Callable[[Fault], tuple[int, dict[str, str], bytes]]


class FaultMiddleware:
    """ASGI middleware: counts calls, injects the injector's faults, leaves the rest to the app.

    The app reads `request.state.fault` (a `Fault` or None) for expired sessions and partial batch
    failures, because only it knows which token or which records those concern.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        system: str,
        injector: FaultInjector,
        classify: Classifier,
        render_error: ErrorRenderer,
        calls: Any | None = None,
    ) -> None:
        self.app = app
        self.system = system
        self.injector = injector
        self.classify = classify
        self.render_error = render_error
        self.calls = calls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = self.classify(scope["method"], scope["path"])
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        if self.calls is not None:
            self.calls.record_call(self.system, endpoint.name)
        fault = (
            self.injector.decide(self.system, endpoint.name, can_drop=endpoint.pageable)
            if endpoint.faultable
            else None
        )
        scope.setdefault("state", {})["fault"] = fault
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            status, headers, body = self.render_error(fault)
            if fault.retry_after is not None:
                headers = {**headers, "Retry-After": str(fault.retry_after)}
            await _send_plain(send, status, headers, body)
            return
        if fault.drop_connection:
            await self.app(scope, receive, _truncating(send))
            return
        await self.app(scope, receive, send)


async def _send_plain(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class ConnectionDroppedError(Exception):
    """Raised inside the server to cut a response short; uvicorn then closes the socket."""


def _truncating(send: Send) -> Send:
    """Sends the headers and half of the first body chunk, then aborts: a page cut mid-stream."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body = message.get("body", b"")
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
            raise ConnectionDroppedError("fault injection: connection dropped mid-page")
        await send(message)

    return wrapped
