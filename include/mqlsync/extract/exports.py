"""Marketo and Account Engagement activity exports: a landing folder of CSV files, each read once.

`scan_export_folder` checksums every `*.csv` and skips what was already read; `read_export` detects
the platform by header and turns one file into events and quarantine rows, never raising on bad
input; `load_exports` does both against the state store inside the caller's transaction. The format
is documented in docs/activity-exports.md. Quarantine rows are QUARANTINE rows of stage `normalize`;
`mqlsync.store.quarantine.record_quarantine` stores them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import sqlalchemy as sa

from mqlsync.extract.normalize.activities import (
    MARKETO_COLUMNS,
    MARKETO_REQUIRED,
    PARDOT_COLUMNS,
    PARDOT_REQUIRED,
    normalize_marketo_activities,
    normalize_pardot_activities,
)
from mqlsync.extract.normalize.cleaning import (
    concat_quarantine,
    empty_quarantine,
    snapshot_rows,
)
from mqlsync.schemas import EVENTS, empty_frame

MAX_FIELD = 1_000_000
"""Longest CSV field accepted (csv's own default is 131,072); longer fields make the row malformed."""
STAGE = "normalize"
"""The quarantine stage of every row this module quarantines (reading an export is normalizing it)."""
PLATFORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "marketo": (MARKETO_REQUIRED, MARKETO_COLUMNS),
    "pardot": (PARDOT_REQUIRED, PARDOT_COLUMNS),
}
FILE_COLUMNS: tuple[str, ...] = ("path", "sha256", "platform", "status", "rows", "problem")


@dataclass(frozen=True)
class ExportFile:
    """One CSV in the landing folder, identified by its content checksum."""

    path: Path
    sha256: str
    size: int


class ExportRead(NamedTuple):
    """What one file gave: events, row- and file-level quarantine, and the file's problem if it was
    rejected as a whole (then `accepted_events` is empty and `platform` may be None)."""

    accepted_events: pd.DataFrame
    quarantined_rows: pd.DataFrame
    file_problem: str | None
    platform: str | None
    rows: int


class ExportLoadResult(NamedTuple):
    """Events to upsert and quarantine rows to store, from the files this run claimed; `files` lists
    each file seen (status `loaded`, `failed` or `skipped` when already read)."""

    events: pd.DataFrame
    quarantined: pd.DataFrame
    files: pd.DataFrame


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def scan_export_folder(
    folder: Path | str, *, known_sha256: set[str] | frozenset[str] = frozenset()
) -> list[ExportFile]:
    """Every `*.csv` under `folder` (recursively, in path order) whose checksum is not in `known_sha256`.

    A file rewritten with different bytes has a new checksum and is new; the same bytes under another
    name are the same file and are skipped."""
    root = Path(folder)
    found: list[ExportFile] = []
    seen: set[str] = set(known_sha256)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"):
        sha = file_sha256(path)
        if sha in seen:
            continue
        seen.add(sha)
        found.append(ExportFile(path=path, sha256=sha, size=path.stat().st_size))
    return found


def _file_quarantine(file: ExportFile, check: str, reason: str, **details: object) -> pd.DataFrame:
    # Lists (header names) go into the snapshot as JSON text, so cutting a long value cuts a string
    # inside the snapshot, never the snapshot's own JSON.
    listed = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in details.items()}
    row = {"path": str(file.path), "sha256": file.sha256, "size": file.size, **listed}
    return concat_quarantine(
        [
            pd.DataFrame(
                {
                    "stage": [STAGE],
                    "record_id": [f"file:{file.path.name}"],
                    "table_name": ["exports"],
                    "check": [check],
                    "reason": [reason],
                    "row": snapshot_rows(pd.DataFrame([row])),
                }
            )
        ],
        stage=STAGE,
    )


def _reject(
    file: ExportFile, check: str, reason: str, platform: str | None = None, **details: object
) -> ParsedExport:
    return ParsedExport(
        None, _file_quarantine(file, check, reason, **details), f"{check}: {reason}", platform, 0
    )


_normalizers = {"marketo": normalize_marketo_activities, "pardot": normalize_pardot_activities}


def _platform(header: list[str]) -> tuple[str | None, list[str]]:
    """(platform whose required columns are all present, or the closest one; its missing columns)."""
    best: tuple[int, str, list[str]] | None = None
    for name, (required, _) in PLATFORMS.items():
        missing = [c for c in required if c not in header]
        overlap = len(required) - len(missing)
        if best is None or overlap > best[0]:
            best = (overlap, name, missing)
    assert best is not None
    return (best[1], best[2]) if best[0] > 0 else (None, [])


def _decode(data: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, check, reason): UTF-8 with or without a byte-order mark; anything else is rejected."""
    if not data.strip():
        return None, "EMPTY_FILE", "the file is empty"
    if b"\x00" in data[:65536]:
        return None, "BINARY_FILE", "the file contains NUL bytes: not a CSV text file"
    try:
        return data.decode("utf-8-sig"), None, None
    except UnicodeDecodeError as err:
        return None, "BAD_ENCODING", f"not UTF-8 (byte {err.start}: {data[err.start : err.start + 1].hex()})"


class ParsedExport(NamedTuple):
    """One file's rows as strings (None when rejected), before any mapping."""

    rows: pd.DataFrame | None
    quarantined_rows: pd.DataFrame
    file_problem: str | None
    platform: str | None
    count: int


def read_export(file: ExportFile | Path, *, asset_kinds: pd.Series | None = None) -> ExportRead:
    """One export file -> events + quarantine. Never raises on file content.

    Whole-file rejections (file_problem): EMPTY_FILE, BINARY_FILE, BAD_ENCODING, MALFORMED_CSV,
    WRONG_DELIMITER, UNKNOWN_FORMAT, MISSING_COLUMNS (naming them). Row-level: MALFORMED_ROW (field
    count differs from the header, e.g. a truncated last line) plus the activity mapping's codes.
    Extra columns are ignored and noted once per file (EXTRA_COLUMNS)."""
    parsed = parse_export(file)
    if parsed.rows is None:
        return ExportRead(
            empty_frame(EVENTS), parsed.quarantined_rows, parsed.file_problem, parsed.platform, 0
        )
    result = _normalizers[str(parsed.platform)](parsed.rows, asset_kinds=asset_kinds)
    quarantined = concat_quarantine([parsed.quarantined_rows, result.quarantined], stage=STAGE)
    return ExportRead(result.accepted, quarantined, None, parsed.platform, parsed.count)


def parse_export(file: ExportFile | Path) -> ParsedExport:
    """Decode, parse and check one file's header (the codes of read_export); rows stay strings."""
    if isinstance(file, Path | str):
        path = Path(file)
        file = ExportFile(path=path, sha256=file_sha256(path), size=path.stat().st_size)
    text, check, reason = _decode(file.path.read_bytes())
    if text is None:
        return _reject(file, str(check), str(reason))
    csv.field_size_limit(MAX_FIELD)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        return _reject(file, "MALFORMED_CSV", f"not parseable as CSV: {err}")
    header = [h.strip() for h in rows[0]] if rows else []
    platform, missing = _platform(header)
    if platform is None:
        if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
            return _reject(
                file,
                "WRONG_DELIMITER",
                "the header is one column: fields must be separated by commas",
                header=header[0][:200],
            )
        return _reject(
            file,
            "UNKNOWN_FORMAT",
            "the header matches neither the Marketo nor the Account Engagement export",
            header=header[:20],
        )
    if missing:
        return _reject(
            file,
            "MISSING_COLUMNS",
            f"{platform} export lacks required columns: {', '.join(missing)}",
            platform,
            header=header[:40],
        )
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        return _reject(file, "DUPLICATE_COLUMNS", f"columns appear twice: {', '.join(dupes)}", platform)
    width = len(header)
    body = [r for r in rows[1:] if r]  # a blank line is not a row
    good = [r for r in body if len(r) == width]
    bad_at = [n for n, r in enumerate(body, start=1) if len(r) != width]
    bad = [body[n - 1] for n in bad_at]
    parts = []
    extra = [c for c in header if c not in PLATFORMS[platform][1]]
    if extra:
        parts.append(
            _file_quarantine(file, "EXTRA_COLUMNS", f"columns ignored: {', '.join(extra[:20])}", extra=extra)
        )
    if bad:
        ends_clean = text.endswith("\n")
        # The fields as JSON text inside the snapshot: the cut never breaks the snapshot's JSON.
        snapshot = pd.DataFrame({"fields": [json.dumps(r[: width + 2], ensure_ascii=False) for r in bad]})
        parts.append(
            concat_quarantine(
                [
                    pd.DataFrame(
                        {
                            "stage": STAGE,
                            # One entry per bad row: its number in the file keeps the entries apart.
                            "record_id": [f"file:{file.path.name}:row{n}" for n in bad_at],
                            "table_name": "events",
                            "check": "MALFORMED_ROW",
                            "reason": [
                                f"{len(r)} fields where the header has {width}"
                                + (
                                    ""
                                    if ends_clean or r is not body[-1]
                                    else " (the file ends mid-line: truncated)"
                                )
                                for r in bad
                            ],
                            "row": snapshot_rows(snapshot),
                        }
                    )
                ],
                stage=STAGE,
            )
        )
    frame = pd.DataFrame(good, columns=header, dtype="string").replace("", pd.NA)
    return ParsedExport(frame, concat_quarantine(parts, stage=STAGE), None, platform, len(body))


def read_file_states(conn: sa.Connection) -> set[str]:
    """Checksums the store has already read to the end, loaded or rejected (same bytes, same outcome)."""
    from mqlsync.store.tables import raw_files

    stmt = sa.select(raw_files.c.sha256).where(raw_files.c.status.in_(("loaded", "failed")))
    return set(conn.execute(stmt).scalars())


def load_exports(
    conn: sa.Connection, folder: Path | str, *, run_id: str, asset_kinds: pd.Series | None = None
) -> ExportLoadResult:
    """`read_exports` of the files the store has not read yet, then `claim_export_files`, in the
    caller's transaction. Returns the events to upsert and the quarantine rows to store."""
    result = read_exports(folder, known_sha256=read_file_states(conn), asset_kinds=asset_kinds)
    return result._replace(files=claim_export_files(conn, result.files, run_id=run_id))


def claim_export_files(conn: sa.Connection, files: pd.DataFrame, *, run_id: str) -> pd.DataFrame:
    """Mark each file `loaded` (or `failed` when rejected as a whole) in the store, in the caller's
    transaction; a file another run already claimed becomes `skipped`. Returns `files` with statuses."""
    from mqlsync.store.raw_files import claim_raw_file, mark_raw_file

    statuses = []
    for file in files.to_dict(orient="records"):
        rows = int(file["rows"] or 0)
        claimed = claim_raw_file(
            conn, sha256=file["sha256"], path=file["path"], source=file["platform"], run_id=run_id, rows=rows
        )
        status = "skipped"
        if claimed:
            status = "failed" if isinstance(file["problem"], str) and file["problem"] else "loaded"
            mark_raw_file(conn, file["sha256"], status, rows=rows)
        statuses.append(status)
    return files.assign(status=pd.Series(statuses, index=files.index, dtype="string"))


def read_exports(
    folder: Path | str,
    *,
    known_sha256: set[str] | frozenset[str] = frozenset(),
    asset_kinds: pd.Series | None = None,
) -> ExportLoadResult:
    """Read every export file in `folder` whose checksum is not in `known_sha256` (no store access):
    events, quarantine rows, and the files (status `read`, or `rejected` when refused as a whole)
    for `claim_export_files` to record."""
    files: list[dict[str, object]] = []
    batches: dict[str, list[pd.DataFrame]] = {name: [] for name in PLATFORMS}
    quarantined: list[pd.DataFrame] = []
    folder = Path(folder)
    for file in scan_export_folder(folder, known_sha256=known_sha256):
        parsed = parse_export(file)
        rel = str(file.path.relative_to(folder)) if file.path.is_relative_to(folder) else str(file.path)
        files.append(
            {
                "path": rel,
                "sha256": file.sha256,
                "platform": parsed.platform or "exports",
                "status": "rejected" if parsed.file_problem else "read",
                "rows": parsed.count,
                "problem": parsed.file_problem,
            }
        )
        quarantined.append(parsed.quarantined_rows)
        if parsed.rows is not None and not parsed.rows.empty:
            batches[str(parsed.platform)].append(parsed.rows.assign(_file=rel))
    # One mapping pass per platform: per-file pandas overhead would dominate a folder of small files.
    events = []
    for name, frames in batches.items():
        if frames:
            result = _normalizers[name](pd.concat(frames, ignore_index=True), asset_kinds=asset_kinds)
            events.append(result.accepted)
            quarantined.append(result.quarantined)
    kept = [e for e in events if not e.empty]
    merged = pd.concat(kept, ignore_index=True) if kept else empty_frame(EVENTS)
    # The same activity in two files (a re-export): keep the later file's copy, note the earlier one.
    repeat = merged["event_id"].duplicated(keep="last")
    if repeat.any():
        quarantined.append(
            concat_quarantine(
                [
                    pd.DataFrame(
                        {
                            "stage": STAGE,
                            "record_id": merged.loc[repeat, "event_id"],
                            "table_name": "events",
                            "check": "DUPLICATE_RECORD",
                            "reason": "the same activity is in a later export file of this run",
                            "row": snapshot_rows(merged[repeat]),
                        }
                    )
                ],
                stage=STAGE,
            )
        )
        merged = merged[~repeat].reset_index(drop=True)
    files_frame = pd.DataFrame(files, columns=list(FILE_COLUMNS)).astype(
        {"path": "string", "sha256": "string", "platform": "string", "status": "string", "problem": "string"}
    )
    return ExportLoadResult(
        merged,
        concat_quarantine(quarantined, stage=STAGE) if quarantined else empty_quarantine(),
        files_frame,
    )
