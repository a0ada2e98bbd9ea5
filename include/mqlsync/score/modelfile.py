"""Reading and checking model files: YAML -> ScoringModel, with errors that name the key and the fix.

pydantic's own messages speak to programmers; the person tuning a model needs
`segments.medtech.fit[3].points: 250 is above the maximum of 100` and a did-you-mean for typos.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from mqlsync.errors import ConfigError
from mqlsync.score.model import ScoringModel
from mqlsync.score.taxonomy import load_taxonomy


def load_model(path: Path | str, *, with_taxonomy: bool = True) -> ScoringModel:
    """Validate a model file and bind its content taxonomy (path relative to the model file)."""
    path = Path(path)
    raw = _read_yaml(path)
    model = model_from_dict(raw, source=str(path))
    if not with_taxonomy:
        return model
    return model.with_taxonomy(load_taxonomy(path.parent / model.taxonomy))


def model_from_dict(raw: Any, *, source: str = "model") -> ScoringModel:
    """Validate plain data as a model; every problem is reported at once in one ConfigError."""
    if not isinstance(raw, dict):
        raise ConfigError(source, ["top level must be a mapping (version:, segments:, ...)"])
    try:
        return ScoringModel.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(source, [describe_error(e) for e in err.errors()]) from err


def check_model(path: Path | str) -> list[str]:
    """The problems of a model file, empty when it is valid (what `mqlsync model check` prints)."""
    try:
        load_model(path)
    except ConfigError as err:
        return err.problems
    return []


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(str(path), ["file not found (pass --model with an existing file)"]) from err
    except yaml.YAMLError as err:
        raise ConfigError(str(path), [f"not valid YAML: {err}"]) from err


def key_path(loc: tuple[Any, ...]) -> str:
    """('segments', 'medtech', 'fit', 3, 'points') -> 'segments.medtech.fit[3].points'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (as a key)"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _suggest(word: Any, choices: typing.Iterable[str]) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def describe_error(e: Any) -> str:
    """One line per pydantic error: key path, what was seen, what is allowed, and the fix."""
    loc = tuple(e["loc"])
    where = key_path(loc)
    kind, ctx, seen = e["type"], e.get("ctx") or {}, e.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = _suggest(loc[-1], allowed) if allowed else ""
        if not hint and allowed:
            hint = f" (allowed: {', '.join(allowed)})"
        return f"{where}: unknown key{hint}"
    if kind == "missing":
        return f"{where}: missing (add this key; see include/models/README.md)"
    if kind in ("less_than_equal", "less_than"):
        return f"{where}: {seen} is above the maximum of {ctx.get('le', ctx.get('lt'))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{where}: {seen} is below the minimum of {ctx.get('ge', ctx.get('gt'))}"
    if kind == "literal_error":
        allowed = [
            a.strip().strip("'") for a in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")
        ]
        listed = ", ".join(allowed) if len(allowed) <= 8 else ", ".join(allowed[:8]) + ", ..."
        return f"{where}: {seen!r} is not allowed{_suggest(seen, allowed)}; allowed: {listed}"
    if kind == "string_pattern_mismatch":
        return f"{where}: {seen!r} does not have the expected form ({ctx.get('pattern')})"
    if kind in ("too_short", "too_long"):
        return f"{where}: {e['msg'].lower()}"
    msg = str(e["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return f"{where}: {msg}"
    return f"{where}: {seen!r} is invalid ({msg})"


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated/Literal-free unions down to the one structured type inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            structured = [a for a in typing.get_args(annotation) if a is not type(None)]
            picks = [a for a in structured if typing.get_origin(a) in (list, dict) or _is_model(a)]
            annotation = picks[0] if picks else structured[0]
        else:
            return annotation


def _is_model(a: Any) -> bool:
    return isinstance(a, type) and issubclass(a, BaseModel)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at `loc` accepts, by walking the model's type annotations."""
    current: Any = ScoringModel
    for part in loc:
        current = _unwrap(current)
        if _is_model(current) and isinstance(part, str) and part in current.model_fields:
            current = current.model_fields[part].annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    return list(current.model_fields) if _is_model(current) else []
