"""The exception family, split by what the person on call should do.

`TransientError`: trying again later may work (429, 5xx, timeouts). `TerminalError`: someone must
change something (bad config, bad credentials, a failed quality gate). Evidence stays on attributes;
messages quote ids and counts, never names or emails.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class MqlsyncError(Exception):
    """Base of every error mqlsync raises on purpose."""


class TransientError(MqlsyncError):
    """Retrying later may succeed."""


class TerminalError(MqlsyncError):
    """Retrying will not help until someone changes something."""


class ConfigError(TerminalError):
    """A settings or model file (or environment variable) is invalid; lists every problem at once."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{source} has {len(self.problems)} {noun}"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class SchemaError(TerminalError):
    """A table does not match its contract (see mqlsync.schemas)."""

    def __init__(self, table: str, problems: Sequence[str], *, sample_ids: Sequence[str] = ()) -> None:
        self.table = table
        self.problems = list(problems)
        self.sample_ids = list(sample_ids)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"table {table} breaks its contract: {len(self.problems)} {noun}"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class CrmError(MqlsyncError):
    """Base of CRM failures: the system, endpoint and object, the HTTP status, the CRM's own code."""

    def __init__(
        self,
        message: str,
        *,
        system: str,
        endpoint: str | None = None,
        object: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.system = system
        self.endpoint = endpoint
        self.object = object
        self.status = status
        self.code = code
        super().__init__(message)


class CrmTransientError(CrmError, TransientError):
    """Rate limited, 5xx, timeout, dropped connection; `retry_after` is the CRM's own wait, if sent."""

    def __init__(self, message: str, *, retry_after: float | None = None, **evidence: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **evidence)


class CrmTerminalError(CrmError, TerminalError):
    """Invalid credentials, missing field, malformed query: a person must act."""


class CrmConnectionError(CrmTerminalError):
    """A connection that cannot work as defined (missing, invalid, refused at login); never the secret."""

    def __init__(self, conn_id: str, problems: Sequence[str], *, fix: str, **evidence: Any) -> None:
        self.conn_id = conn_id
        self.problems = list(problems)
        self.fix = fix
        system = evidence.pop("system")
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{system} connection {conn_id} has {len(self.problems)} {noun}"]
        lines += [f"  {p}" for p in self.problems] + [f"  fix: {fix}"]
        super().__init__("\n".join(lines), system=system, **evidence)

    @classmethod
    def from_validation(cls, system: str, conn_id: str, err: Any) -> CrmConnectionError:
        """Every invalid field of a pydantic ValidationError, by location and reason, never the value."""
        problems = [f"{'.'.join(map(str, e['loc'])) or 'connection'}: {e['msg']}" for e in err.errors()]
        return cls(
            conn_id, problems, fix=f"correct those fields of Airflow connection {conn_id}", system=system
        )


class SessionExpiredError(CrmTransientError):
    """The CRM refused the session (Salesforce INVALID_SESSION_ID, HubSpot EXPIRED_AUTHENTICATION)."""


class BudgetExhaustedError(TransientError):
    """The API budget for this run is spent; the next run continues from the stored watermark."""


class DailyLimitError(CrmTransientError, BudgetExhaustedError):
    """The CRM says its daily allocation is spent: never retried now, the next run continues."""


class WatermarkRegressionError(TerminalError):
    """A watermark would move backwards; rewinding (to re-extract) must be asked for with force=True."""

    def __init__(self, system: str, object: str, *, stored: object, proposed: object) -> None:
        self.system = system
        self.object = object
        self.stored = stored
        self.proposed = proposed
        super().__init__(
            f"watermark {system}/{object} would move backwards: stored {stored}, proposed {proposed}; "
            "nothing was changed (to re-extract on purpose, set it again with force=True)"
        )


class QualityGateError(TerminalError):
    """Rows failing a check exceeded its gate: the run stops before anything is stored or written.

    `failures` holds one mapping per gate that failed: suite, check, reason, column, failed,
    evaluated, gate, sample_ids (record ids, never emails)."""

    def __init__(
        self,
        failures: Sequence[dict[str, Any]],
        *,
        checks: dict[str, int],
        rows: dict[str, int],
        details: str | None = None,
    ) -> None:
        self.failures = [dict(f) for f in failures]
        self.suites = list(dict.fromkeys(f["suite"] for f in self.failures))
        self.suite = self.suites[0] if self.suites else None
        self.sample_ids = [i for f in self.failures for i in f.get("sample_ids", [])]
        self.details = details
        lines = []
        for suite in self.suites:
            mine = [f for f in self.failures if f["suite"] == suite]
            noun = "check" if checks.get(suite, 0) == 1 else "checks"
            lines.append(
                f"suite {suite} failed {len(mine)} of {checks.get(suite, 0)} {noun} on {rows.get(suite, 0):,} rows; "
                "nothing was stored or written to a CRM"
            )
            for f in mine:
                rows_noun = "row" if f["failed"] == 1 else "rows"
                seen = f"{f['failed']:,} {rows_noun} ({100 * f['failed'] / max(f['evaluated'], 1):.1f} %, gate {100 * f['gate']:g} %)"
                if not f.get("row_level", True):
                    seen = f"the batch failed (gate {100 * f['gate']:g} %)"
                sample = f" e.g. {', '.join(f['sample_ids'])}" if f.get("sample_ids") else ""
                lines.append(f"  {f['check']} {f['reason']}: {seen}{sample}")
        if details:
            lines.append(f"  details: {details}")
        super().__init__("\n".join(lines))
