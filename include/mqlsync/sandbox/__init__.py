"""The CRM sandbox: local Salesforce and HubSpot emulators that the unmodified clients talk to.

- `faults`: fault profiles and the per-request injector both emulators share.
- `admin`: the `/__admin__` inspection router and call counters (tests and benchmarks only).
- `server`: `SandboxServer` (uvicorn in a thread, port 0) and `serve_both`.
- `world`: reading the generator's world directory.
- `salesforce/`, `hubspot/`: the emulators. `command`: `mqlsync sandbox serve`.

See docs/sandbox.md for connecting the real clients.
"""
