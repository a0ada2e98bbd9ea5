"""The exception family, split by what the person on call should do.

`TransientError`: trying again later may work (429, 5xx, timeouts). `TerminalError`: someone must
change something (bad config, bad credentials, a failed quality gate). Evidence stays on attributes;
messages quote ids and counts, never names or emails.
"""

from __future__ import annotations

from collections.abc import Sequence


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
    """Mixin-style base for CRM failures; carries the system, object and the CRM's own error code."""

    def __init__(
        self,
        message: str,
        *,
        system: str,
        object: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.system = system
        self.object = object
        self.status = status
        self.code = code
        super().__init__(message)


class CrmTransientError(CrmError, TransientError):
    """Rate limited, 5xx, timeout, dropped connection."""


class CrmTerminalError(CrmError, TerminalError):
    """Invalid credentials, missing field, malformed query: a person must act."""


class BudgetExhaustedError(TransientError):
    """The API budget for this run is spent; the next run continues from the stored watermark."""


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
