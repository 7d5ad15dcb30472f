"""Reading a server-side apply conflict (HTTP 409) and deciding what to do about it.

A field held by a manager whose operation is ``Update`` (kubectl edit/patch, the Argo UI) is drift
that the plan showed; gp takes it back. A field held by another ``Apply`` manager (Argo CD,
kubectl apply --server-side) means two tools manage the object: gp stops there unless forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MANAGER = re.compile(r'conflict with "((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Conflict:
    manager: str
    field: str | None


def is_field_conflict(status: dict[str, Any]) -> bool:
    """True for a field-manager conflict; False for other 409s (e.g. a stale resourceVersion)."""
    causes = (status.get("details") or {}).get("causes") or []
    if any(c.get("reason") == "FieldManagerConflict" for c in causes):
        return True
    return str(status.get("message", "")).startswith("Apply failed with")


def parse_conflicts(status: dict[str, Any]) -> list[Conflict]:
    """Every (manager, field) pair a 409 Status names."""
    causes = (status.get("details") or {}).get("causes") or []
    found: list[Conflict] = []
    for cause in causes:
        if cause.get("reason") not in (None, "FieldManagerConflict"):
            continue
        match = _MANAGER.search(str(cause.get("message", "")))
        if match:
            found.append(Conflict(match.group(1), cause.get("field")))
    if not found:
        found = [Conflict(m, None) for m in _MANAGER.findall(str(status.get("message", "")))]
    return found


def appliers(managed_fields: list[dict[str, Any]], managers: set[str], own: str) -> list[str]:
    """The managers among ``managers`` that hold fields through server-side apply."""
    names = {
        str(entry.get("manager"))
        for entry in managed_fields or []
        if entry.get("operation") == "Apply"
        and entry.get("manager") in managers
        and entry.get("manager") != own
    }
    return sorted(names)


@dataclass(frozen=True)
class Decision:
    force: bool
    blocking: tuple[str, ...]  # other appliers; non-empty means stop (unless forced)
    fields: tuple[str, ...]


def decide(
    status: dict[str, Any],
    managed_fields: list[dict[str, Any]],
    own: str,
    force_conflicts: bool,
) -> Decision:
    conflicts = parse_conflicts(status)
    managers = {c.manager for c in conflicts}
    blocking = appliers(managed_fields, managers, own)
    fields = tuple(sorted({c.field for c in conflicts if c.field and c.manager in blocking}))
    if blocking and not force_conflicts:
        return Decision(force=False, blocking=tuple(blocking), fields=fields)
    return Decision(force=True, blocking=(), fields=fields)


# Said to the CLI's and the Python API's users alike: each is told its own way to force.
FORCE = "--force-conflicts (force_conflicts=True from Python)"

CONFLICT_ADVICE = (
    f"another applier manages some fields: rerun with {FORCE} to take them "
    "over, or stop the other tool managing the object"
)


def conflict_message(obj: str, decision: Decision) -> str:
    who = ", ".join(f'"{m}"' for m in decision.blocking)
    what = f" ({', '.join(decision.fields)})" if decision.fields else ""
    return (
        f"{obj} is also managed by {who} with server-side apply{what}: two tools manage the "
        f"same object; stop the other one managing it, or rerun with {FORCE} to take the "
        "fields over"
    )
