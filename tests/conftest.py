"""Session-wide test setup: isolate every run from the developer's data and settings.

Shared fixtures live in tests/fixtures/<area>.py and are registered in `pytest_plugins` below.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports great_expectations or airflow.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
for _key in [k for k in os.environ if k.startswith("MQLSYNC_")]:
    del os.environ[_key]

# Airflow reads these at import; each xdist worker gets its own home and SQLite metadata DB.
# AIRFLOW__CORE__UNIT_TEST_MODE stays unset: it changes timetable semantics (see shared notes).
_ROOT = Path(__file__).resolve().parents[1]
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_airflow_home = tempfile.mkdtemp(prefix=f"mqlsync_airflow_{_worker}_")
os.environ["AIRFLOW_HOME"] = _airflow_home
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(_ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_airflow_home}/airflow.db"
os.environ.pop("AIRFLOW__CORE__UNIT_TEST_MODE", None)

pytest_plugins: list[str] = [
    "tests.fixtures.basics",
    "tests.fixtures.world",
    "tests.fixtures.sandbox",
    "tests.fixtures.hubspot_sandbox",
    "tests.fixtures.airflow",
    "tests.fixtures.store",
]
