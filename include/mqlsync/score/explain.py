"""Words for people: handoff summaries for MQLs, and the full breakdown behind a score.

The handoff summary tells sales, clinical operations or medical affairs what the person did and
asked, their role, organisation and therapeutic area, so nobody starts from zero. The breakdown
(`mqlsync explain`) lists every code with its rule, evidence, points and decay.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mqlsync.schemas import EVENT_TYPES
from mqlsync.score.model import ScoringModel
from mqlsync.score.qualify import DQ_LABELS
from mqlsync.score.reasons import per_person_lists
from mqlsync.score.taxonomy import asset_column

_TAGS = r"<[^>]*>|[\x00-\x1f\x7f]"
NEGATIVE_LABELS = {
    "NEG_PERSONAL_EMAIL": "Uses a personal email address",
    "NEG_COMPETITOR": "Works for a competitor",
    "NEG_STUDENT": "Student (not a buyer)",
    "NEG_JOB_SEEKER": "Looks like a job seeker (title or careers pages)",
    "NEG_CONTRADICTORY_ROLE": "Job function and title contradict each other",
    "NEG_IRRELEVANT_PAGES": "Visits pages with no buying interest (careers, investors, press)",
}
TIMELINE_LABELS = {
    "0_3_months": "within 3 months",
    "3_6_months": "in 3-6 months",
    "6_12_months": "in 6-12 months",
    "12_plus_months": "in over 12 months",
}
# What one event of each type is called in a sentence: (one, several).
EVENT_NOUNS: dict[str, tuple[str, str]] = {
    "page_view": ("website visit", "website visits"),
    "email_open": ("email opened", "emails opened"),
    "email_click": ("email link clicked", "email links clicked"),
    "content_download": ("download", "downloads"),
    "webinar_registered": ("webinar registration", "webinar registrations"),
    "webinar_attended": ("webinar attended", "webinars attended"),
    "event_attended": ("conference or booth visit", "conference or booth visits"),
    "form_submit": ("form sent", "forms sent"),
    "demo_request": ("demo request", "demo requests"),
    "evaluation_request": ("evaluation request", "evaluation requests"),
    "pricing_request": ("pricing or quote request", "pricing or quote requests"),
    "meeting_request": ("meeting request", "meeting requests"),
    "sample_request": ("sample request", "sample requests"),
    "trial_matching_request": ("trial matching request", "trial matching requests"),
    "evidence_request": ("scientific question", "scientific questions"),
}
STAGE_NOUNS = {"early": "educational", "mid": "solution-evaluation", "late": "buying-stage"}
INFO_LABELS = {
    "INFO_PROFILE_INCOMPLETE": "Required profile fields are missing: cannot be a high-priority MQL",
    "INFO_FUTURE_EVENTS_IGNORED": "Events dated after the scoring time were ignored (data quality)",
}


def clean_text(s: pd.Series, limit: int = 80) -> pd.Series:
    """No HTML, no control characters, bounded length: safe for a CRM long-text field."""
    out = s.astype("string").str.replace(_TAGS, "", regex=True).str.strip()
    return out.where(out.str.len() <= limit, out.str.slice(0, limit - 1) + "…").replace("", pd.NA)


def _humanise(s: pd.Series) -> pd.Series:
    return s.astype("string").str.replace("_", " ", regex=False)


def handoff_summaries(
    people: pd.DataFrame,
    events: pd.DataFrame,
    mql: np.ndarray,
    *,
    seg_names: np.ndarray,
    tier: np.ndarray,
    request: np.ndarray,
    model: ScoringModel,
) -> np.ndarray:
    """One short text per MQL (None for others), built column-wise for all MQLs at once."""
    n = len(people)
    out = np.full(n, None, dtype=object)
    rows = np.flatnonzero(mql)
    if not len(rows):
        return out
    p = people.iloc[rows]
    role = _humanise(p["job_function"]).fillna("Unknown role").str.capitalize()
    title = clean_text(p["title"])
    role = role + (" (" + title + ")").fillna("")
    company = clean_text(p["company"]).fillna("unknown organisation")
    org = _humanise(p["organization_type"]).fillna("organisation type unknown")
    where = p["country"].fillna("country unknown")
    areas = p["therapeutic_areas"].astype("string").str.replace(";", ", ", regex=False).fillna("not stated")
    stage = _humanise(p["program_stage"]).fillna("not stated")
    timeline = p["timeline"].map(TIMELINE_LABELS).astype("string").fillna("not stated")
    asked = pd.Series(_asked(events, mql, model, n)[rows], index=p.index, dtype="string")
    did = pd.Series(_did(events, mql, model, n)[rows], index=p.index, dtype="string")
    req_label = {r.request: r.label for r in model.routing.requests}
    why = pd.Series(request[rows], index=p.index, dtype="string").map(req_label)
    text = (
        role
        + " at "
        + company
        + " ("
        + org
        + ", "
        + where
        + "). "
        + "Therapeutic areas: "
        + areas
        + "; programme stage: "
        + stage
        + "; timeline: "
        + timeline
        + ". "
        + ("Asked: " + asked + ". ").fillna("No direct request. ")
        + ("Engaged with: " + did + ". ").fillna("")
        + "Tier "
        + pd.Series(tier[rows], index=p.index, dtype="string")
        + ", "
        + pd.Series(seg_names[rows], index=p.index, dtype="string").str.replace("_", " ", regex=False)
        + (" segment; routed for a " + why + ".").fillna(" segment.")
    )
    out[rows] = text.to_numpy(dtype=object)
    return out


def _asked(events: pd.DataFrame, mql: np.ndarray, model: ScoringModel, n: int) -> np.ndarray:
    """'demo request on 2026-10-28, pricing request on 2026-10-20' per MQL (latest first)."""
    types = sorted({EVENT_TYPES.index(t) for r in model.routing.requests for t in r.event_types})
    e = events[mql[events["person"].to_numpy()] & np.isin(events["type"].to_numpy(), types)]
    if not len(e):
        return np.full(n, None, dtype=object)
    g = e.groupby(["person", "type"], sort=True)["occurred"].max().reset_index()
    g = g.sort_values(["person", "occurred", "type"], ascending=[True, False, True], kind="stable")
    day = pd.to_datetime(g["occurred"].to_numpy(), utc=True).strftime("%Y-%m-%d")
    label = np.array([t.replace("_", " ") for t in EVENT_TYPES], dtype=object)[g["type"].to_numpy()]
    return _join(g["person"].to_numpy(), label + " on " + np.asarray(day, dtype=object), n)


def _did(events: pd.DataFrame, mql: np.ndarray, model: ScoringModel, n: int) -> np.ndarray:
    """The three latest distinct assets of each MQL, with their buying stage."""
    taxonomy = model.taxonomy_frame
    e = events[mql[events["person"].to_numpy()] & (events["asset"].to_numpy() >= 0)]
    if not len(e) or not len(taxonomy):
        return np.full(n, None, dtype=object)
    e = e.sort_values(["person", "occurred", "asset"], ascending=[True, False, True], kind="stable")
    e = e.drop_duplicates(["person", "asset"])
    e = e[e.groupby("person", sort=False).cumcount().to_numpy() < 3]
    asset = e["asset"].to_numpy()
    title = clean_text(pd.Series(asset_column(taxonomy, "title", asset)), limit=60).fillna("untitled")
    stage = pd.Series(asset_column(taxonomy, "stage", asset), dtype="string").fillna("unknown")
    text = ('"' + title + '" (' + stage + " stage)").to_numpy(dtype=object)
    return _join(e["person"].to_numpy(), text, n)


def _join(person: np.ndarray, text: np.ndarray, n: int, sep: str = ", ") -> np.ndarray:
    lists = per_person_lists(person, pa.array(text, type=pa.string()), n)
    joined = pc.binary_join(lists, sep).to_numpy(zero_copy_only=False).astype(object)
    joined[np.bincount(person, minlength=n) == 0] = None
    return joined


def code_label(code: str, segment: str | None, model: ScoringModel) -> str:
    """What a sales rep reads for a code: the rule's label from the model, or a fixed text."""
    if code.startswith("FIT_") and segment in model.segments:
        for rule in model.segments[segment].fit:
            if rule.code == code:
                return rule.label + _condition_text(rule.when)
    if code.startswith("INTENT_STAGE_"):
        sig = model.intent.stages.get(code.removeprefix("INTENT_STAGE_").lower())
        return sig.label if sig else code
    if code == model.intent.account.code:
        return model.intent.account.label
    if code.startswith("INTENT_"):
        sig = model.intent.events.get(code.removeprefix("INTENT_").lower())
        return sig.label if sig else code
    if code.startswith("DQ_"):
        return "Disqualified: " + DQ_LABELS.get(code.removeprefix("DQ_").lower(), code)
    if code.startswith("DECAY_"):
        days = code.removeprefix("DECAY_INACTIVE_").removesuffix("D")
        if days.isdigit():
            return f"Older activity counts less: no new scoring activity for {days}+ days"
        return "Older activity counts less (each signal fades with its half-life)"
    return NEGATIVE_LABELS.get(code) or INFO_LABELS.get(code) or code


def time_ago(days: float) -> str:
    """'today', '5 days ago', '3 weeks ago', '14 months ago', '2 years ago': how a rep would say it."""
    if days < 1:
        return "today"
    if days < 2:
        return "yesterday"
    if days < 14:
        return f"{int(days)} days ago"
    if days < 61:
        return f"{round(days / 7)} weeks ago"
    if days < 730:
        return f"{round(days / 30.44)} months ago"
    return f"{round(days / 365.25)} years ago"


def period(days: float) -> str:
    """A half-life in words: '30 days', '3 months'."""
    months = round(days / 30.44)
    if days < 60:
        return f"{round(days)} days"
    return "month" if months == 1 else f"{months} months"


def signal_evidence(
    code: str, count: int, days_since_latest: float | None, points: int, kept: float, model: ScoringModel
) -> str:
    """One intent code for a sales rep, e.g. '3 downloads, the latest 14 months ago: worth 6 of 24
    points today; interest fades by half every 3 months'."""
    name = code.removeprefix("INTENT_").lower()
    if name.startswith("stage_"):
        stage = name.removeprefix("stage_")
        signal = model.intent.stages.get(stage)
        times = "once" if count == 1 else f"{count} times"
        what = f"engaged {times} with {STAGE_NOUNS.get(stage, stage)} content"
    else:
        signal = model.intent.events.get(name)
        one, many = EVENT_NOUNS.get(name, (name.replace("_", " "), name.replace("_", " ")))
        what = f"{count} {one if count == 1 else many}"
    if days_since_latest is not None:
        ago = time_ago(days_since_latest)
        what += f" {ago}" if count == 1 else f", the latest {ago}"
    worth = math.floor(points * kept + 0.5)
    unit = "point" if points == 1 else "points"
    value = (
        f"still worth the full {points} {unit}"
        if worth >= points
        else f"worth {worth} of {points} {unit} today"
    )
    fade = f"; interest fades by half every {period(signal.decay.days)}" if signal is not None else ""
    return f"{what}: {value}{fade}"


def _condition_text(when: object) -> str:
    parts = []
    for key, value in when.model_dump(exclude_none=True).items():  # type: ignore[attr-defined]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown.replace('_', ' ')}")
    return f" [{'; '.join(parts)}]" if parts else ""
