"""A thin sample DAG that exercises the harness: a windowed schedule, params, one mqlsync call."""

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task


@dag(
    schedule=CronTriggerTimetable("0 * * * *", timezone="UTC", interval=timedelta(hours=1)),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    default_args={"owner": "mqlsync", "retries": 2},
    tags=["mqlsync", "harness"],
    params={"email": "jane.doe@example.com"},
)
def harness_sample():
    @task
    def mask(params=None, data_interval_start=None, data_interval_end=None) -> dict:
        from mqlsync.log import mask_email

        return {
            "masked": mask_email(params["email"]),
            "window_hours": (data_interval_end - data_interval_start).total_seconds() / 3600,
        }

    @task
    def check(result: dict) -> None:
        assert result["masked"] == "j***@example.com", result
        assert result["window_hours"] == 1, result

    check(mask())


harness_sample()
