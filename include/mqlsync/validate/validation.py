"""validate_tables: canonical tables + suites -> accepted rows, quarantined rows, results, GX results.

Each suite runs twice over the same batch, on purpose: GX (SUMMARY) once, for the verdict and the
audit record; and each expectation once more as a pandas mask (masks.py) that names the failing rows.
The two counts must agree, and a disagreement raises rather than quarantining the wrong rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.extract.normalize.cleaning import concat_quarantine, quarantine_rows
from mqlsync.log import redact
from mqlsync.schemas import CONTRACTS
from mqlsync.validate.masks import EVALUATORS
from mqlsync.validate.suites import Expectation, Suite

RESULT_COLUMNS: tuple[str, ...] = (
    "suite",
    "table_name",
    "expectation",
    "column",
    "check",
    "evaluated",
    "failed",
    "failed_share",
    "gate",
    "passed",
    "gate_failed",
)
SHOWN_CHARS = 80
"""Longest offending value quoted in a quarantine reason (the row snapshot keeps more)."""
# Columns computed for the checks, never added to the accepted tables (docs/validate.md).
DERIVED = ("record_type", "subdivision", "person_reference")


class Validation(NamedTuple):
    """accepted: each input table minus its quarantined rows (same columns and dtypes);
    quarantined: QUARANTINE rows, stage "validate"; results: one row per suite and expectation
    (RESULT_COLUMNS); gx_results: suite -> GX `to_json_dict()`."""

    accepted: dict[str, pd.DataFrame]
    quarantined: pd.DataFrame
    results: pd.DataFrame
    gx_results: dict[str, dict[str, Any]]


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    suites: Mapping[str, Suite],
    *,
    as_of: datetime,
    known_record_ids: Iterable[str] = (),
) -> Validation:
    """Run every suite on its table; quarantine the rows that fail a row-level expectation.

    `tables` maps a contract name (`people`, `events`) to its frame; a table without a suite passes
    unchecked. Missing contract columns are checked as all-null, extra columns pass untouched.
    `known_record_ids` are the people the store already has: an event's person exists when its
    record_id is one of them or a person of this batch (quarantined or not), or when it has no
    record_id but an email. Batch-level checks (freshness) count in the results, never quarantine.
    No input is changed. Raises nothing on bad data; `check_gates` decides whether the run stops.
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be an aware datetime (UTC)")
    known = person_ids(tables.get("people"), known_record_ids)
    runner = None
    accepted: dict[str, pd.DataFrame] = {}
    quarantine_parts: list[pd.DataFrame] = []
    result_rows: list[dict[str, Any]] = []
    gx_results: dict[str, dict[str, Any]] = {}
    for table_name, frame in tables.items():
        table_suites = [s for s in suites.values() if s.table == table_name]
        failing = np.zeros(len(frame), dtype=bool)
        batch = batch_frame(table_name, frame.reset_index(drop=True), table_suites, known_ids=known)
        for suite in table_suites:
            rows = suite_rows(batch, suite)
            sub = batch.loc[rows]
            params = suite.parameters(as_of)
            if sub.empty:
                gx_results[suite.name] = _skipped(suite)
            else:
                if runner is None:
                    from mqlsync.validate.gx_run import GxRunner

                    runner = GxRunner()
                gx_results[suite.name] = runner.run(suite, sub.reset_index(drop=True), params)
            by_check = {
                r["expectation_config"]["meta"].get("check"): r for r in gx_results[suite.name]["results"]
            }
            for exp in suite.expectations:
                mask = EVALUATORS[exp.type].failing(sub[exp.column], exp.kwargs, params) if len(sub) else None
                result_rows.append(_result(suite, exp, sub, mask, by_check.get(exp.check)))
                if mask is None or not exp.row_level or not exp.quarantine or not mask.any():
                    continue
                positions = np.flatnonzero(rows)[mask]
                failing[positions] = True
                quarantine_parts.append(
                    _quarantine(
                        frame, positions, sub[exp.column].iloc[np.flatnonzero(mask)].to_numpy(), suite, exp
                    )
                )
        accepted[table_name] = frame.loc[~failing]
    results = pd.DataFrame(result_rows, columns=list(RESULT_COLUMNS))
    results = results.astype(
        {
            "evaluated": "int64",
            "failed": "int64",
            "failed_share": "float64",
            "gate": "float64",
            "passed": "bool",
            "gate_failed": "bool",
        }
    )
    quarantined = concat_quarantine(quarantine_parts, stage="validate")
    return Validation(accepted, quarantined, results, gx_results)


def person_ids(people: pd.DataFrame | None, known_record_ids: Iterable[str]) -> pa.Array:
    """The record ids an event may point at: this batch's people (quarantined or not) and the store's."""
    parts = [pa.chunked_array([pa.array(list(map(str, known_record_ids)), pa.string())])]
    if people is not None and "record_id" in people.columns:
        ids = pa.array(people["record_id"].astype("string"), pa.string(), from_pandas=True)
        parts.append(ids if isinstance(ids, pa.ChunkedArray) else pa.chunked_array([ids]))
    return pc.unique(
        pa.chunked_array([c for p in parts for c in p.chunks], pa.string()).combine_chunks().drop_null()
    )


def batch_frame(
    table_name: str, frame: pd.DataFrame, suites: Iterable[Suite], *, known_ids: pa.Array | Iterable[str]
) -> pd.DataFrame:
    """The columns the suites read (missing ones all-null, timestamps parsed) plus derived columns:
    `record_type` (the record id's prefix), `subdivision` (`US-CA` where the suites list the
    country's ISO 3166-2 codes) and, for events, `person_reference`."""
    suites = list(suites)
    contract = CONTRACTS.get(table_name)
    wanted = {e.column for s in suites for e in s.expectations if e.column} | {
        c for s in suites for c in s.where
    }
    derived = set(DERIVED) & wanted
    wanted |= {"record_id", "country", "state", "email"} & set(frame.columns)
    out = pd.DataFrame(index=frame.index)
    for name in sorted(wanted - set(DERIVED)):
        if name in frame.columns:
            out[name] = _typed(
                frame[name], contract.column(name).type if contract and name in contract.names else None
            )
        else:
            out[name] = pd.Series(pd.NA, index=frame.index, dtype="object")
    record_id = (
        out["record_id"].astype("string")
        if "record_id" in out
        else pd.Series(pd.NA, index=out.index, dtype="string")
    )
    if "record_type" in wanted:
        head = record_id.str.split(":", n=1, regex=False)
        out["record_type"] = head.str[0].where(head.str.len() == 2).astype("string")
    countries = {
        str(v).split("-", 1)[0]
        for s in suites
        for e in s.expectations
        if e.column == "subdivision"
        for v in e.kwargs.get("value_set", [])
    }
    if "subdivision" in derived and "country" in out and "state" in out:
        country = out["country"].astype("string").str.upper()
        state = out["state"].astype("string").str.strip().str.upper()
        out["subdivision"] = (country + "-" + state).where(
            country.isin(list(countries)).fillna(False) & state.notna()
        )
    if "person_reference" in derived:
        ids = known_ids if isinstance(known_ids, pa.Array) else pa.array(list(known_ids), pa.string())
        ref_ids = pa.array(record_id, pa.string(), from_pandas=True)
        ref_ids = ref_ids.combine_chunks() if isinstance(ref_ids, pa.ChunkedArray) else ref_ids
        known = pd.Series(pc.is_in(ref_ids, value_set=ids).to_numpy(zero_copy_only=False), index=out.index)
        email = out["email"] if "email" in out else pd.Series(pd.NA, index=out.index)
        # Export events (Marketo, Pardot) name their platform's lead, which is no CRM record: like
        # any event with an email they attach to the person by email (DESIGN: record_id or email).
        ref = np.select(
            [known.to_numpy(), email.notna().to_numpy(), record_id.notna().to_numpy()],
            ["known_record", "email_only", "unknown_record"],
            default="none",
        )
        out["person_reference"] = pd.Series(ref, index=out.index, dtype="string")
    return out


def suite_rows(batch: pd.DataFrame, suite: Suite) -> np.ndarray:
    """Which rows of the batch the suite applies to (its meta.where)."""
    rows = np.ones(len(batch), dtype=bool)
    for column, values in suite.where.items():
        if column not in batch:
            return np.zeros(len(batch), dtype=bool)
        rows &= batch[column].isin(list(values)).to_numpy(dtype=bool, na_value=False)
    return rows


def show_value(column: str | None, value: Any) -> str:
    """The offending value as quoted in a reason: cut, control characters escaped, emails masked."""
    if value is None or (not isinstance(value, list | tuple | np.ndarray) and pd.isna(value)):
        return "missing"
    text = str(value)
    if column == "email":
        local, at, domain = text.partition("@")
        text = f"{local[:1]}***{at}{domain}" if at else f"{text[:1]}***"
    else:
        text = redact(text)
    cut = text[:SHOWN_CHARS]
    shown = cut.encode("unicode_escape").decode("ascii") if not cut.isprintable() else cut
    suffix = f"… ({len(text):,} characters)" if len(text) > SHOWN_CHARS else ""
    return f"'{shown}'{suffix}"


def _typed(series: pd.Series, arrow_type: Any) -> pd.Series:
    """Timestamps that arrive as text are parsed (unparseable -> null) so range checks cannot crash."""
    if (
        arrow_type is not None
        and pa.types.is_timestamp(arrow_type)
        and not isinstance(series.dtype, pd.DatetimeTZDtype)
    ):
        if pd.api.types.is_datetime64_dtype(series):
            return series.dt.tz_localize("UTC")
        return pd.to_datetime(series.astype("string"), utc=True, errors="coerce", format="ISO8601")
    return series


def _result(
    suite: Suite, exp: Expectation, sub: pd.DataFrame, mask: np.ndarray | None, gx: dict[str, Any] | None
) -> dict[str, Any]:
    if exp.row_level:
        evaluated, failed = len(sub), 0 if mask is None else int(mask.sum())
        if gx is not None and gx["result"].get("unexpected_count") not in (None, failed):
            raise RuntimeError(
                f"suite {suite.name} {exp.check}: GX counted {gx['result']['unexpected_count']} failing rows, "
                f"the row mask {failed}; the mask evaluator for {exp.type} disagrees with GX (a bug)"
            )
    else:
        evaluated, failed = (1, int(mask[0])) if mask is not None else (0, 0)
        if gx is not None and bool(gx["success"]) == bool(failed):
            raise RuntimeError(f"suite {suite.name} {exp.check}: GX and the batch evaluator disagree (a bug)")
    share = failed / evaluated if evaluated else 0.0
    return {
        "suite": suite.name,
        "table_name": suite.table,
        "expectation": exp.type,
        "column": exp.column,
        "check": exp.check,
        "evaluated": evaluated,
        "failed": failed,
        "failed_share": share,
        "gate": exp.gate,
        "passed": failed == 0,
        "gate_failed": exp.gate is not None and failed > 0 and share > exp.gate,
    }


def _quarantine(
    frame: pd.DataFrame, positions: np.ndarray, values: np.ndarray, suite: Suite, exp: Expectation
) -> pd.DataFrame:
    rows = frame.iloc[positions].reset_index(drop=True)
    what = f"{suite.name}: {exp.reason} ({exp.column} is "
    reasons = pd.Series([f"{what}{show_value(exp.column, v)})" for v in values], index=rows.index)
    contract = CONTRACTS.get(suite.table)
    return quarantine_rows(
        rows,
        stage="validate",
        table_name=suite.table,
        check=exp.check,
        reason=reasons,
        id_column=contract.id_column if contract else None,
    )


def _skipped(suite: Suite) -> dict[str, Any]:
    """A stand-in GX result for a suite none of whose rows are in the batch (nothing to check)."""
    return {
        "success": True,
        "results": [],
        "suite_name": suite.name,
        "suite_parameters": {},
        "statistics": {
            "evaluated_expectations": 0,
            "successful_expectations": 0,
            "unsuccessful_expectations": 0,
            "success_percent": None,
        },
        "meta": {"mqlsync": "skipped: no rows of this suite in the batch"},
    }
