"""Scoring, tiering, routing and SLA: the explainable life-sciences qualification engine.

Public surface: `load_model` / `check_model` (model files), `score_people` / `score_with_reasons`
(the engine), `render_breakdown`, `diff_reason_codes` and `explain_change` (explanations).
Imports are lazy so `import mqlsync.score` stays cheap for the CLI and DAG parsing.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "load_model": "mqlsync.score.modelfile",
    "check_model": "mqlsync.score.modelfile",
    "model_from_dict": "mqlsync.score.modelfile",
    "ScoringModel": "mqlsync.score.model",
    "score_people": "mqlsync.score.engine",
    "score_with_reasons": "mqlsync.score.engine",
    "ScoreResult": "mqlsync.score.engine",
    "render_breakdown": "mqlsync.score.breakdown",
    "diff_reason_codes": "mqlsync.score.breakdown",
    "explain_change": "mqlsync.score.breakdown",
    "crm_reason_field": "mqlsync.score.reasons",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
