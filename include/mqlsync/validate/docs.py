"""Data Docs as one static page per run: rendered here from the GX result JSON, not by GX's site
builder, whose pages load Bootstrap, jQuery and fonts from CDNs (a run folder must open offline).
Every value is HTML-escaped; no script, no external link, image or stylesheet.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from mqlsync.validate.validation import Validation

_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
.fail{background:#fde2e2}.gate{background:#f8b4b4;font-weight:bold}.ok{background:#e3f6e3}code{font-size:90%}"""


def write_data_docs(validation: Validation, folder: Path) -> Path:
    """Write `index.html` (every suite and expectation: evaluated, failed, share, gate, verdict) and
    one `<suite>.json` GX result per suite under `folder`; returns the index path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for suite, result in validation.gx_results.items():
        (folder / f"{suite}.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    results = validation.results
    gate_failed = int(results["gate_failed"].sum())
    verdict = "gates passed" if gate_failed == 0 else f"{gate_failed} gate(s) failed: the run stops"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>mqlsync validation</title><style>{_STYLE}</style></head><body>",
        f"<h1>Validation: {escape(verdict)}</h1>",
        f"<p>{len(validation.quarantined):,} quarantined rows; accepted: "
        + ", ".join(f"{escape(t)} {len(f):,}" for t, f in validation.accepted.items())
        + "</p>",
    ]
    for suite, result in validation.gx_results.items():
        parts.append(_suite_section(suite, result, results[results["suite"] == suite]))
    parts.append("</body></html>")
    index = folder / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


def _suite_section(suite: str, gx: dict[str, Any], rows: Any) -> str:
    stats = gx.get("statistics", {})
    head = (
        f"<h2>Suite {escape(suite)}</h2><p>GX: {'success' if gx.get('success') else 'failed'}; "
        f"{stats.get('successful_expectations', 0)} of {stats.get('evaluated_expectations', 0)} expectations "
        f"passed <a href='{escape(suite)}.json'>(GX result JSON)</a></p>"
    )
    lines = [
        "<table><tr><th>check</th><th>expectation</th><th>column</th><th>evaluated</th><th>failed</th>"
        "<th>share</th><th>gate</th><th>verdict</th></tr>"
    ]
    for r in rows.itertuples(index=False):
        css = "gate" if r.gate_failed else ("fail" if not r.passed else "ok")
        gate = "report only" if r.gate != r.gate else f"{100 * r.gate:g} %"
        verdict = "gate failed" if r.gate_failed else ("failed" if not r.passed else "passed")
        cells = [
            r.check,
            r.expectation,
            r.column or "",
            f"{r.evaluated:,}",
            f"{r.failed:,}",
            f"{100 * r.failed_share:.2f} %",
            gate,
            verdict,
        ]
        lines.append(f"<tr class='{css}'>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    lines.append("</table>")
    return head + "\n".join(lines)
