"""Salesforce's own error shapes: REST bodies are always a JSON list of `{message, errorCode, fields}`.

simple-salesforce maps the HTTP status to its exception and reads `errorCode` from the first element
(a 401 must say INVALID_SESSION_ID for the client to log in again), so both the status and the
wording follow Salesforce exactly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence


class SalesforceApiError(Exception):
    """An error answered as `[{"message", "errorCode", "fields"}]` with `status`."""

    def __init__(self, status: int, code: str, message: str, fields: Sequence[str] | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.fields = list(fields) if fields is not None else None
        super().__init__(f"{status} {code}: {message}")

    def body(self) -> list[dict[str, object]]:
        item: dict[str, object] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [item]

    def to_bytes(self) -> bytes:
        return json.dumps(self.body()).encode()


class RecordError(Exception):
    """A per-record failure (collections SaveResult, Bulk failedResults); `statusCode` not `errorCode`."""

    def __init__(self, code: str, message: str, fields: Sequence[str] = ()) -> None:
        self.code = code
        self.message = message
        self.fields = list(fields)
        super().__init__(f"{code}: {message}")

    def save_error(self) -> dict[str, object]:
        return {"statusCode": self.code, "message": self.message, "fields": self.fields}

    def bulk_error(self) -> str:
        """Bulk 2.0's `sf__Error` text: `CODE:message:field --`."""
        if self.fields:
            return f"{self.code}:{self.message}:{','.join(self.fields)} --"
        return f"{self.code}:{self.message}:--"

    def as_api_error(self, status: int = 400) -> SalesforceApiError:
        return SalesforceApiError(status, self.code, self.message, self.fields)


def invalid_session() -> SalesforceApiError:
    return SalesforceApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")


def not_found() -> SalesforceApiError:
    return SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist")


def invalid_type(name: str) -> SalesforceApiError:
    return SalesforceApiError(
        404,
        "NOT_FOUND",
        f"The requested resource does not exist: sObject type '{name}' is not supported.",
    )
