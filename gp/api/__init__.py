"""The Python API: what the CLI does, as objects a script or a notebook holds (docs/python.md).

``import gp`` exposes these names; this package holds them. The CLI's commands call them too,
so the two share one code path, one set of errors and the same lock, stale-plan and ownership
rules.
"""

from gp.api.plans import ApplyResult, Change, FieldChange, Plan
from gp.api.session import Session
from gp.api.stack import Stack
from gp.api.state import StateChange
from gp.api.views import Diagnostics, Graph, StackState, TestResults

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
