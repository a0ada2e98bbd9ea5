"""Logging that never prints a secret or a full email address.

`MaskingFilter` rewrites every record's final message: emails become `j***@example.com`, and
bearer tokens, session ids, passwords, private-app tokens and Salesforce session ids become `***`.
`configure_logging` installs it on the root handlers, and `install_record_redaction` redacts every
stdlib record as it is created, so it holds inside Airflow tasks too, whose handlers are Airflow's.
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_SECRETS = [
    # Authorization headers and bearer tokens
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=!-]+"), r"\1***"),
    # key=value / key: value / "key": "value" for secret-looking keys
    (
        re.compile(
            r"(?i)([\"']?(?:password|passwd|secret|client_secret|consumer_secret|token|access_token|"
            r"refresh_token|session_id|sessionid|security_token|api_key|apikey|private_key|authorization)"
            r"[\"']?\s*[:=]\s*[\"']?)([^\s\"',;}&]+)"
        ),
        r"\1***",
    ),
    # HubSpot private-app tokens and Salesforce session ids (00D…!…)
    (re.compile(r"\bpat-[a-z]{2,4}\d?-[0-9a-f-]{8,}\b", re.I), "***"),
    (re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"), "***"),
    # <sessionId>…</sessionId> in SOAP bodies
    (re.compile(r"(<sessionId>)[^<]+(</sessionId>)"), r"\1***\2"),
]


def mask_email(email: str) -> str:
    """`jane.doe@example.com` -> `j***@example.com`; anything not an email is returned as is."""
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", email)


def redact(text: str) -> str:
    """Mask secrets first (they may contain @), then emails."""
    for pattern, repl in _SECRETS:
        text = pattern.sub(repl, text)
    return mask_email(text)


class MaskingFilter(logging.Filter):
    """Render the message once, redact it, and freeze it so handlers cannot re-render the raw args."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not leak its args either
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


_redacting = False


def install_record_redaction() -> None:
    """Redact every stdlib LogRecord at creation, whichever handler (ours, Airflow's) writes it."""
    global _redacting
    if _redacting:
        return
    previous = logging.getLogRecordFactory()
    masking = MaskingFilter()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        masking.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _redacting = True


def install_masking(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of `logger` (default root), once."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())


def configure_logging(level: str = "INFO") -> None:
    """Plain-text logging to stderr with masking on every root handler."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    install_masking(root)
    install_record_redaction()


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)
