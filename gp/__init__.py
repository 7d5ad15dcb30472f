"""gp: plan and apply Argo Workflows pipelines written in HCL.

    import gp
    stack = gp.Stack("examples/sen2cor", vars={"tile": "T11UNQ"})
    stack.validate()            # [] when clean
    plan = stack.plan()         # plan.summary, plan.changes; rich in a notebook
    stack.apply(plan)

The public names are in ``__all__`` and described in docs/python.md. They are loaded on first
use, so that ``import gp.errors`` (and the CLI's start) do not pay for the whole API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "Stack": "gp.api.stack",
    "Session": "gp.api.stack",
    "Plan": "gp.api.plans",
    "Change": "gp.api.plans",
    "FieldChange": "gp.api.plans",
    "ApplyResult": "gp.api.plans",
    "Diagnostics": "gp.api.views",
    "Graph": "gp.api.views",
    "TestResults": "gp.api.views",
    "StackState": "gp.api.views",
    "Run": "gp.api.runs",
    "Node": "gp.runs.model",
    "LogLine": "gp.runs.logs",
    "Diagnostic": "gp.errors",
    "SourcePos": "gp.errors",
    "GPError": "gp.errors",
    "DiagnosticsError": "gp.errors",
    "ConfigError": "gp.errors",
    "CompileError": "gp.errors",
    "PlanError": "gp.errors",
    "StalePlanError": "gp.errors",
    "ProviderError": "gp.errors",
    "UnreachableError": "gp.errors",
    "ConflictError": "gp.errors",
    "LockError": "gp.errors",
    "ApplyError": "gp.errors",
    "RunError": "gp.errors",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from gp.api.plans import ApplyResult, Change, FieldChange, Plan
    from gp.api.runs import Run
    from gp.api.stack import Session, Stack
    from gp.api.views import Diagnostics, Graph, StackState, TestResults
    from gp.errors import (
        ApplyError,
        CompileError,
        ConfigError,
        ConflictError,
        Diagnostic,
        DiagnosticsError,
        GPError,
        LockError,
        PlanError,
        ProviderError,
        RunError,
        SourcePos,
        StalePlanError,
        UnreachableError,
    )
    from gp.runs.logs import LogLine
    from gp.runs.model import Node


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
