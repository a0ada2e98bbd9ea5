"""Every HubSpot call of one extract task: budget and pacing, retries, rate-limit headers.

`HubSpotCaller.call` spends the task's `ApiBudget` before each attempt (which paces it and stops
the task at its budget), feeds HubSpot's rate-limit headers back to it, retries a `CrmTransientError`
with capped exponential backoff, and turns the daily limit into `BudgetExhaustedError` (the pull then
lands what it has, `complete=False`). Its other
methods are the reads the pulls make: search, list page, batch read with history, web-events page and
the v4 association batch read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.hubspot import HubSpotConnection
from mqlsync.errors import BudgetExhaustedError, CrmTransientError

if TYPE_CHECKING:  # hubspot.py imports this module
    from mqlsync.extract.hubspot import HubSpotExtractConfig

SYSTEM = "hubspot"
# Engagements are searched on `hs_lastmodifieddate`; contacts (and their forms) on `lastmodifieddate`.
ENGAGEMENTS = ("emails", "calls", "meetings")


class HubSpotCaller:
    """Every HubSpot call of one task: pacing and budget, retries, rate-limit headers."""

    def __init__(self, conn: HubSpotConnection, budget: ApiBudget, config: HubSpotExtractConfig, obj: str):
        self.conn = conn
        self.budget = budget
        self.config = config
        self.object_name = obj
        self.cursor_property = "hs_lastmodifieddate" if obj in ENGAGEMENTS else "lastmodifieddate"
        self._associations_batch: Any = None

    def call(self, endpoint: str, fn: Callable[[HubSpotConnection], Any], *, search: bool = False) -> Any:
        attempt = 0
        while True:
            self.budget.spend(endpoint, search=search)
            try:
                data, _status, headers = self.conn.call(fn, object_name=self.object_name)
                self.budget.observe_hubspot(headers)
                return data
            except CrmTransientError as err:
                if err.code == "RATE_LIMIT" and "daily" in str(err).lower():
                    raise BudgetExhaustedError(f"HubSpot daily limit reached: {err}") from err
                attempt += 1
                if attempt > self.config.retries:
                    raise
                time.sleep(min(self.config.retry_wait * 2 ** (attempt - 1), self.config.retry_wait_max))

    def search(self, body: dict[str, Any]) -> Any:
        if self.object_name in ("contacts", "form_submissions"):
            return self.call(
                "contacts search", lambda c: c.contacts_search.do_search_with_http_info(body), search=True
            )
        return self.call(
            f"{self.object_name} search",
            lambda c: c.objects_search.do_search_with_http_info(self.object_name, body),
            search=True,
        )

    def list_page(self, object_type: str, kwargs: dict[str, Any]) -> Any:
        if object_type == "contacts":
            return self.call("contacts list", lambda c: c.contacts_basic.get_page_with_http_info(**kwargs))
        return self.call(
            f"{object_type} list", lambda c: c.objects_basic.get_page_with_http_info(object_type, **kwargs)
        )

    def read_history(self, ids: list[str], prop: str) -> list[Any]:
        body = {"inputs": [{"id": i} for i in ids], "properties": [prop], "propertiesWithHistory": [prop]}
        page = self.call("contacts batch read", lambda c: c.contacts_batch.read_with_http_info(body))
        return list(page.results or [])

    def events_page(self, kwargs: dict[str, Any]) -> Any:
        return self.call("events", lambda c: c.events.get_page_with_http_info(**kwargs))

    def read_contact_associations(self, object_type: str, ids: list[str]) -> dict[str, list[str]]:
        """`{engagement id: [contact ids]}` by v4 batch read; an id without contacts is left out.

        HubSpot answers 207 with `NO_ASSOCIATIONS_FOUND` for those ids (not a failure). More than
        500 contacts on one engagement come in pages: the id is asked again with its `after`.
        """
        found: dict[str, list[str]] = {}
        pending = [{"id": str(i)} for i in ids]
        while pending:
            body = {"inputs": pending}
            page = self.call(
                f"{object_type} associations batch read",
                lambda c, b=body: self._batch_associations(c).get_page_with_http_info(
                    object_type, "contacts", b
                ),
            )
            pending = []
            for result in page.results or []:
                source = str(result._from.id)
                found.setdefault(source, []).extend(str(t.to_object_id) for t in result.to or [])
                if result.paging and result.paging.next and result.paging.next.after:
                    pending.append({"id": source, "after": result.paging.next.after})
            for error in getattr(page, "errors", None) or []:
                if "NO_ASSOCIATIONS_FOUND" not in str(error.sub_category or ""):
                    raise CrmTransientError(
                        f"HubSpot {object_type} association read failed for "
                        f"{len((error.context or {}).get('fromObjectId', []))} ids: {error.category}",
                        system=SYSTEM,
                        object=self.object_name,
                        code=error.category,
                    )
        return found

    def _batch_associations(self, conn: HubSpotConnection) -> Any:
        # Not cached on HubSpotConnection (crm/ is transport only and has no v4 member yet); built
        # once per connection client here, because each attribute access builds a new ApiClient.
        cached = self._associations_batch
        if cached is None or cached[0] is not conn.client:
            cached = (conn.client, conn.client.crm.associations.v4.batch_api)
            self._associations_batch = cached
        return cached[1]
