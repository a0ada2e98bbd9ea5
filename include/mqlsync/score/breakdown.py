"""The full breakdown of one person's score, in words a sales rep understands (`mqlsync explain`),
and the reason-code diff between two runs that explains a score change (history, item 7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from mqlsync.score.explain import code_label, signal_evidence
from mqlsync.score.model import ScoringModel
from mqlsync.score.reasons import parse_code

SECTION_TITLES = {
    "disqualifier": "Disqualified",
    "fit": "Fit (who they are)",
    "negative": "Fit (who they are)",
    "intent": "Intent (what they did)",
    "account": "Intent (what they did)",
    "irrelevant": "Intent (what they did)",
    "decay": "Intent (what they did)",
    "info": "Notes",
}


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return "-"
    return pd.Timestamp(value).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")


def _evidence(r: Mapping[str, Any], as_of: Any, model: ScoringModel) -> str:
    section = r["section"]
    if section == "intent":
        days = None
        if pd.notna(r["latest_at"]) and as_of is not None and pd.notna(as_of):
            days = max((pd.Timestamp(as_of) - pd.Timestamp(r["latest_at"])) / pd.Timedelta(days=1), 0.0)
        kept = float(r["decay_factor"])
        return signal_evidence(str(r["code"]), int(r["count"]), days, int(r["points"]), kept, model)
    if section == "account":
        return f"{int(r['count'])} people at the organisation on one topic"
    if section == "irrelevant":
        return f"{int(r['count'])} page views"
    if section == "decay":
        return "what the signals above have lost with age"
    if r["code"] == "INFO_FUTURE_EVENTS_IGNORED":
        return f"{int(r['count'])} events"
    return ""


def render_breakdown(score: Mapping[str, Any], reasons: pd.DataFrame, model: ScoringModel) -> str:
    """Every code with rule, evidence, points and decay; reasons are this person's rows."""
    segment = score.get("segment")
    lines = [
        f"Person {score['person_id']}"
        + (f" (records: {', '.join(score['record_ids'])})" if score.get("record_ids") is not None else ""),
        f"Scored as of {_when(score['as_of'])} with model {score['model_version']}",
        f"Segment: {model.segments[segment].label if segment in model.segments else segment}",
        f"Tier {score['tier']}: fit {score['fit_score']} (grade {score['fit_grade']}), "
        f"intent {score['intent_score']} (level {score['intent_level']}); total score {score['score']}",
    ]
    status = score["mql_status"]
    if status == "mql":
        lines.append(
            f"Status: MQL since {_when(score['mql_at'])}; routed to {score['routing_queue']}, "
            f"first touch due by {_when(score['sla_due_at'])}"
        )
    elif status == "disqualified":
        lines.append(f"Status: disqualified ({score['disqualify_reason']})")
    else:
        lines.append(f"Status: {status}; nurture track {score.get('nurture_track') or '-'}")
    if score.get("fields_to_ask") is not None and pd.notna(score.get("fields_to_ask")):
        lines.append(f"Ask next: {score['fields_to_ask']}")
    current = None
    groups = list(dict.fromkeys(SECTION_TITLES.values()))
    group = reasons["section"].astype(str).map(SECTION_TITLES).map(groups.index)
    ordered = reasons.assign(_g=group.to_numpy()).sort_values(
        "_g", kind="stable"
    )  # keep |points| order within
    for r in ordered.to_dict("records"):
        title = SECTION_TITLES.get(str(r["section"]), str(r["section"]))
        if title != current:
            lines += ["", f"{title}:"]
            current = title
        pts = "" if r["section"] in ("disqualifier", "info") else f"{int(r['points']):+d}"
        evidence = _evidence(r, score.get("as_of"), model)
        lines.append(
            f"  {pts:>5}  {r['code']:<34} {code_label(str(r['code']), segment, model)}"
            + (f" ({evidence})" if evidence else "")
        )
    total = int(reasons["points"].sum()) if len(reasons) else 0
    lines += ["", f"Codes add up to {total} = fit {score['fit_score']} + intent {score['intent_score']}"]
    if score.get("handoff_summary") is not None and pd.notna(score.get("handoff_summary")):
        lines += ["", f"Handoff: {score['handoff_summary']}"]
    return "\n".join(lines)


def diff_reason_codes(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, int, int, int]]:
    """(code, old points, new points, change) for every code that appeared, vanished or moved."""
    before = dict(parse_code(c) for c in old)
    after = dict(parse_code(c) for c in new)
    rows = []
    for code in sorted(set(before) | set(after)):
        o, n = before.get(code, 0), after.get(code, 0)
        if code not in before or code not in after or o != n:
            rows.append((code, o, n, n - o))
    return sorted(rows, key=lambda r: (-abs(r[3]), r[0]))


def explain_change(old_row: Mapping[str, Any], new_row: Mapping[str, Any]) -> str:
    """Why a score changed between two stored runs, from the diff of their reason codes."""
    old_codes, new_codes = list(old_row["reason_codes"]), list(new_row["reason_codes"])
    delta = int(new_row["score"]) - int(old_row["score"])
    head = (
        f"Score {old_row['score']} -> {new_row['score']} ({delta:+d}) between "
        f"{_when(old_row['as_of'])} and {_when(new_row['as_of'])}"
    )
    lines = [head]
    if old_row.get("tier") != new_row.get("tier") or old_row.get("mql_status") != new_row.get("mql_status"):
        lines.append(
            f"Tier {old_row.get('tier')} -> {new_row.get('tier')}, "
            f"status {old_row.get('mql_status')} -> {new_row.get('mql_status')}"
        )
    for code, o, n, change in diff_reason_codes(old_codes, new_codes):
        if code not in {parse_code(c)[0] for c in old_codes}:
            what = "new"
        elif code not in {parse_code(c)[0] for c in new_codes}:
            what = "gone"
        else:
            what = "changed"
        lines.append(f"  {change:+5d}  {code} ({what}: {o:+d} -> {n:+d})")
    return "\n".join(lines)
