"""Normalize: raw landing frames (each CRM's own fields and values) -> canonical Person and Event tables.

Every function takes DataFrames and returns a NamedTuple whose first two fields are `accepted` (rows
in the contract of mqlsync.schemas) and `quarantined` (record_id, table_name, check, reason, row).
No I/O, no clock. Decisions and reason codes: docs/normalize.md.
"""

from mqlsync.extract.normalize.activities import normalize_marketo_activities, normalize_pardot_activities
from mqlsync.extract.normalize.cleaning import MAX_TEXT, QUARANTINE_COLUMNS, Normalized
from mqlsync.extract.normalize.countries import country_code, country_codes
from mqlsync.extract.normalize.hubspot import (
    hubspot_engagement_touches,
    hubspot_first_touches,
    normalize_form_submissions,
    normalize_hubspot_contacts,
    normalize_web_events,
)
from mqlsync.extract.normalize.people import LINK_COLUMNS, NormalizedPeople
from mqlsync.extract.normalize.salesforce import (
    normalize_campaign_members,
    normalize_sf_contacts,
    normalize_sf_leads,
    salesforce_first_touches,
)
from mqlsync.extract.normalize.tables import (
    NormalizeContext,
    NormalizedTables,
    normalize_events,
    normalize_first_touches,
    normalize_landings,
    normalize_people,
)
from mqlsync.extract.normalize.titles import job_function, job_functions
from mqlsync.extract.normalize.touches import FIRST_TOUCH_COLUMNS

__all__ = [
    "FIRST_TOUCH_COLUMNS",
    "LINK_COLUMNS",
    "MAX_TEXT",
    "QUARANTINE_COLUMNS",
    "NormalizeContext",
    "Normalized",
    "NormalizedPeople",
    "NormalizedTables",
    "country_code",
    "country_codes",
    "hubspot_engagement_touches",
    "hubspot_first_touches",
    "job_function",
    "job_functions",
    "normalize_campaign_members",
    "normalize_events",
    "normalize_first_touches",
    "normalize_form_submissions",
    "normalize_hubspot_contacts",
    "normalize_landings",
    "normalize_marketo_activities",
    "normalize_pardot_activities",
    "normalize_people",
    "normalize_sf_contacts",
    "normalize_sf_leads",
    "normalize_web_events",
    "salesforce_first_touches",
]
