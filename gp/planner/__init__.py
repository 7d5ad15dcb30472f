"""planner: desired objects + live state -> Plan (pure, no I/O).

The public names are imported on first use, so that ``gp.planner.plan`` (the Plan dataclasses)
costs no diff library import.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_plan": "gp.planner.serialize",
    "make_plan": "gp.planner.make",
    "normalize": "gp.planner.normalize",
    "plan_from_dict": "gp.planner.serialize",
    "plan_to_dict": "gp.planner.serialize",
    "raise_for_errors": "gp.planner.make",
    "save_plan": "gp.planner.serialize",
    "stale_refs": "gp.planner.serialize",
    "strip_server_fields": "gp.planner.normalize",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gp.planner' has no attribute {name!r}")
