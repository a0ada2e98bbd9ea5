"""Settings: defaults, precedence, and errors that name the source, key, value and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from mqlsync.errors import ConfigError
from mqlsync.settings import DEFAULT_MODEL_PATH, load_settings


def test_defaults_put_the_sqlite_store_under_the_data_dir(tmp_path):
    s = load_settings(environ={}, data_dir=tmp_path)
    assert s.store_url == f"sqlite:///{(tmp_path / 'mqlsync.db').resolve()}"
    assert s.salesforce_conn_id == "salesforce_default"
    assert s.hubspot_conn_id == "hubspot_default"
    assert s.model_path == DEFAULT_MODEL_PATH


def test_environment_overrides_the_yaml_file(tmp_path):
    cfg = tmp_path / "mqlsync.yaml"
    cfg.write_text("data_dir: /from/file\nhubspot_conn_id: hs_file\n")
    s = load_settings(cfg, environ={"MQLSYNC_DATA_DIR": "/from/env"})
    assert s.data_dir == Path("/from/env")
    assert s.hubspot_conn_id == "hs_file"


def test_config_file_is_found_through_the_environment(tmp_path):
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("state_store_url: postgresql+psycopg://127.0.0.1/mqlsync\n")
    s = load_settings(environ={"MQLSYNC_CONFIG": str(cfg)})
    assert s.store_url == "postgresql+psycopg://127.0.0.1/mqlsync"


def test_postgres_url_spellings_are_accepted():
    for url in ("postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"):
        assert load_settings(environ={}, state_store_url=url).store_url == url


def test_every_bad_value_is_reported_with_key_value_and_fix(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("state_store_url: mysql://db\nlog_levl: DEBUG\n")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    message = str(err.value)
    assert str(cfg) in message
    assert "2 problems" in message
    assert "state_store_url: 'mysql://db'" in message
    assert "sqlite:/// or postgresql+psycopg://" in message
    assert "log_levl" in message
    assert "unknown key" in message


def test_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError) as err:
        load_settings(environ={"MQLSYNC_LOG_LEVEL": "LOUD"})
    assert "MQLSYNC_LOG_LEVEL" in str(err.value)
    assert "'LOUD'" in str(err.value)


def test_missing_or_broken_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "absent.yaml", environ={})
    broken = tmp_path / "broken.yaml"
    broken.write_text("data_dir: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(broken, environ={})
