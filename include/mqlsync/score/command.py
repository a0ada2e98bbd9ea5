"""`mqlsync score`, `mqlsync explain` and `mqlsync model check|diff`: scoring from files.

Files in, files out (CSV or Parquet, by extension), for model tuning and audits. `score` writes the
Scores table and, beside it, `<out>.reasons.parquet`: one row per (person, code) with points,
evidence and decay, which `explain --scores` reads.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import click
import pandas as pd

from mqlsync.errors import MqlsyncError


def read_table(path: Path) -> pd.DataFrame:
    """CSV or Parquet by extension; every other format is refused with the ones accepted."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".csv", ".txt"):
        return pd.read_csv(path, keep_default_na=True, na_values=[""])
    raise click.BadParameter(f"{path}: unknown format {suffix!r}; use .csv or .parquet")


def _join_lists(series: pd.Series) -> pd.Series:
    return series.map(lambda v: ";".join(map(str, list(v))) if v is not None else None)


def scores_file_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores as files hold them: plus `reason_codes_crm`, the top codes that fit the CRM field."""
    from mqlsync.score.reasons import crm_reason_field

    frame = scores.copy()
    frame["reason_codes_crm"] = frame["reason_codes"].map(lambda v: crm_reason_field(list(v)))
    return frame


def write_scores(scores: pd.DataFrame, reasons: pd.DataFrame, out: Path) -> Path:
    """Write Scores (lists joined with ';' in CSV) and the reasons sidecar; return the sidecar path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = scores_file_frame(scores)
    if out.suffix.lower() == ".parquet":
        _write_parquet(frame, out)
    else:
        frame["record_ids"] = _join_lists(frame["record_ids"])
        frame["reason_codes"] = _join_lists(frame["reason_codes"])
        frame.to_csv(out, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    sidecar = out.with_suffix(".reasons.parquet")
    _write_parquet(reasons, sidecar)
    return sidecar


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Plain Arrow types without pandas metadata, so any reader (and other pandas versions) can load it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None), path)


def _model(ctx: click.Context, path: str | None) -> Any:
    from mqlsync.score.modelfile import load_model

    settings = ctx.obj
    return load_model(Path(path) if path else settings.model_path)


def _score(
    ctx: click.Context, people: str, events: str, model: str | None, as_of: str, previous: str | None = None
):
    from mqlsync.score.engine import score_with_reasons

    prev = read_table(Path(previous)) if previous else None
    return score_with_reasons(
        read_table(Path(people)), read_table(Path(events)), _model(ctx, model), as_of=as_of, previous=prev
    )


def _fail(err: Exception) -> click.ClickException:
    return click.ClickException(str(err))


_files = [
    click.option(
        "--people",
        required=True,
        type=click.Path(exists=True, dir_okay=False),
        help="PEOPLE table (.csv/.parquet).",
    ),
    click.option(
        "--events",
        required=True,
        type=click.Path(exists=True, dir_okay=False),
        help="EVENTS table (.csv/.parquet).",
    ),
    click.option(
        "--as-of", "as_of", required=True, help="Scoring time, ISO-8601 (e.g. 2026-11-01T00:00:00Z)."
    ),
]


def _with_files(f: Any) -> Any:
    for option in reversed(_files):
        f = option(f)
    return f


@click.command()
@_with_files
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Model YAML (default: settings).",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False),
    help="Last run's Scores, so mql_at never moves.",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Scores output (.csv or .parquet)."
)
@click.option(
    "--store/--no-store",
    default=False,
    help="Also keep this run in the state store's score history (see `explain --history`).",
)
@click.pass_context
def score(
    ctx: click.Context,
    people: str,
    events: str,
    as_of: str,
    model_path: str | None,
    previous: str | None,
    out: str,
    store: bool,
) -> None:
    """Score PEOPLE and EVENTS files as of a time; write Scores and a reasons sidecar."""
    try:
        result = _score(ctx, people, events, model_path, as_of, previous)
    except MqlsyncError as err:
        raise _fail(err) from err
    sidecar = write_scores(result.scores, result.reasons, Path(out))
    counts = result.scores["mql_status"].value_counts().to_dict()
    click.echo(
        f"scored {len(result.scores):,} people as of {as_of}: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
    )
    click.echo(f"wrote {out} and {sidecar}")
    if store:
        run_id = store_scores(ctx.obj, result.scores, as_of=as_of)
        click.echo(f"stored as run {run_id} in the state store")


def store_scores(settings: Any, scores: pd.DataFrame, *, as_of: str) -> str:
    """Keep a CLI scoring run in the score history; the run id names its time and model version."""
    from mqlsync.score.engine import to_utc
    from mqlsync.store import create_store_engine, record_scoring_run, upgrade_store

    when = to_utc(as_of).to_pydatetime()
    version = str(scores["model_version"].iloc[0]) if len(scores) else "none"
    run_id = f"score__{when:%Y-%m-%dT%H:%M:%SZ}__{version}"
    engine = create_store_engine(settings.store_url)
    upgrade_store(engine)
    with engine.begin() as conn:
        record_scoring_run(conn, scores, run_id=run_id, dag_id="mqlsync_score_cli", as_of=when)
    engine.dispose()
    return run_id


def history_report(settings: Any, person_id: str) -> str:
    """Every stored score of a person, and why each change happened, from the reason-code diffs."""
    from mqlsync.score.breakdown import explain_change
    from mqlsync.store import create_store_engine, score_history, upgrade_store

    engine = create_store_engine(settings.store_url)
    upgrade_store(engine)
    with engine.connect() as conn:
        rows = score_history(conn, person_id).to_dict("records")
    engine.dispose()
    if not rows:
        raise click.ClickException(f"person {person_id} has no stored scores (score with --store first)")
    lines = [f"{len(rows)} stored scores for {person_id}:"]
    lines += [
        f"  {r['as_of']:%Y-%m-%d %H:%M} UTC  model {r['model_version']}  score {r['score']}  "
        f"tier {r['tier']}  {r['mql_status']}  (run {r['run_id']})"
        for r in rows
    ]
    for old, new in itertools.pairwise(rows):
        lines += ["", explain_change(old, new)]
    return "\n".join(lines)


@click.command()
@click.argument("person_id")
@click.option(
    "--scores", "scores_path", type=click.Path(exists=True, dir_okay=False), help="Output of `mqlsync score`."
)
@click.option(
    "--people", type=click.Path(exists=True, dir_okay=False), help="Score on the fly: PEOPLE table."
)
@click.option(
    "--events", type=click.Path(exists=True, dir_okay=False), help="Score on the fly: EVENTS table."
)
@click.option("--as-of", "as_of", help="Score on the fly: scoring time.")
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Model YAML (default: settings).",
)
@click.option(
    "--history",
    is_flag=True,
    help="Instead: every score stored for PERSON_ID and why it changed between runs.",
)
@click.pass_context
def explain(
    ctx: click.Context,
    person_id: str,
    scores_path: str | None,
    people: str | None,
    events: str | None,
    as_of: str | None,
    model_path: str | None,
    history: bool,
) -> None:
    """Print the full breakdown of PERSON_ID's score: rule, evidence, points and decay."""
    from mqlsync.score.breakdown import render_breakdown

    if history:
        click.echo(history_report(ctx.obj, person_id))
        return
    try:
        model = _model(ctx, model_path)
        if scores_path:
            scores = read_table(Path(scores_path))
            reasons = pd.read_parquet(Path(scores_path).with_suffix(".reasons.parquet"))
            if len(scores) and isinstance(scores["record_ids"].iloc[0], str):  # CSV: joined with ";"
                scores["record_ids"] = scores["record_ids"].astype("string").str.split(";")
        elif people and events and as_of:
            result = _score(ctx, people, events, model_path, as_of)
            scores, reasons = result.scores, result.reasons
        else:
            raise click.UsageError(
                "give --scores FILE, or --people, --events and --as-of to score on the fly"
            )
    except MqlsyncError as err:
        raise _fail(err) from err
    row = scores[scores["person_id"].astype(str) == person_id]
    if row.empty:
        raise click.ClickException(f"person {person_id} is not in the scores ({len(scores):,} people)")
    mine = reasons[reasons["person_id"].astype(str) == person_id]
    record = row.iloc[0].to_dict()
    record["record_ids"] = list(record["record_ids"]) if record.get("record_ids") is not None else None
    click.echo(render_breakdown(record, mine, model))


@click.group()
def model() -> None:
    """Check a scoring model, or measure what a change would do."""


@model.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check(file: str) -> None:
    """Validate FILE; list every problem with its key and the fix."""
    from mqlsync.score.modelfile import check_model, load_model

    problems = check_model(file)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise click.ClickException(
            "\n".join([f"{file} has {len(problems)} {noun}", *[f"  {p}" for p in problems]])
        )
    m = load_model(file)
    click.echo(
        f"ok: {file} is valid (model {m.name} version {m.version}, {len(m.segments)} segments, "
        f"{len(m.taxonomy_frame)} taxonomy assets)"
    )


@model.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@_with_files
@click.pass_context
def diff(ctx: click.Context, old: str, new: str, people: str, events: str, as_of: str) -> None:
    """How many people change tier, status and route if the model changes from OLD to NEW."""
    from mqlsync.score.engine import score_people

    try:
        p, e = read_table(Path(people)), read_table(Path(events))
        a = score_people(p, e, _model(ctx, old), as_of=as_of).set_index("person_id")
        b = score_people(p, e, _model(ctx, new), as_of=as_of).set_index("person_id")
    except MqlsyncError as err:
        raise _fail(err) from err
    click.echo(
        f"{len(a):,} people scored as of {as_of}: {old} ({a['model_version'].iloc[0] if len(a) else '-'}) "
        f"vs {new} ({b['model_version'].iloc[0] if len(b) else '-'})"
    )
    for col, title in (("tier", "tier"), ("mql_status", "status"), ("routing_queue", "route")):
        before, after = a[col].astype("string").fillna("-"), b[col].astype("string").fillna("-")
        changed = before != after
        click.echo(f"\n{title}: {int(changed.sum()):,} people change")
        moves = pd.DataFrame({"from": before[changed], "to": after[changed]}).value_counts().head(15)
        for (f, t), count in moves.items():
            click.echo(f"  {f:>20} -> {t:<20} {count:,}")
    delta = (b["score"] - a["score"]).describe()
    click.echo(f"\nscore change: mean {delta['mean']:+.1f}, min {delta['min']:+.0f}, max {delta['max']:+.0f}")
