"""World-level tables every chunk shares: content assets, campaigns, sales users, organisations.

Built once from the seed (cheap: thousands of rows), in the parent and in every worker process alike,
so a chunk's output depends only on (seed, chunk index, config).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import yaml

from mqlsync.generate.config import WorldConfig
from mqlsync.generate.orgs import Organizations, build_organizations
from mqlsync.generate.roles import SEGMENTS
from mqlsync.schemas import EVENT_TYPES
from mqlsync.settings import PROJECT_ROOT

TAXONOMY_PATH = PROJECT_ROOT / "include" / "models" / "content_taxonomy.yaml"
DAY_MS = 86_400_000
SEGMENT_PRODUCT_LINE = dict(zip(SEGMENTS, SEGMENTS, strict=True))
SEGMENT_LABEL = {"research_tools": "Research Tools", "cro_services": "Clinical Services",
                 "medtech_devices": "Medical Devices", "partnering": "Partnering"}  # fmt: skip
# Campaign kinds, in the order the event model refers to them.
CAMPAIGN_KINDS = ("email", "website", "syndication", "webinar", "conference")
CAMPAIGN_TYPES = {"email": "Email", "website": "Website", "syndication": "Content Syndication",
                  "webinar": "Webinar", "conference": "Conference"}  # fmt: skip
CONFERENCES: dict[str, tuple[tuple[str, int], ...]] = {
    "research_tools": (("AACR Annual Meeting", 4), ("ASHG Annual Meeting", 10), ("SLAS", 1), ("ISSCR", 6)),
    "cro_services": (("DIA Global Annual Meeting", 6), ("SCOPE Summit", 2), ("ASCO Annual Meeting", 6)),
    "medtech_devices": (("MEDICA", 11), ("AdvaMed MedTech Conference", 10), ("ACC Scientific Session", 4),
                        ("ADA Scientific Sessions", 6)),
    "partnering": (("BIO International Convention", 6), ("J.P. Morgan Healthcare Conference", 1),
                   ("BIO-Europe", 11)),
}  # fmt: skip
DOWNLOADABLE = frozenset(
    [
        "ebook",
        "whitepaper",
        "app_note",
        "case_study",
        "datasheet",
        "report",
        "capability_sheet",
        "clinical_evidence",
        "publication",
        "checklist",
        "health_economics",
        "value_analysis",
        "protocol",
        "brochure",
        "comparison",
        "calculator",
        "rfp_template",
        "pipeline",
        "non_confidential_deck",
        "poster",
        "ifu",
    ]
)
# The page kinds whose form is that request (extract/normalize maps them back the same way).
REQUEST_KINDS: dict[str, tuple[str, ...]] = {
    "demo_request": ("demo_page",),
    "evaluation_request": ("evaluation_page",),
    "sample_request": ("sample_page",),
    "pricing_request": ("pricing_page", "quote"),
    "meeting_request": ("meeting_page", "cda_page"),
    "trial_matching_request": ("trial_page",),
    "evidence_request": ("evidence_request_page",),
}


@dataclass(frozen=True)
class Assets:
    asset_id: list[str]
    kind: list[str]
    topic: list[str]
    product_line: list[str]
    stage: list[str]
    url: list[str]
    title: list[str]
    # candidates[segment, event_type, hot] -> asset indices (padded with -1); see candidates_for.
    candidates: np.ndarray
    candidate_count: np.ndarray
    careers: np.ndarray
    corporate: np.ndarray


@dataclass(frozen=True)
class Campaigns:
    name: list[str]
    kind: np.ndarray  # index into CAMPAIGN_KINDS
    segment: np.ndarray  # index into SEGMENTS
    start_ms: np.ndarray
    end_ms: np.ndarray
    asset: np.ndarray  # asset index or -1


@dataclass(frozen=True)
class Users:
    first_name: list[str]
    last_name: list[str]
    department: list[str]
    role: list[str]
    segment: np.ndarray  # -1 for cross-segment teams


@dataclass(frozen=True)
class Catalog:
    """Everything a chunk needs besides its own people."""

    seed: int
    people: int
    config: WorldConfig
    as_of_ms: int
    start_ms: int
    assets: Assets
    campaigns: Campaigns
    users: Users
    orgs: Organizations


def load_taxonomy(path: Path = TAXONOMY_PATH) -> list[dict[str, str]]:
    """The content taxonomy's assets, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["assets"])


def _assets(rows: list[dict[str, str]]) -> Assets:
    n_seg, n_et = len(SEGMENTS), len(EVENT_TYPES)
    lists: dict[tuple[int, int, int], list[int]] = {}
    for g, seg in enumerate(SEGMENTS):
        own = [i for i, a in enumerate(rows) if a["product_line"] == SEGMENT_PRODUCT_LINE[seg]]
        for e, et in enumerate(EVENT_TYPES):
            for hot in (0, 1):
                stages = ("mid", "late") if hot else ("early", "mid")
                if et in REQUEST_KINDS:
                    pool = [i for i in own if rows[i]["kind"] in REQUEST_KINDS[et]]
                    pool = pool or [i for i, a in enumerate(rows) if a["kind"] in REQUEST_KINDS[et]]
                elif et in ("content_download", "form_submit"):
                    pool = [i for i in own if rows[i]["kind"] in DOWNLOADABLE and rows[i]["stage"] in stages]
                elif et == "page_view":
                    pool = [i for i in own if rows[i]["stage"] in stages or hot]
                else:
                    pool = []
                lists[(g, e, hot)] = pool
    width = max(len(v) for v in lists.values())
    cand = np.full((n_seg, n_et, 2, width), -1, dtype=np.int64)
    count = np.zeros((n_seg, n_et, 2), dtype=np.int64)
    for key, pool in lists.items():
        cand[key][: len(pool)] = pool
        count[key] = len(pool)
    col = {
        k: [a[k] for a in rows]
        for k in ("asset_id", "kind", "topic", "product_line", "stage", "url", "title")
    }
    careers = np.array([i for i, a in enumerate(rows) if a["topic"] == "careers"], dtype=np.int64)
    corporate = np.array([i for i, a in enumerate(rows) if a["product_line"] == "corporate"], dtype=np.int64)
    return Assets(**col, candidates=cand, candidate_count=count, careers=careers, corporate=corporate)


def _month_starts(start: datetime, end: datetime) -> list[datetime]:
    out, cur = [], datetime(start.year, start.month, 1, tzinfo=UTC)
    while cur < end:
        out.append(cur)
        cur = datetime(cur.year + cur.month // 12, cur.month % 12 + 1, 1, tzinfo=UTC)
    return out


def _campaigns(rng: np.random.Generator, assets: Assets, start: datetime, end: datetime) -> Campaigns:
    rows: list[tuple[str, int, int, datetime, int, int]] = []  # name, kind, segment, start, days, asset
    months = _month_starts(start - timedelta(days=31), end)
    for g, seg in enumerate(SEGMENTS):
        label = SEGMENT_LABEL[seg]
        own = [i for i, pl in enumerate(assets.product_line) if pl == seg]
        early = [i for i in own if assets.stage[i] == "early"] or own
        mid = [i for i in own if assets.stage[i] == "mid"] or own
        webinars = [i for i in own if assets.kind[i] == "webinar"]
        brochure = next((i for i in own if assets.kind[i] == "brochure"), -1)
        for m, month in enumerate(months):
            tag = month.strftime("%Y-%m")
            rows.append(
                (f"{label} Newsletter {tag}", 0, g, month + timedelta(days=9), 2, early[m % len(early)])
            )
            if month.month % 3 == 1:
                q = f"{month.year} Q{month.month // 3 + 1}"
                rows.append((f"Website - {label} Inquiries {q}", 1, g, month, 91, -1))
                rows.append((f"{label} Content Syndication {q}", 2, g, month, 91, mid[m % len(mid)]))
            if webinars and month.month % 2 == 0:
                w = webinars[m % len(webinars)]
                day = month + timedelta(days=int(rng.integers(8, 24)), hours=15)
                rows.append((f"Webinar: {assets.title[w]} ({day:%Y-%m-%d})", 3, g, day, 1, w))
            for conf, conf_month in CONFERENCES[seg]:
                if month.month == conf_month:
                    day = month + timedelta(days=int(rng.integers(3, 20)), hours=8)
                    rows.append((f"{conf} {month.year}", 4, g, day, 4, brochure))
    rows.sort(key=lambda r: (r[3], r[0]))
    ms = lambda d: int(d.timestamp() * 1000)  # noqa: E731
    return Campaigns(
        name=[r[0] for r in rows],
        kind=np.array([r[1] for r in rows], dtype=np.int64),
        segment=np.array([r[2] for r in rows], dtype=np.int64),
        start_ms=np.array([ms(r[3]) for r in rows], dtype=np.int64),
        end_ms=np.array([ms(r[3]) + r[4] * DAY_MS for r in rows], dtype=np.int64),
        asset=np.array([r[5] for r in rows], dtype=np.int64),
    )


TEAMS = (  # department, role, segment or -1, share of the sales floor
    ("Sales", "Account Executive", 0, 0.16), ("Sales", "Account Executive", 2, 0.14),
    ("Sales Development", "SDR", -1, 0.2), ("Clinical Operations", "Clinical Operations Liaison", 1, 0.14),
    ("Medical Affairs", "Medical Science Liaison", -1, 0.1), ("Business Development", "BD Director", 3, 0.06),
    ("Customer Success", "Customer Success Manager", -1, 0.14), ("Marketing", "Marketing Operations", -1, 0.06),
)  # fmt: skip


def _users(rng: np.random.Generator, people: int) -> Users:
    from mqlsync.generate.names import FIRST_NAMES, LAST_NAMES

    n = int(np.clip(people // 4000, 24, 300))
    firsts = [f for k in ("anglo", "german", "indian", "spanish") for f in FIRST_NAMES[k]]
    lasts = [x for k in ("anglo", "german", "indian", "spanish") for x in LAST_NAMES[k] if "'" not in x]
    shares = np.array([t[3] for t in TEAMS])
    counts = np.maximum(1, np.round(shares / shares.sum() * (n - 1))).astype(int)
    team = [-1] + [t for t, c in enumerate(counts) for _ in range(c)]
    first = ["Marketing"] + [firsts[int(i)] for i in rng.integers(0, len(firsts), len(team) - 1)]
    last = ["Integration"] + [lasts[int(i)] for i in rng.integers(0, len(lasts), len(team) - 1)]
    return Users(
        first_name=first,
        last_name=last,
        department=["Marketing"] + [TEAMS[t][0] for t in team[1:]],
        role=["Integration User"] + [TEAMS[t][1] for t in team[1:]],
        segment=np.array([-1] + [TEAMS[t][2] for t in team[1:]], dtype=np.int64),
    )


def build_catalog(seed: int, people: int, config: WorldConfig) -> Catalog:
    """The shared world tables for (seed, people, config)."""
    rng = np.random.Generator(np.random.PCG64([seed, 0xCA7A]))
    end = config.as_of
    start = end - timedelta(days=config.history_days)
    assets = _assets(load_taxonomy())
    return Catalog(
        seed=seed,
        people=people,
        config=config,
        as_of_ms=int(end.timestamp() * 1000),
        start_ms=int(start.timestamp() * 1000),
        assets=assets,
        campaigns=_campaigns(rng, assets, start, end),
        users=_users(rng, people),
        orgs=build_organizations(rng, max(60, people // 15)),
    )
