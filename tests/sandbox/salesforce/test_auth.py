"""Auth: session id, OAuth2 (client credentials, password), SOAP login, 401 INVALID_SESSION_ID."""

from __future__ import annotations

import pytest
import requests
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceExpiredSession

from mqlsync.crm.salesforce import SalesforceConnectionConfig, connect_salesforce, salesforce_kwargs
from mqlsync.sandbox.salesforce.auth import SandboxCredentials

CREDS = SandboxCredentials()


@pytest.mark.parametrize(
    "extra",
    [
        {"consumer_key": CREDS.consumer_key, "consumer_secret": CREDS.consumer_secret, "domain": "acme.my"},
        {
            "username": CREDS.username,
            "password": CREDS.password,
            "consumer_key": CREDS.consumer_key,
            "consumer_secret": CREDS.consumer_secret,
        },
        {"username": CREDS.username, "password": CREDS.password, "security_token": ""},
    ],
    ids=["client_credentials", "oauth_password", "soap_password"],
)
def test_every_login_mode_reaches_the_sandbox(salesforce_sandbox, extra):
    sf = connect_salesforce(SalesforceConnectionConfig(sandbox_url=salesforce_sandbox.url, **extra))
    assert sf.session_id != salesforce_sandbox.token
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] == 3


def test_wrong_credentials_fail_authentication(salesforce_sandbox):
    config = SalesforceConnectionConfig(
        consumer_key="k", consumer_secret="wrong", domain="acme.my", sandbox_url=salesforce_sandbox.url
    )
    with pytest.raises(SalesforceAuthenticationFailed):
        connect_salesforce(config)


def test_invalid_session_is_401_with_a_json_list(salesforce_sandbox):
    sf = salesforce_sandbox.client(session_id="00DXX0000000001!bogus")
    with pytest.raises(SalesforceExpiredSession) as info:
        sf.query("SELECT Id FROM User")
    assert info.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_expired_session_logs_in_again_with_credentials_but_not_with_a_bare_session(
    salesforce_sandbox_factory,
):
    sandbox = salesforce_sandbox_factory()
    bare = sandbox.client()
    oauth = sandbox.oauth_client()
    sandbox.admin.post("expire-sessions")
    assert oauth.query("SELECT COUNT() FROM User")["totalSize"] == 3
    with pytest.raises(SalesforceExpiredSession):
        bare.query("SELECT Id FROM User")


def test_config_maps_airflow_connection_extras():
    config = SalesforceConnectionConfig.from_connection(
        host="acme.my.salesforce.com",
        extra={
            "extra__salesforce__session_id": "00Dx!tok",
            "sandbox_url": "http://127.0.0.1:8801",
            "version": "v60.0",
        },
    )
    assert config.instance_url == "https://acme.my.salesforce.com"
    assert config.is_sandbox
    assert config.version == "60.0"
    assert salesforce_kwargs(config) == {
        "version": "60.0",
        "session_id": "00Dx!tok",
        "instance_url": "https://acme.my.salesforce.com",
    }
    assert "00Dx!tok" not in repr(config)


def test_sandbox_session_ignores_machine_ca_bundle(salesforce_sandbox, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    sf = salesforce_sandbox.client()
    assert sf.query("SELECT COUNT() FROM User")["totalSize"] == 3
    assert requests.get(f"{salesforce_sandbox.url}/services/data/").status_code == 200
