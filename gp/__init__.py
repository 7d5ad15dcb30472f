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

from gp._version import __version__

# Public name -> the module that defines it. A type checker reads the imports under
# TYPE_CHECKING (explicit re-exports); at run time each name is imported on first use.
_EXPORTS = {
    "Stack": "gp.api.stack",
    "Session": "gp.api.session",
    "StateChange": "gp.api.state",
    "EnvironmentStatus": "gp.environments.status",
    "EnvironmentRequired": "gp.errors",
    "Plan": "gp.api.plans",
    "Change": "gp.api.plans",
    "FieldChange": "gp.api.plans",
    "ApplyResult": "gp.api.plans",
    "Diagnostics": "gp.api.views",
    "Graph": "gp.api.views",
    "TestResults": "gp.api.views",
    "StackState": "gp.api.views",
    "Run": "gp.api.runs",
    "Backfill": "gp.api.backfill",
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
    "RunRefused": "gp.errors",
}

__all__ = [
    "ApplyError",
    "ApplyResult",
    "Backfill",
    "Change",
    "CompileError",
    "ConfigError",
    "ConflictError",
    "Diagnostic",
    "Diagnostics",
    "DiagnosticsError",
    "EnvironmentRequired",
    "EnvironmentStatus",
    "FieldChange",
    "GPError",
    "Graph",
    "LockError",
    "LogLine",
    "Node",
    "Plan",
    "PlanError",
    "ProviderError",
    "Run",
    "RunError",
    "RunRefused",
    "Session",
    "SourcePos",
    "Stack",
    "StackState",
    "StalePlanError",
    "StateChange",
    "TestResults",
    "UnreachableError",
    "__version__",
]

if TYPE_CHECKING:
    from gp.api.backfill import Backfill as Backfill
    from gp.api.plans import ApplyResult as ApplyResult
    from gp.api.plans import Change as Change
    from gp.api.plans import FieldChange as FieldChange
    from gp.api.plans import Plan as Plan
    from gp.api.runs import Run as Run
    from gp.api.session import Session as Session
    from gp.api.stack import Stack as Stack
    from gp.api.state import StateChange as StateChange
    from gp.api.views import Diagnostics as Diagnostics
    from gp.api.views import Graph as Graph
    from gp.api.views import StackState as StackState
    from gp.api.views import TestResults as TestResults
    from gp.environments.status import EnvironmentStatus as EnvironmentStatus
    from gp.errors import ApplyError as ApplyError
    from gp.errors import CompileError as CompileError
    from gp.errors import ConfigError as ConfigError
    from gp.errors import ConflictError as ConflictError
    from gp.errors import Diagnostic as Diagnostic
    from gp.errors import DiagnosticsError as DiagnosticsError
    from gp.errors import EnvironmentRequired as EnvironmentRequired
    from gp.errors import GPError as GPError
    from gp.errors import LockError as LockError
    from gp.errors import PlanError as PlanError
    from gp.errors import ProviderError as ProviderError
    from gp.errors import RunError as RunError
    from gp.errors import RunRefused as RunRefused
    from gp.errors import SourcePos as SourcePos
    from gp.errors import StalePlanError as StalePlanError
    from gp.errors import UnreachableError as UnreachableError
    from gp.runs.logs import LogLine as LogLine
    from gp.runs.model import Node as Node


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
