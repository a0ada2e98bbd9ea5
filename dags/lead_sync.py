"""Hourly lead sync: begin the run, pull every CRM object changed in the data interval into the raw
landing, normalize it, validate it (the quality gate: nothing is stored when it fails), store it
(people, events, quarantine, watermarks in one transaction), score.

Tasks hand each other the run folder (`data/runs/<run_id>/<stage>/` with a manifest written last),
never frames; a retried task returns the stage it already finished. Each (system, object) of the
object table is its own mapped task, so one slow or rate-limited object retries alone, in its CRM's
pool (pools.json): HubSpot's rate window is shared by the whole portal, so its pool has one slot and
the in-task pacer owns the window. Identity resolution goes between store and score, plan and push
after score. Logic lives in include/mqlsync.
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
    on_failure_callback=steps.fail_run,
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
        for system in steps.SYSTEMS
    }
    normalized = task(steps.normalize)(list(extract.values()), run)
    validated = task(steps.validate, retry_policy=CRM_RETRIES)(normalized, run)  # a failed gate: no retry
    stored = task(steps.store)(normalized, validated, run)
    scored = task(steps.score)(stored, run)
    task(steps.end_run)(scored, run)


lead_sync()
