"""DAG defaults and retry policies shared by every mqlsync DAG.

Cheap to import (the DAG files import it at parse time): airflow.sdk only, exceptions by dotted path.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

DEFAULT_ARGS = {
    "owner": "mqlsync",
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
}

# Transient CRM trouble (429, 5xx, timeouts, a spent budget) waits and retries; a terminal error
# (bad credentials, missing field, failed quality gate) fails at once so on-call sees it now.
CRM_RETRIES = ExceptionRetryPolicy(
    rules=[
        RetryRule(
            exception="mqlsync.errors.TerminalError",
            action=RetryAction.FAIL,
            reason="terminal: someone must change something before a retry can help",
        ),
        RetryRule(
            exception="mqlsync.errors.TransientError",
            action=RetryAction.RETRY,
            retry_delay=timedelta(minutes=2),
            reason="transient CRM error: backing off",
        ),
    ]
)
