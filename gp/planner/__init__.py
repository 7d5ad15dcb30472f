"""planner: desired objects + live state -> Plan (pure, no I/O)."""

from gp.planner.make import make_plan, raise_for_errors
from gp.planner.normalize import normalize, strip_server_fields
from gp.planner.serialize import load_plan, plan_from_dict, plan_to_dict, save_plan, stale_refs

__all__ = [
    "load_plan",
    "make_plan",
    "normalize",
    "plan_from_dict",
    "plan_to_dict",
    "raise_for_errors",
    "save_plan",
    "stale_refs",
    "strip_server_fields",
]
