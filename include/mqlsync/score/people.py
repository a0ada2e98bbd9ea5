"""Scoring inputs: one golden row per person, and their events attached by record id or email.

People rows may carry a person_id (from identity resolution); a row without one is its own person.
Optional lifecycle columns are read when present: is_customer, has_open_opportunity, is_duplicate,
recycled_at, previous_mql_at.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.schemas import EVENT_TYPES, EVENTS, PEOPLE, THERAPEUTIC_AREAS, check_frame, conform_frame
from mqlsync.score.decay import NS_PER_DAY
from mqlsync.score.model import ScoringModel

OPTIONAL_FLAGS: tuple[str, ...] = ("is_customer", "has_open_opportunity", "is_duplicate")
OPTIONAL_TIMES: tuple[str, ...] = ("recycled_at", "previous_mql_at")
_LEGAL_FORMS = "inc|llc|ltd|limited|gmbh|ag|sa|plc|corp|corporation|co|bv|nv|ab|srl|kk"
_COMPANY_SUFFIX = rf"[\s,.]+({_LEGAL_FORMS})\.?$"
# For Arrow (RE2): matches every name _COMPANY_SUFFIX can match, and a few more.
_SUFFIX_WORD = rf"({_LEGAL_FORMS})\.?\n?$"


class Persons(NamedTuple):
    frame: pd.DataFrame  # one row per person, positional index 0..n-1, sorted by person_id
    record_ids: pa.ListArray  # the person's record ids, sorted
    record_keys: pa.Array  # every record_id ...
    record_person: np.ndarray  # ... and its person position
    email_keys: pa.Array  # every distinct lower-case email ...
    email_person: np.ndarray  # ... and the first person position that has it


def _string(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().replace("", pd.NA)


def prepare_people(people: pd.DataFrame, model: ScoringModel) -> Persons:
    """Conform people to the contract and collapse records into persons (latest non-null wins)."""
    base = conform_frame(people, PEOPLE)
    base["person_id"] = _string(people["person_id"]) if "person_id" in people else pd.NA
    base["person_id"] = base["person_id"].fillna(base["record_id"])
    for col in OPTIONAL_FLAGS:
        base[col] = people[col].astype("boolean").fillna(False) if col in people else False
    for col in OPTIONAL_TIMES:
        base[col] = (
            pd.to_datetime(people[col], utc=True, format="mixed").astype("datetime64[us, UTC]")
            if col in people
            else pd.Series(pd.NaT, index=base.index, dtype="datetime64[us, UTC]")
        )
    base = base.drop_duplicates("record_id")
    base = base.take(_record_order(base)).reset_index(drop=True)
    pid = base["person_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]]) if len(pid) else np.array([], dtype=np.int64)
    position = np.cumsum(np.r_[True, pid[1:] != pid[:-1]]) - 1 if len(pid) else np.array([], dtype=np.int64)
    frame = base.copy() if len(starts) == len(base) else _collapse(base, position)
    frame = frame.reset_index(drop=True)
    order = np.lexsort((base["record_id"].to_numpy(dtype=object), position))
    offsets = np.r_[0, np.cumsum(np.bincount(position, minlength=len(frame)))].astype(np.int32)
    record_ids = pa.ListArray.from_arrays(pa.array(offsets), pa.array(base["record_id"].to_numpy()[order]))
    # An email shared by several persons belongs to the first of them (lowest position).
    emails = pc.dictionary_encode(arrow_strings(base["email"].str.lower().str.strip()).drop_null())
    first_person = np.full(len(emails.dictionary), len(frame), dtype=np.int64)
    np.minimum.at(first_person, emails.indices.to_numpy(), position[base["email"].notna().to_numpy()])
    return Persons(
        _derive(frame, model),
        record_ids,
        arrow_strings(base["record_id"]),
        position,
        emails.dictionary,
        first_person,
    )


_RECORD_ORDER = (
    ("person_id", "ascending"),
    ("is_deleted", "ascending"),
    ("updated_at", "descending"),
    ("record_id", "ascending"),
)


def _record_order(base: pd.DataFrame) -> np.ndarray:
    """Records by person_id, live before deleted, freshest first, then record_id; stable, nulls last.

    Arrow sorts a million strings several times faster than a pandas multi-column sort."""
    table = pa.table({name: pa.array(base[name], from_pandas=True) for name, _ in _RECORD_ORDER})
    return pc.sort_indices(
        table, sort_keys=[(name, order, "at_end") for name, order in _RECORD_ORDER]
    ).to_numpy()


def _collapse(base: pd.DataFrame, position: np.ndarray) -> pd.DataFrame:
    """Several records, one person: the freshest non-deleted non-null value of each field."""
    g = base.groupby(position, sort=True)
    frame = g.first()
    frame["do_not_contact"] = g["do_not_contact"].any()
    for col in (*OPTIONAL_FLAGS, "is_converted"):
        frame[col] = g[col].any()
    frame["is_deleted"] = g["is_deleted"].all()
    frame["recycled_at"] = g["recycled_at"].max()
    frame["previous_mql_at"] = g["previous_mql_at"].min()
    consent = base["consent"].to_numpy()
    any_out = pd.Series(consent == "opt_out").groupby(position).any().to_numpy()
    any_in = pd.Series(consent == "opt_in").groupby(position).any().to_numpy()
    frame["consent"] = np.where(any_out, "opt_out", np.where(any_in, "opt_in", "unknown"))
    return frame


def _derive(frame: pd.DataFrame, model: ScoringModel) -> pd.DataFrame:
    """Add the normalised columns that rules match on: region, buying role, site type, TA bits."""
    out = frame
    email = out["email"].str.lower().str.strip()
    domain = _string(out["email_domain"]).str.lower()
    missing = domain.isna() & email.notna()
    if missing.any():
        domain[missing] = email[missing].str.split("@").str[-1]
    out["email_domain"] = domain.str.removeprefix("www.")
    out["country"] = _string(out["country"]).str.upper()
    country_region = {c: r for r, cs in model.regions.items() for c in cs}
    out["region"] = _map(out["country"], country_region)
    out["buying_role"] = _map(out["job_function"], model.buying_roles)
    out["site_type"] = _map(out["organization_type"], model.site_types)
    tas = _string(out["therapeutic_areas"]).str.lower().fillna("")
    bits = np.zeros(len(out), dtype=np.int32)
    for i, ta in enumerate(THERAPEUTIC_AREAS):
        bits |= tas.str.contains(ta, regex=False).to_numpy(dtype=bool).astype(np.int32) << i
    out["ta_bits"] = bits
    personal = set(model.negatives.personal_email.domains)
    out["personal_email"] = out["email_domain"].isin(personal).fillna(False).astype(bool)
    company = _strip_suffix(_string(out["company"]).str.lower()).str.strip()
    by_domain = "d:" + out["email_domain"].where(~out["personal_email"])
    out["account_key"] = by_domain.fillna("c:" + company)
    out["company_key"] = company
    return out


def _map(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """values.map(mapping) as strings, looked up once per distinct value rather than once per row."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    mapped = pd.Series(distinct).map(mapping).astype("string")
    return pd.Series(mapped.array.take(codes, allow_fill=True), index=values.index)


def _strip_suffix(company: pd.Series) -> pd.Series:
    """Drop a legal-form suffix ('Acme Bio, Inc.' -> 'acme bio').

    Python's regex runs only on names that end in a suffix word: pandas cannot hand `\\s` to Arrow,
    and a million names through Python's `re` cost a second."""
    names = arrow_strings(company)
    candidate = pc.match_substring_regex(names, _SUFFIX_WORD).fill_null(False).to_numpy(zero_copy_only=False)
    if not candidate.any():
        return company
    out = company.copy()
    out[candidate] = company[candidate].str.replace(_COMPANY_SUFFIX, "", regex=True)
    return out


def arrow_strings(values: pd.Series | np.ndarray) -> pa.Array:
    """A column as one Arrow string array (zero-copy for pandas' Arrow-backed strings)."""
    arr = pa.array(values, from_pandas=True) if not isinstance(values, pa.Array | pa.ChunkedArray) else values
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if arr.type in (pa.string(), pa.large_string()) else pc.cast(arr, pa.string())


def lookup(values: pd.Series | np.ndarray, keys: pa.Array | list[str]) -> np.ndarray:
    """Position of each value in keys (-1 when absent or null): a C++ hash join, not Python."""
    if not len(values):
        return np.array([], dtype=np.int64)
    key_arr = keys if isinstance(keys, pa.Array) else pa.array(keys, pa.string())
    arr = arrow_strings(values)
    if arr.type != key_arr.type:
        arr = pc.cast(arr, key_arr.type)
    return pc.index_in(arr, value_set=key_arr).fill_null(-1).to_numpy().astype(np.int64)


def ta_bits(areas: list[str] | str) -> int:
    """The bitmask of a segment's covered therapeutic areas ('all' covers every one)."""
    names = THERAPEUTIC_AREAS if areas == "all" else areas
    return int(sum(1 << THERAPEUTIC_AREAS.index(a) for a in names))


def check_events(events: pd.DataFrame) -> None:
    """The EVENTS contract, checked in Arrow: ten million rows in well under a second.

    Nulls and vocabularies are counted column-wise; on any doubt (a problem, a column that is not
    yet a timestamp) the full check_frame runs, so its error still lists every problem at once."""
    try:
        valid = _events_look_valid(events)
    except (pa.ArrowException, TypeError, ValueError):
        valid = False
    if not valid:
        check_frame(events, EVENTS, allow_extra=True)


def _events_look_valid(events: pd.DataFrame) -> bool:
    for col in EVENTS.columns:
        if col.name not in events.columns:
            return False
        series = events[col.name]
        if pa.types.is_timestamp(col.type):
            if not pd.api.types.is_datetime64_any_dtype(series) or (not col.nullable and series.isna().any()):
                return False
            continue
        values = arrow_strings(series)
        if not col.nullable and values.null_count:
            return False
        if col.allowed is not None:
            outside = pc.invert(pc.is_in(values, value_set=pa.array(col.allowed, values.type)))
            if pc.any(pc.and_(outside, values.is_valid())).as_py():
                return False
    return True


class Events(NamedTuple):
    frame: pd.DataFrame  # person, type, occurred (ns), age_days, asset, campaign_id
    future: np.ndarray  # per person: events dated after as_of (not scored)
    unmatched: int  # events whose record_id and email match nobody


def attach_events(events: pd.DataFrame, persons: Persons, model: ScoringModel, as_of: pd.Timestamp) -> Events:
    """Events joined to persons (record_id first, then email) with the taxonomy codes attached."""
    n = len(persons.frame)
    check_events(events)
    person = lookup(events["record_id"], persons.record_keys)
    person = np.where(person >= 0, persons.record_person[np.maximum(person, 0)], -1)
    need = person < 0
    if need.any() and len(persons.email_person):
        emails = pd.Series(arrow_strings(events["email"]).filter(pa.array(need)), dtype="string")
        hit = lookup(emails.str.lower().str.strip(), persons.email_keys)
        person[need] = np.where(hit >= 0, persons.email_person[np.maximum(hit, 0)], -1)
    occurred = pd.to_datetime(events["occurred_at"], utc=True, format="mixed")
    occurred_ns = occurred.to_numpy(dtype="datetime64[ns]").view(np.int64)
    as_of_ns = as_of.value
    matched = person >= 0
    future_mask = matched & (occurred_ns > as_of_ns)
    future = np.bincount(person[future_mask], minlength=n).astype(np.int64)
    keep = matched & ~future_mask
    keep_arr = pa.array(keep)
    etype = lookup(arrow_strings(events["event_type"]).filter(keep_arr), list(EVENT_TYPES))
    taxonomy = model.taxonomy_frame
    asset_ids = arrow_strings(events["asset_id"]).filter(keep_arr)
    asset = (
        lookup(asset_ids, arrow_strings(taxonomy.index.to_series()))
        if len(taxonomy)
        else np.full(int(keep.sum()), -1)
    )
    campaign = (
        pd.Series(arrow_strings(events["campaign_id"]).filter(keep_arr), dtype="string")
        if "campaign_id" in events
        else pd.Series(pd.NA, index=range(int(keep.sum())), dtype="string")
    )
    frame = pd.DataFrame(  # copy=False: fresh arrays, and no block consolidation of 10M rows
        {
            "person": person[keep].astype(np.int64),
            "type": etype.astype(np.int16),
            "occurred": occurred_ns[keep],
            "age_days": (as_of_ns - occurred_ns[keep]) / NS_PER_DAY,
            "asset": asset.astype(np.int32),
            "campaign_id": campaign,
        },
        copy=False,
    )
    return Events(frame, future, int((~matched).sum()))
