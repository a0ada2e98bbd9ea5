"""The HubSpot reads of one extract task, every call through the one call layer (`crm.calls`).

`HubSpotCaller` gives each read to a `CrmCaller`: it spends the task's `ApiBudget` before each attempt
(pacing, budget stop), feeds HubSpot's rate-limit headers back to it, retries a `CrmTransientError`
per `HubSpotExtractConfig.retries/retry_wait/retry_wait_max`, and raises HubSpot's spent daily limit
(`policyName` DAILY) as `DailyLimitError`, a `BudgetExhaustedError`: the pull then lands what it has,
`complete=False`. The reads: search, list page, batch read with history, web-events page and the v4
association batch read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mqlsync.crm.budget import ApiBudget
from mqlsync.crm.calls import CrmCaller, RetrySettings
from mqlsync.crm.hubspot import HubSpotCalls, HubSpotConnection
from mqlsync.errors import CrmTransientError
from mqlsync.extract.objects import crm_object

if TYPE_CHECKING:  # hubspot.py imports this module
    from mqlsync.extract.hubspot import HubSpotExtractConfig

SYSTEM = "hubspot"


class HubSpotCaller:
    """The HubSpot reads of one task; `calls` (a `CrmCaller`) makes every one of them."""

    def __init__(self, conn: HubSpotConnection, budget: ApiBudget, config: HubSpotExtractConfig, obj: str):
        self.conn = conn
        self.budget = budget
        self.config = config
        self.object_name = obj
        table_entry = crm_object(SYSTEM, obj)  # the cursor and the CRM object a search reads
        self.cursor_property = table_entry.cursor
        self.search_type = table_entry.api_object or obj
        retry = RetrySettings(retries=config.retries, wait=config.retry_wait, wait_max=config.retry_wait_max)
        self.calls = CrmCaller(HubSpotCalls(conn), budget, retry=retry, object_name=obj)
        self._associations_batch: Any = None

    def search(self, body: dict[str, Any]) -> Any:
        if self.search_type == "contacts":  # contacts have their own API in the SDK
            return self.calls.call(
                "contacts search", lambda c: c.contacts_search.do_search_with_http_info(body), search=True
            )
        return self.calls.call(
            f"{self.search_type} search",
            lambda c: c.objects_search.do_search_with_http_info(self.search_type, body),
            search=True,
        )

    def list_page(self, object_type: str, kwargs: dict[str, Any]) -> Any:
        if object_type == "contacts":
            return self.calls.call(
                "contacts list", lambda c: c.contacts_basic.get_page_with_http_info(**kwargs)
            )
        return self.calls.call(
            f"{object_type} list", lambda c: c.objects_basic.get_page_with_http_info(object_type, **kwargs)
        )

    def read_history(self, ids: list[str], prop: str) -> list[Any]:
        body = {"inputs": [{"id": i} for i in ids], "properties": [prop], "propertiesWithHistory": [prop]}
        page = self.calls.call("contacts batch read", lambda c: c.contacts_batch.read_with_http_info(body))
        return list(page.results or [])

    def events_page(self, kwargs: dict[str, Any]) -> Any:
        return self.calls.call("events", lambda c: c.events.get_page_with_http_info(**kwargs))

    def read_contact_associations(self, object_type: str, ids: list[str]) -> dict[str, list[str]]:
        """`{engagement id: [contact ids]}` by v4 batch read; an id without contacts is left out.

        HubSpot answers 207 with `NO_ASSOCIATIONS_FOUND` for those ids (not a failure). More than
        500 contacts on one engagement come in pages: the id is asked again with its `after`.
        """
        found: dict[str, list[str]] = {}
        pending = [{"id": str(i)} for i in ids]
        while pending:
            body = {"inputs": pending}
            page = self.calls.call(
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
