"""The validate stage: suites from expectations/ -> accepted rows, quarantined rows, results.

`load_suites` reads the suite files, `validate_tables` runs them (GX for the verdict, pandas masks
for the rows), `check_gates` stops the run when a gate fails, `write_data_docs` renders the results
as static HTML. Great Expectations is imported only when a suite runs, so importing this is cheap.
"""

from __future__ import annotations

from mqlsync.validate.docs import write_data_docs
from mqlsync.validate.gates import check_gates
from mqlsync.validate.suites import Expectation, Suite, load_suites
from mqlsync.validate.validation import RESULT_COLUMNS, Validation, validate_tables

__all__ = [
    "RESULT_COLUMNS",
    "Expectation",
    "Suite",
    "Validation",
    "check_gates",
    "load_suites",
    "validate_tables",
    "write_data_docs",
]
