"""What the DAGs call: steps, retry policies, hooks. The only package that imports Airflow.

DAG files import it at parse time, so nothing here imports pandas, GX or a CRM client at module
level; `steps` and `hooks` import them inside their functions.
"""

from mqlsync.orchestration.defaults import CRM_RETRIES, DEFAULT_ARGS

__all__ = ["CRM_RETRIES", "DEFAULT_ARGS"]
