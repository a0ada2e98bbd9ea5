"""The batch gates: a check whose failing share is above its gate stops the run, all listed at once."""

from __future__ import annotations

from pathlib import Path

from mqlsync.errors import QualityGateError
from mqlsync.validate.validation import Validation

SAMPLE_IDS = 3


def check_gates(validation: Validation, *, details: Path | None = None) -> None:
    """Raise QualityGateError naming every check over its gate (rows, share, gate, sample record
    ids); `details` is where the results were written (quoted in the message). Returns when all pass."""
    results = validation.results
    over = results[results["gate_failed"]]
    if over.empty:
        return
    quarantined = validation.quarantined
    reasons = {
        (row.suite, row.check): _reason(validation, row.suite, row.check)
        for row in over.itertuples(index=False)
    }
    failures = []
    for row in over.itertuples(index=False):
        mine = quarantined[
            (quarantined["table_name"] == row.table_name)
            & (quarantined["check"] == row.check)
            & quarantined["reason"].str.startswith(f"{row.suite}: ")
        ]
        failures.append(
            {
                "suite": row.suite,
                "check": row.check,
                "column": row.column,
                "reason": reasons[(row.suite, row.check)],
                "failed": int(row.failed),
                "evaluated": int(row.evaluated),
                "gate": float(row.gate),
                "row_level": row.expectation != "expect_column_max_to_be_between",
                "sample_ids": [str(i) for i in mine["record_id"].dropna().drop_duplicates().head(SAMPLE_IDS)],
            }
        )
    checks = results.groupby("suite").size().to_dict()
    rows = results.groupby("suite")["evaluated"].max().to_dict()
    raise QualityGateError(failures, checks=checks, rows=rows, details=str(details) if details else None)


def _reason(validation: Validation, suite: str, check: str) -> str:
    for result in validation.gx_results.get(suite, {}).get("results", []):
        meta = result.get("expectation_config", {}).get("meta", {})
        if meta.get("check") == check:
            return str(meta.get("reason", check))
    return check
