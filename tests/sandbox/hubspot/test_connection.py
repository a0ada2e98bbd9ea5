"""mqlsync's HubSpot connection: sandbox vs real portal is only a config change."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from mqlsync.crm.hubspot import (
    DEFAULT_HOST,
    HubSpotConnection,
    HubSpotConnectionConfig,
    connect_hubspot,
    retry_policy,
    translate_error,
)
from mqlsync.errors import CrmTerminalError, CrmTransientError


def test_default_host_is_the_real_portal():
    config = HubSpotConnectionConfig(access_token="pat-na1-x")
    assert config.host == DEFAULT_HOST
    assert config.is_sandbox is False
    assert "pat-na1-x" not in repr(config)


def test_host_must_have_a_scheme():
    with pytest.raises(ValidationError):
        HubSpotConnectionConfig(access_token="t", host="127.0.0.1:8802")


def test_retry_policy_retries_post_429_and_5xx_and_honours_retry_after():
    retry = retry_policy(HubSpotConnectionConfig(access_token="t", retries=4, backoff_factor=0.5))
    assert retry.allowed_methods is None
    assert set(retry.status_forcelist) == {429, 500, 502, 503, 504}
    assert retry.respect_retry_after_header is True
    assert retry.total == 4


@pytest.mark.parametrize(
    ("conn", "host"),
    [
        (
            SimpleNamespace(conn_type="http", host="127.0.0.1", port=8802, password="tok", extra_dejson={}),
            "http://127.0.0.1:8802",
        ),
        (
            SimpleNamespace(conn_type="hubspot", host=None, port=None, password="tok", extra_dejson={}),
            DEFAULT_HOST,
        ),
        (
            SimpleNamespace(
                conn_type="hubspot",
                host="",
                port=None,
                password=None,
                extra_dejson={"access_token": "tok", "retries": 2},
            ),
            DEFAULT_HOST,
        ),
    ],
)
def test_from_airflow_connection(conn, host):
    config = HubSpotConnectionConfig.from_connection(conn)
    assert config.host == host
    assert config.access_token.get_secret_value() == "tok"


def test_the_same_code_reaches_the_sandbox_by_config_alone(hubspot_sandbox):
    client = connect_hubspot(
        HubSpotConnectionConfig(access_token=hubspot_sandbox.token, host=hubspot_sandbox.url + "/")
    )
    assert client.crm.contacts.basic_api.get_by_id("101").id == "101"


def test_connection_caches_api_objects(hubspot_sandbox):
    connection = hubspot_sandbox.connection()
    assert connection.contacts_basic is connection.contacts_basic
    connection.reconnect()
    assert connection.reconnects == 1


@pytest.mark.parametrize(
    ("status", "category", "kind"),
    [
        (429, "RATE_LIMIT", CrmTransientError),
        (503, "SERVICE_UNAVAILABLE", CrmTransientError),
        (401, "EXPIRED_AUTHENTICATION", CrmTransientError),
        (401, "INVALID_AUTHENTICATION", CrmTerminalError),
        (400, "VALIDATION_ERROR", CrmTerminalError),
        (409, "CONFLICT", CrmTerminalError),
    ],
)
def test_translate_error_says_whether_a_retry_can_help(status, category, kind):
    err = SimpleNamespace(status=status, body=json.dumps({"category": category, "message": "m"}))
    translated = translate_error(err, object_name="contacts")
    assert isinstance(translated, kind)
    assert translated.status == status
    assert translated.code == category


def test_call_raises_terminal_error_for_a_bad_token(hubspot_sandbox):
    connection = HubSpotConnection(hubspot_sandbox.config(access_token="pat-na1-wrong"))
    with pytest.raises(CrmTerminalError) as err:
        connection.call(lambda c: c.contacts_basic.get_page(limit=1), object_name="contacts")
    assert err.value.code == "INVALID_AUTHENTICATION"
