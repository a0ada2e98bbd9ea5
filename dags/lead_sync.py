"""Hourly lead sync: pull every CRM object changed in the data interval into the raw landing, then
normalize and store it (people, events, quarantine) and move the watermarks in one transaction.

Each (system, object) is its own mapped task, so one slow or rate-limited object retries alone.
Scoring, validation and write-back join this DAG in later stages. Logic lives in include/mqlsync.
"""

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task

from mqlsync.orchestration import CRM_RETRIES, DEFAULT_ARGS, steps


@dag(
    schedule=CronTriggerTimetable("0 * * * *", timezone="UTC", interval=timedelta(hours=1)),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["mqlsync"],
    doc_md=__doc__,
)
def lead_sync():
    run = task(steps.begin_run)()
    landed = task(steps.extract, retry_policy=CRM_RETRIES).partial(run=run).expand(source=steps.SOURCES)
    task(steps.load)(landed, run)


lead_sync()
