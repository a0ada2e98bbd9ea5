"""Importing mqlsync.validate (as the DAG's steps module does at parse time) never imports GX."""

from __future__ import annotations

import subprocess
import sys


def test_import_of_mqlsync_validate_does_not_import_great_expectations():
    code = (
        "import sys, mqlsync.validate, mqlsync.validate.command\n"
        "from mqlsync.validate import load_suites\n"
        "from mqlsync.settings import PROJECT_ROOT\n"
        "load_suites(PROJECT_ROOT / 'expectations')\n"
        "assert 'great_expectations' not in sys.modules, 'GX imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
