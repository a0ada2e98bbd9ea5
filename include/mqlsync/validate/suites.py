"""Suite files in expectations/ -> `Suite` objects, every problem of every file reported at once.

A suite file is GX 1.x suite JSON (`{"name", "expectations": [{"type", "kwargs", "meta"}], "meta"}`)
with a few keys of our own in `meta`:

- suite `meta.table`: the canonical table it checks (default: the suite name);
- suite `meta.where`: `{column: [values]}`, the rows it applies to (e.g. one source's records);
- suite `meta.parameters`: `earliest` (ISO date) and `max_age_hours`, turned into the GX suite
  parameters `$PARAMETER: as_of | earliest | fresh_after` at run time;
- expectation `meta.check` (stable upper-case code, unique in its suite), `meta.reason` (what is
  wrong, in words), `meta.gate` (share of failing rows above which the run stops; null = report
  only) and optionally `meta.quarantine: false` (count and gate the failing rows but keep them).

No GX import here: the file is checked against the expectation types `masks.EVALUATORS` knows,
because each one must also run as a row mask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mqlsync.errors import ConfigError
from mqlsync.validate.masks import BATCH_TYPES, EVALUATORS, column_of

_CHECK = re.compile(r"^[A-Z][A-Z0-9_]*$")
_SUITE_META = {"table", "where", "parameters", "notes"}
_PARAMETERS = {"earliest", "max_age_hours"}
_TABLES = {"people", "events"}
DEFAULT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_MAX_AGE = timedelta(hours=72)


@dataclass(frozen=True)
class Expectation:
    """One expectation of a suite, with our meta read out."""

    index: int
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    check: str
    reason: str
    gate: float | None
    quarantine: bool = True

    @property
    def column(self) -> str | None:
        return column_of(self.kwargs)

    @property
    def row_level(self) -> bool:
        """False for batch-level checks (e.g. freshness): they fail the batch, never a row."""
        return self.type not in BATCH_TYPES


@dataclass(frozen=True)
class Suite:
    """A loaded suite: its name, the table it checks, the rows it applies to, its expectations."""

    name: str
    table: str
    path: Path
    expectations: tuple[Expectation, ...]
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    earliest: datetime = DEFAULT_EARLIEST
    max_age: timedelta = DEFAULT_MAX_AGE
    meta: dict[str, Any] = field(default_factory=dict)

    def parameters(self, as_of: datetime) -> dict[str, datetime]:
        """The GX suite parameters (`{"$PARAMETER": name}` in kwargs) for a run at `as_of`."""
        return {"as_of": as_of, "earliest": self.earliest, "fresh_after": as_of - self.max_age}

    def gx_json(self) -> dict[str, Any]:
        """The suite as GX reads it (`gx.ExpectationSuite(**suite.gx_json())`)."""
        return {
            "name": self.name,
            "expectations": [{"type": e.type, "kwargs": e.kwargs, "meta": e.meta} for e in self.expectations],
            "meta": self.meta,
        }


def load_suites(folder: Path | str) -> dict[str, Suite]:
    """Every `*.json` suite in `folder`, by name (sorted). Raises ConfigError listing every problem
    of every file (bad JSON, unknown expectation type, missing meta.check, gate outside [0, 1], ...)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(str(folder), ["suite folder not found (pass --suites or set expectations_dir)"])
    files = sorted(folder.glob("*.json"))
    if not files:
        raise ConfigError(str(folder), ["no suite files (*.json) in this folder"])
    suites: dict[str, Suite] = {}
    problems: list[str] = []
    for path in files:
        suite, found = parse_suite(path)
        problems += [f"{path.name}: {p}" for p in found]
        if suite is not None:
            suites[suite.name] = suite
    if problems:
        raise ConfigError(str(folder), problems)
    return suites


def parse_suite(path: Path) -> tuple[Suite | None, list[str]]:
    """(the suite, or None when it cannot be used; its problems, each naming the expectation)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        return None, [f"cannot be read ({type(err).__name__}: {err})"]
    except json.JSONDecodeError as err:
        return None, [f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"]
    if not isinstance(data, dict):
        return None, ["top level must be an object with name, expectations and meta"]
    problems: list[str] = []
    unknown = sorted(set(data) - {"name", "expectations", "meta", "id", "notes"})
    if unknown:
        problems.append(f"unknown keys {unknown}; a suite has name, expectations, meta")
    name = data.get("name")
    if name != path.stem:
        problems.append(f"name {name!r} must equal the file name {path.stem!r}")
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        problems.append("meta must be an object")
        meta = {}
    problems += [
        f"meta.{k}: unknown key; the keys are {sorted(_SUITE_META)}" for k in sorted(set(meta) - _SUITE_META)
    ]
    table = meta.get("table", name)
    if table not in _TABLES:
        problems.append(f"meta.table: {table!r} is not a table validation checks ({sorted(_TABLES)})")
    where = _where(meta.get("where", {}), problems)
    earliest, max_age = _parameters(meta.get("parameters", {}), problems)
    raw = data.get("expectations")
    if not isinstance(raw, list) or not raw:
        problems.append("expectations must be a non-empty list")
        raw = []
    expectations = []
    checks: dict[str, int] = {}
    for index, item in enumerate(raw):
        exp, found = _expectation(index, item)
        problems += found
        if exp is not None:
            if exp.check in checks:
                problems.append(
                    f"expectations[{index}] ({exp.type}): meta.check {exp.check} is already used by "
                    f"expectations[{checks[exp.check]}]; a check code names one expectation of a suite"
                )
            checks[exp.check] = index
            expectations.append(exp)
    if problems:
        return None, problems
    suite = Suite(
        name=str(name),
        table=str(table),
        path=path,
        expectations=tuple(expectations),
        where=where,
        earliest=earliest,
        max_age=max_age,
        meta=meta,
    )
    return suite, []


def _where(value: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values()
    ):
        problems.append('meta.where must map a column to a list of values, e.g. {"source": ["salesforce"]}')
        return {}
    return {str(k): tuple(v) for k, v in value.items()}


def _parameters(value: Any, problems: list[str]) -> tuple[datetime, timedelta]:
    earliest, max_age = DEFAULT_EARLIEST, DEFAULT_MAX_AGE
    if not isinstance(value, Mapping):
        problems.append("meta.parameters must be an object")
        return earliest, max_age
    for key in sorted(set(value) - _PARAMETERS):
        problems.append(f"meta.parameters.{key}: unknown parameter; the parameters are {sorted(_PARAMETERS)}")
    if "earliest" in value:
        try:
            earliest = datetime.fromisoformat(str(value["earliest"]))
        except ValueError:
            problems.append(f"meta.parameters.earliest: {value['earliest']!r} is not an ISO date")
        if earliest.tzinfo is None:
            problems.append("meta.parameters.earliest: give a UTC offset, e.g. 2000-01-01T00:00:00+00:00")
    if "max_age_hours" in value:
        hours = value["max_age_hours"]
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
            problems.append(f"meta.parameters.max_age_hours: {hours!r} must be a positive number")
        else:
            max_age = timedelta(hours=hours)
    return earliest, max_age


def _expectation(index: int, item: Any) -> tuple[Expectation | None, list[str]]:
    if not isinstance(item, dict):
        return None, [f"expectations[{index}]: must be an object with type, kwargs and meta"]
    kind = item.get("type")
    where = f"expectations[{index}] ({kind})"
    problems = []
    if kind not in EVALUATORS:
        problems.append(f"{where}: unknown expectation type; the types are {', '.join(sorted(EVALUATORS))}")
    kwargs = item.get("kwargs", {})
    meta = item.get("meta")
    if not isinstance(kwargs, dict):
        problems.append(f"{where}: kwargs must be an object")
        kwargs = {}
    if not isinstance(meta, dict):
        return None, [*problems, f"{where}: meta with check, reason and gate is missing"]
    if kind in EVALUATORS:
        problems += [f"{where}: kwargs.{p}" for p in EVALUATORS[kind].problems(kwargs)]
    check = meta.get("check")
    if not isinstance(check, str) or not _CHECK.match(check):
        problems.append(f"{where}: meta.check {check!r} must be a stable upper-case code, e.g. EMAIL_SYNTAX")
    reason = meta.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        problems.append(f"{where}: meta.reason must say in words what is wrong")
    if "gate" not in meta:
        problems.append(f"{where}: meta.gate is missing (a share in [0, 1], or null to report only)")
    gate = meta.get("gate")
    if gate is not None and (
        isinstance(gate, bool) or not isinstance(gate, int | float) or not 0 <= gate <= 1
    ):
        problems.append(f"{where}: meta.gate {gate!r} is outside [0, 1] (null reports only)")
    quarantine = meta.get("quarantine", True)
    if not isinstance(quarantine, bool):
        problems.append(f"{where}: meta.quarantine {quarantine!r} must be true or false")
    if problems:
        return None, problems
    return Expectation(
        index=index,
        type=str(kind),
        kwargs=kwargs,
        meta=meta,
        check=str(check),
        reason=str(reason),
        gate=None if gate is None else float(gate),
        quarantine=bool(quarantine),
    ), []
