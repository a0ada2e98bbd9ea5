"""Session-wide test setup: isolate every run from the developer's data and settings.

Shared fixtures live in tests/fixtures/<area>.py and are registered in `pytest_plugins` below.
"""

from __future__ import annotations

import os

# Before anything imports great_expectations or airflow.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
for _key in [k for k in os.environ if k.startswith("MQLSYNC_")]:
    del os.environ[_key]

pytest_plugins: list[str] = [
    "tests.fixtures.basics",
]
