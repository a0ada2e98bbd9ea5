# The mqlsync image: the official Airflow image plus the pinned project and its library.
FROM apache/airflow:3.3.2-python3.11

USER airflow
COPY --chown=airflow:root requirements.lock pyproject.toml README.md pools.json /opt/mqlsync/
COPY --chown=airflow:root include /opt/mqlsync/include
RUN pip install --no-cache-dir -r /opt/mqlsync/requirements.lock \
 && pip install --no-cache-dir --no-deps -e /opt/mqlsync
