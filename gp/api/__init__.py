"""The Python API: what the CLI does, as objects a script or a notebook holds (docs/python.md).

``import gp`` exposes these names; this package holds them. The CLI's commands call them too,
so the two share one code path, one set of errors and the same lock, stale-plan and ownership
rules. Each name is imported on first use: `gp plan` loads neither the runs nor the views.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ApplyResult": "gp.api.plans",
    "Change": "gp.api.plans",
    "FieldChange": "gp.api.plans",
    "Plan": "gp.api.plans",
    "Session": "gp.api.session",
    "Stack": "gp.api.stack",
    "StateChange": "gp.api.state",
    "Diagnostics": "gp.api.views",
    "Graph": "gp.api.views",
    "StackState": "gp.api.views",
    "TestResults": "gp.api.views",
}

__all__ = [
    "ApplyResult",
    "Change",
    "Diagnostics",
    "FieldChange",
    "Graph",
    "Plan",
    "Session",
    "Stack",
    "StackState",
    "StateChange",
    "TestResults",
]

if TYPE_CHECKING:
    from gp.api.plans import ApplyResult as ApplyResult
    from gp.api.plans import Change as Change
    from gp.api.plans import FieldChange as FieldChange
    from gp.api.plans import Plan as Plan
    from gp.api.session import Session as Session
    from gp.api.stack import Stack as Stack
    from gp.api.state import StateChange as StateChange
    from gp.api.views import Diagnostics as Diagnostics
    from gp.api.views import Graph as Graph
    from gp.api.views import StackState as StackState
    from gp.api.views import TestResults as TestResults


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gp.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
