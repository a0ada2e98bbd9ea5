"""A DAG file that does heavy work at import, to prove the 1 s import budget is enforced."""

import time

from airflow.sdk import dag

time.sleep(1.5)  # stands for a top-level GX import or a network call


@dag(schedule=None, tags=["harness"])
def slow():
    pass


slow()
