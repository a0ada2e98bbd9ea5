"""Run an emulator app with uvicorn on 127.0.0.1 in a background thread.

The CLI, the pytest fixtures and the embedded demo all need the same thing: a real HTTP server (the
clients must not be able to tell), started and stopped from Python, on a port the OS picks when
tests run in parallel. Binding the socket ourselves is what makes port 0 usable: the bound port is
known before uvicorn starts, so there is no race between choosing and using it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from mqlsync.sandbox.faults import FaultInjector

log = logging.getLogger(__name__)


class SandboxServer:
    """A uvicorn server for `app` on `host:port` (port 0 = any free port) for the life of a `with`."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, name: str = "sandbox") -> None:
        self.app = app
        self.host = host
        self.name = name
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The plain-HTTP base URL, e.g. `http://127.0.0.1:8801`."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"{self.name}-uvicorn",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} server did not start on {self.url}")
            time.sleep(0.01)
        log.info("%s listening on %s", self.name, self.url)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        with contextlib.suppress(OSError):
            self._sock.close()

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in the CLI)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class SandboxPair:
    """Both running emulators, with what a client needs to reach them."""

    salesforce: SandboxServer
    hubspot: SandboxServer
    salesforce_token: str
    hubspot_token: str

    def airflow_connections(self) -> dict[str, str]:
        """`AIRFLOW_CONN_*` values that point `salesforce_default` and `hubspot_default` at this pair.

        Switching to a real org and portal is only a change of these two connections.
        """
        salesforce = {
            "conn_type": "salesforce",
            "extra": {
                "instance_url": "https://sandbox.my.salesforce.com",
                "session_id": self.salesforce_token,
                "sandbox_url": self.salesforce.url,
            },
        }
        hubspot = {
            "conn_type": "http",
            "host": self.hubspot.host,
            "port": self.hubspot.port,
            "password": self.hubspot_token,
        }
        return {
            "AIRFLOW_CONN_SALESFORCE_DEFAULT": json.dumps(salesforce),
            "AIRFLOW_CONN_HUBSPOT_DEFAULT": json.dumps(hubspot),
        }


@contextlib.contextmanager
def serve_both(
    world_dir: Path,
    *,
    host: str = "127.0.0.1",
    salesforce_port: int = 0,
    hubspot_port: int = 0,
    faults: str = "none",
    seed: int = 0,
    hubspot_tier: str = "professional",
    admin: bool = True,
    salesforce_token: str | None = None,
    hubspot_token: str | None = None,
) -> Iterator[SandboxPair]:
    """Start the Salesforce and HubSpot emulators over one world directory.

    Each app gets its own FaultInjector (same profile and seed) so the two systems' decisions are
    independent.
    """
    from mqlsync.sandbox.hubspot.app import create_app as create_hs_app
    from mqlsync.sandbox.salesforce.app import DEFAULT_SESSION_ID
    from mqlsync.sandbox.salesforce.app import create_app as create_sf_app

    sf_token = salesforce_token or DEFAULT_SESSION_ID
    hs_token = hubspot_token or "pat-na1-00000000-0000-4000-8000-000000000000"
    sf_app = create_sf_app(
        world_dir, faults=FaultInjector.from_name(faults, seed), admin=admin, token=sf_token
    )
    hs_app = create_hs_app(
        world_dir,
        tier=hubspot_tier,
        faults=FaultInjector.from_name(faults, seed),
        admin=admin,
        token=hs_token,
    )
    with contextlib.ExitStack() as stack:
        sf = stack.enter_context(SandboxServer(sf_app, host=host, port=salesforce_port, name="salesforce"))
        hs = stack.enter_context(SandboxServer(hs_app, host=host, port=hubspot_port, name="hubspot"))
        yield SandboxPair(sf, hs, sf_token, hs_token)
