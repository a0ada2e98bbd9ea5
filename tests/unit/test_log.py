"""No secret and no full email address reaches a log line, including tracebacks and library loggers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from mqlsync.log import mask_email, redact

SECRETS = [
    "pat-na1-11111111-2222-3333-4444-555555555555",
    "00D5e000000AbCd!AQ4AQFakeSessionTokenValue.123",
    "hunter2-password",
    "sk_live_consumer_secret_value",
]


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("jane.doe@example.com", "j***@example.com"),
        ("contact J.Smith+lab@uni-heidelberg.de now", "contact J***@uni-heidelberg.de now"),
        ("no email here", "no email here"),
        ("two: a@x.org, bob@y.co.uk", "two: a***@x.org, b***@y.co.uk"),
    ],
)
def test_emails_keep_first_letter_and_domain(raw, masked):
    assert mask_email(raw) == masked


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer {s0}",
        "session_id={s1} instance=https://x.my.salesforce.com",
        '{{"password": "{s2}", "username": "u"}}',
        "consumer_secret: {s3}",
        "token={s0}&after=100",
        "<sessionId>{s1}</sessionId>",
    ],
)
def test_secrets_are_redacted(line):
    text = line.format(s0=SECRETS[0], s1=SECRETS[1], s2=SECRETS[2], s3=SECRETS[3])
    out = redact(text)
    assert not any(secret in out for secret in SECRETS), out
    assert "***" in out


def test_real_log_output_never_shows_secrets_or_full_emails():
    """Run a real process that logs through mqlsync's configuration and read what it printed."""
    script = textwrap.dedent(
        f"""
        import logging
        from mqlsync.log import configure_logging
        configure_logging("DEBUG")
        log = logging.getLogger("mqlsync.extract")
        log.info("pulled lead %s for %s", "00Q5e00000AbCdEFGH", "jane.doe@example.com")
        log.warning("retrying with Authorization: Bearer %s", {SECRETS[0]!r})
        logging.getLogger("urllib3.connectionpool").debug("POST /token password=%s", {SECRETS[2]!r})
        logging.getLogger("simple_salesforce").info("login as dr.who@tardis.org session_id=%s", {SECRETS[1]!r})
        try:
            raise ValueError("bad row for mary.major@pharma.example consumer_secret=" + {SECRETS[3]!r})
        except ValueError:
            log.exception("row rejected")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    output = proc.stdout + proc.stderr
    for secret in SECRETS:
        assert secret not in output
    for email in ("jane.doe@example.com", "dr.who@tardis.org", "mary.major@pharma.example"):
        assert email not in output
    assert "j***@example.com" in output
    assert "m***@pharma.example" in output  # inside the traceback
    assert "00Q5e00000AbCdEFGH" in output  # ids are fine to log
    assert output.count("\n") >= 5


def test_records_are_redacted_for_handlers_that_are_not_ours():
    """Inside an Airflow task the handlers are Airflow's; the record itself must already be masked."""
    script = textwrap.dedent(
        f"""
        import logging, sys
        from mqlsync.log import install_record_redaction
        install_record_redaction()
        handler = logging.StreamHandler(sys.stdout)  # stands for Airflow's task handler: no filter of ours
        logging.getLogger().addHandler(handler)
        logging.getLogger("mqlsync.extract").warning("lead %s token=%s", "ann.lee@bio.example", {SECRETS[0]!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "ann.lee@bio.example" not in proc.stdout
    assert SECRETS[0] not in proc.stdout
    assert "a***@bio.example" in proc.stdout
