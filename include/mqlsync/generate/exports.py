"""Marketo and Account Engagement (Pardot) activity exports, one CSV per export day.

Rows come back per chunk with a `_day` column (days since the epoch); the writer appends each day's
rows to that day's file. A small share of rows is malformed (bad date, broken JSON, missing email,
unknown type), each recorded in truth/defects.parquet.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mqlsync.generate import strings as s
from mqlsync.generate.catalog import Catalog
from mqlsync.generate.events import ET, Events
from mqlsync.generate.records import ID_STRIDE, Routing, SystemRecords
from mqlsync.schemas import EVENT_TYPES

MARKETO_TYPES = {"page_view": (1, "Visit Webpage"), "email_open": (10, "Open Email"),
                 "email_click": (11, "Click Email"), "content_download": (113, "Download asset"), "unsubscribe": (9, "Unsubscribe Email"),
                 "webinar_attended": (104, "Change Status in Progression"),
                 "event_attended": (104, "Change Status in Progression")}  # fmt: skip
PARDOT_TYPES = {"page_view": (2, "Visit"), "email_open": (11, "Email"), "email_click": (1, "Email Tracker"),
                "unsubscribe": (12, "Email"), "content_download": (1, "File"), "webinar_registered": (25, "Webinar"),
                "webinar_attended": (24, "Webinar"), "event_attended": (36, "Event")}  # fmt: skip
FORM = (2, "Fill Out Form")
PARDOT_FORM = (4, "Form")
BAD_DATES = ("31/13/2025 25:61", "yesterday", "0000-00-00T00:00:00Z", "2025-02-30")


def _vocab(types: dict[str, tuple[int, str]], default: tuple[int, str]) -> tuple[np.ndarray, pa.Array]:
    ids = np.array([types.get(e, default)[0] for e in EVENT_TYPES], dtype=np.int64)
    names = pa.array([types.get(e, default)[1] for e in EVENT_TYPES], pa.string())
    return ids, names


def _malformed(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """0 clean, 1 bad date, 2 broken JSON / details, 3 missing email, 4 unknown type."""
    kind = rng.integers(1, 5, n)
    return np.where(rng.random(n) < rate, kind, 0)


def marketo(cat: Catalog, rec: SystemRecords, ev: Events, route: Routing, chunk: int,
            rng: np.random.Generator) -> tuple[pa.Table, pa.Table]:  # fmt: skip
    """(rows with `_day`, defects) for the Marketo activity export."""
    sel = np.flatnonzero(route.mk_system == 2)
    n = len(sel)
    et, when, asset, camp = ev.event_type[sel], ev.occurred_ms[sel], ev.asset[sel], ev.campaign[sel]
    type_ids, type_names = _vocab(MARKETO_TYPES, FORM)
    row = route.mk_row[sel]
    lead_id = rec.crm_id.take(pa.array(row))
    email = rec.email.take(pa.array(row))
    guid = s.guids(rng, n)
    a = np.where(asset < 0, len(cat.assets.asset_id), asset)
    url = pa.array([*cat.assets.url, ""]).take(pa.array(a))
    aid = pa.array([*cat.assets.asset_id, ""]).take(pa.array(a))
    program = pa.array([*cat.campaigns.name, ""]).take(
        pa.array(np.where(camp < 0, len(cat.campaigns.name), camp))
    )
    is_program = np.isin(et, [ET["webinar_attended"], ET["event_attended"]])
    is_visit = et == ET["page_view"]
    primary = s.where(is_program, program, aid)
    attributes = s.where(
        is_program, s.join('{"New Status":"Attended","Program":"', program, '"}'),
        s.where(is_visit, s.join('{"Webpage URL":"', url, '"}'), s.join('{"Asset ID":"', aid, '"}')),
    )  # fmt: skip
    bad = _malformed(rng, n, cat.config.dirty.export_malformed_row)
    date = s.where(bad == 1, s.pick_random(rng, BAD_DATES, n), s.iso_z(when))
    attributes = s.where(bad == 2, s.join('{"Asset ID":"', aid), attributes)
    email = s.where(bad == 3, None, email)
    type_id = pa.array(np.where(bad == 4, 9999, type_ids[et]))
    rows = pa.table({
        "marketoGUID": guid, "leadId": pa.array(np.asarray(lead_id.cast(pa.int64()))), "email": email,
        "activityDate": date, "activityTypeId": type_id,
        "activityTypeName": s.where(bad == 4, "Unknown Activity", type_names.take(pa.array(et))),
        "campaignId": pa.array(1000 + camp, mask=camp < 0), "primaryAttributeValueId": pa.array(asset, mask=asset < 0),
        "primaryAttributeValue": primary, "attributes": attributes, "_day": pa.array(when // 86_400_000),
    })  # fmt: skip
    fields = ("activityDate", "attributes", "email", "activityTypeId")
    return rows, _defects("marketo:", lead_id, guid, bad, fields, "malformed_json")


def pardot(cat: Catalog, rec: SystemRecords, ev: Events, route: Routing, chunk: int,
           rng: np.random.Generator) -> tuple[pa.Table, pa.Table]:  # fmt: skip
    sel = np.flatnonzero(route.mk_system == 3)
    n = len(sel)
    et, when, asset, camp = ev.event_type[sel], ev.occurred_ms[sel], ev.asset[sel], ev.campaign[sel]
    type_ids, type_names = _vocab(PARDOT_TYPES, PARDOT_FORM)
    row = route.mk_row[sel]
    prospect = rec.crm_id.take(pa.array(row))
    a = np.where(asset < 0, len(cat.assets.asset_id), asset)
    title = pa.array([*cat.assets.title, ""]).take(pa.array(a))
    aid = pa.array([*cat.assets.asset_id, ""]).take(pa.array(a))
    details = s.join(title, " [", aid, "]")
    bad = _malformed(rng, n, cat.config.dirty.export_malformed_row)
    act_id = s.numbers(800_000_000 + chunk * ID_STRIDE + np.arange(n))
    rows = pa.table({
        "id": pa.array(800_000_000 + chunk * ID_STRIDE + np.arange(n)),
        "prospect_id": pa.array(np.asarray(prospect.cast(pa.int64()))),
        "prospect_email": s.where(bad == 3, None, rec.email.take(pa.array(row))),
        "type": pa.array(np.where(bad == 4, 9999, type_ids[et])),
        "type_name": s.where(bad == 4, "", type_names.take(pa.array(et))),
        "details": s.where(bad == 2, s.join(details, "\ufffd\ufffd"), details),
        "campaign_id": pa.array(5000 + camp, mask=camp < 0),
        "created_at": s.where(bad == 1, s.pick_random(rng, BAD_DATES, n), s.iso_z(when)),
        "_day": pa.array(when // 86_400_000),
    })  # fmt: skip
    fields = ("created_at", "details", "prospect_email", "type")
    return rows, _defects("pardot:", prospect, act_id, bad, fields, "mojibake")


def _defects(prefix: str, crm_id: pa.Array, locator: pa.Array, bad: np.ndarray, fields: tuple[str, ...],
             garbled: str) -> pa.Table:  # fmt: skip
    rows = np.flatnonzero(bad > 0)
    take = pa.array(rows)
    kinds = ("malformed_date", garbled, "missing_required", "unknown_activity_type")
    return pa.table({
        "record_id": s.join(prefix, crm_id.take(take)),
        "field": s.pick(fields, bad[rows] - 1),
        "defect": s.pick(kinds, bad[rows] - 1),
        "locator": locator.take(take),
    })  # fmt: skip
