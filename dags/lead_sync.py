"""Hourly lead sync: pull every CRM object changed in the data interval into the raw landing, then
normalize and store it (people, events, quarantine) and move the watermarks in one transaction.

Each (system, object) is its own mapped task, so one slow or rate-limited object retries alone. Each
CRM's extracts run in that CRM's pool (pools.json): HubSpot's rate window is shared by the whole
portal, so its pool has one slot and the in-task pacer owns the window. Logic lives in include/mqlsync.
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
    extract = {
        system: task(
            steps.extract, task_id=f"extract_{system}", pool=f"{system}_api", retry_policy=CRM_RETRIES
        )
        .partial(run=run)
        .expand(source=steps.sources_of(system))
        for system in ("salesforce", "hubspot")
    }
    task(steps.load)(extract["salesforce"], extract["hubspot"], run)


lead_sync()
