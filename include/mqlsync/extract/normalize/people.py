"""Assemble canonical Person rows (schemas.PEOPLE) from source fields, and decide what is quarantined.

Quarantine policy (docs/normalize.md): normalize removes a row only when it cannot be put into the
contract at all: no record id (MISSING_RECORD_ID) or the same record twice in one batch
(DUPLICATE_RECORD, the older copy goes). Everything else is kept and noted, because judging quality
is the validate stage's job and a person must not vanish for a typo:
- MALFORMED_EMAIL: the email is set to null (it would poison matching and write-back);
- UNKNOWN_COUNTRY, UNMAPPED_VALUE: the column is set to null;
- TRUNCATED: the text is cut at MAX_TEXT characters;
- MALFORMED_TIMESTAMP, MALFORMED_NUMBER: the column is set to null.
Names with HTML, script or quotes are kept verbatim (escaping is the renderer's and the SOQL
builder's job), minus control characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from mqlsync.extract.normalize import countries, titles, vocab
from mqlsync.extract.normalize.cleaning import (
    MAX_TEXT,
    QuarantineLog,
    clean_emails,
    clean_text,
    concat_quarantine,
    email_domains,
    parse_counts,
    parse_timestamps,
)
from mqlsync.schemas import PEOPLE, conform_frame, empty_frame

TEXT_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "title",
    "company",
    "phone",
    "state",
    "lead_source",
    "owner_id",
)
LINK_COLUMNS: tuple[str, ...] = ("record_id", "linked_record_id", "link", "source")
LINKS = ("merged_into", "converted_to")


class NormalizedPeople(NamedTuple):
    """accepted: PEOPLE rows; quarantined: QUARANTINE_COLUMNS rows; links: merges and conversions the
    source reports (`record_id` was `link` `linked_record_id`), for identity resolution."""

    accepted: pd.DataFrame
    quarantined: pd.DataFrame
    links: pd.DataFrame


def empty_links() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in LINK_COLUMNS})


def build_people(
    fields: pd.DataFrame, raw: pd.DataFrame, *, table_name: str
) -> tuple[pd.DataFrame, QuarantineLog]:
    """Clean and map source `fields` (PEOPLE column names, raw values, same index as `raw`).

    Returns the kept rows, conformed to PEOPLE, and the quarantine log (snapshots come from `raw`).
    `consent`, `do_not_contact`, `is_deleted`, `is_converted`, `crm_status` and `source` must already
    be decided by the caller (they depend on the source's own flags)."""
    log = QuarantineLog(raw, table_name=table_name, record_ids=fields["record_id"])
    out = pd.DataFrame(index=fields.index)
    out["record_id"] = fields["record_id"].astype("string")
    out["source"] = fields["source"]
    log.add(out["record_id"].isna(), "MISSING_RECORD_ID", "the source record has no id", drop=True)

    email, bad_email = clean_emails(fields["email"])
    log.add(
        bad_email,
        "MALFORMED_EMAIL",
        "email is not a valid address; kept the person with email null",
        drop=False,
    )
    out["email"] = email
    for name in TEXT_COLUMNS:
        out[name], cut = clean_text(fields[name])
        log.add(cut, "TRUNCATED", f"{name} longer than {MAX_TEXT} characters was cut", drop=False)
    out["email_domain"] = email_domains(email)

    country_text, cut = clean_text(fields["country"])
    out["country"], unknown = countries.country_codes(country_text)
    log.add(
        unknown,
        "UNKNOWN_COUNTRY",
        "country " + country_text.str.slice(0, 60).fillna("") + " is not an ISO 3166-1 country; set to null",
        drop=False,
    )

    for name, mapper in (
        ("organization_type", vocab.organization_types),
        ("program_stage", vocab.program_stages),
        ("timeline", vocab.timelines),
        ("therapeutic_areas", vocab.therapeutic_areas),
    ):
        out[name], unmapped = mapper(fields[name])
        value = fields[name].astype("string").str.slice(0, 60).fillna("")
        log.add(
            unmapped,
            "UNMAPPED_VALUE",
            f"{name} " + value + " is not in the vocabulary; unknown parts set to null",
            drop=False,
        )
    out["job_function"] = titles.job_functions(out["title"])

    out["employees"], bad = parse_counts(fields["employees"])
    log.add(bad, "MALFORMED_NUMBER", "employees is not a whole number; set to null", drop=False)
    for name in ("created_at", "updated_at"):
        out[name], bad = parse_timestamps(fields[name])
        log.add(bad, "MALFORMED_TIMESTAMP", f"{name} is not a timestamp; set to null", drop=False)
    for name in ("consent", "do_not_contact", "crm_status", "is_deleted", "is_converted"):
        out[name] = fields[name]

    # The same record twice in one batch (look-back overlap): keep the latest version.
    key = out["record_id"].where(~log.dropped)
    order = out.assign(_k=key).sort_values(["_k", "updated_at"], na_position="first", kind="stable")
    older = order["_k"].notna() & order.duplicated("_k", keep="last")
    log.add(
        older.reindex(out.index),
        "DUPLICATE_RECORD",
        "a newer version of this record is in the same batch",
        drop=True,
    )
    kept = out[~log.dropped]
    return conform_frame(kept[PEOPLE.names], PEOPLE), log


def link_rows(record_ids: pd.Series, linked: pd.Series, link: str, source: str) -> pd.DataFrame:
    has = record_ids.notna() & linked.notna()
    return pd.DataFrame(
        {"record_id": record_ids[has], "linked_record_id": linked[has], "link": link, "source": source}
    ).astype("string")


def combine_people(parts: Iterable[NormalizedPeople]) -> NormalizedPeople:
    """Concatenate per-object results into one NormalizedPeople (contract checked again)."""
    parts = list(parts)
    accepted = [p.accepted for p in parts if not p.accepted.empty]
    people = pd.concat(accepted, ignore_index=True) if accepted else empty_frame(PEOPLE)
    links = [p.links for p in parts if not p.links.empty]
    return NormalizedPeople(
        conform_frame(people, PEOPLE),
        concat_quarantine(p.quarantined for p in parts),
        pd.concat(links, ignore_index=True) if links else empty_links(),
    )
