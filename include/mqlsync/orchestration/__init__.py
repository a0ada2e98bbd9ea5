"""What the DAGs call: steps, retry policies, hooks. The only package that imports Airflow.

Importing the package imports nothing heavy: `CRM_RETRIES` and `DEFAULT_ARGS` load `defaults` (and so
airflow.sdk) on first use, and `demo` must be able to set AIRFLOW_HOME before Airflow is imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CRM_RETRIES", "DEFAULT_ARGS"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from mqlsync.orchestration import defaults

        return getattr(defaults, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
