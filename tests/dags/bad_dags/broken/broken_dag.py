"""A DAG file with an import error, to prove the integrity check catches one."""

from airflow.sdk import dag

import mqlsync.no_such_module  # noqa: F401


@dag(schedule=None, tags=["harness"])
def broken():
    pass


broken()
