"""`gp plan --format json`: the stable, documented shape (docs/plan-json.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from gp.compile.objects import ObjectRef
from gp.planner.masking import mask_at, parse_marks
from gp.planner.paths import Path
from gp.planner.plan import (
    Action,
    DagChange,
    Drift,
    FieldDiff,
    PlanData,
    ResourceChange,
    SchedulePreview,
    Target,
)
from gp.planner.stack_record import StackRecord
from gp.planner.targets import address_order
from gp.redact import mask_text, secrets_of
from gp.render.mask import mask_fields, mask_value
from gp.render.plan_runs import runs_json
from gp.render.text import counts

# 1.1 added resource_changes[].dag_changes; 1.2 previous_address, removed_by, the "forget"
# action, record_fixes, environment, commit and promotion.
JSON_FORMAT_VERSION = "1.2"
OWNED_FORMAT_VERSION = "1.0"  # `gp show` without a plan: unchanged by 1.1
_ACTIONS = {
    Action.CREATE: ["create"],
    Action.UPDATE: ["update"],
    Action.DELETE: ["delete"],
    Action.REPLACE: ["delete", "create"],
    Action.NOOP: ["no-op"],
    Action.FORGET: ["forget"],
}


def _identity(address: str, ref: ObjectRef) -> dict[str, Any]:
    return {
        "address": address,
        "api_version": ref.api_version,
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
    }


def _fields(
    fields: Sequence[FieldDiff], marks: Sequence[Path], secrets: Sequence[str]
) -> list[dict[str, Any]]:
    return [
        {
            "path": f.path,
            "before": mask_value(f.before, secrets),
            "after": mask_value(f.after, secrets),
        }
        for f in mask_fields(fields, marks)
    ]


def _masked(value: Any, marks: Sequence[Path], secrets: Sequence[str]) -> Any:
    return mask_value(mask_at(value, (), marks), secrets)


def _preview(p: SchedulePreview | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "schedules": list(p.schedules),
        "timezone": p.timezone,
        "next_runs": list(p.next_runs),
        "transition": list(p.transition),
    }


def _dag(c: DagChange, secrets: Sequence[str]) -> dict[str, Any]:
    return {
        "template": c.template,
        "status": c.status,
        "style": c.style,
        "tasks": [
            {
                "name": t.name,
                "status": t.status,
                "reason": mask_text(t.reason, secrets),
                "renamed_from": t.renamed_from,
            }
            for t in c.tasks
        ],
        "edges": [
            {"from": e.source, "to": e.target, "condition": e.condition, "status": e.status}
            for e in c.edges
        ],
    }


def _change(c: ResourceChange, secrets: Sequence[str]) -> dict[str, Any]:
    out = _identity(c.address, c.ref)
    marks = parse_marks(c.sensitive_paths)
    out["change"] = {
        "actions": list(_ACTIONS[c.action]),
        "before": _masked(c.before, marks, secrets),
        "after": _masked(c.after, marks, secrets),
        "fields": _fields(c.fields, marks, secrets),
        "sensitive": list(c.sensitive_paths),
    }
    out["action_reason"] = c.reason
    out["resource_version"] = c.resource_version
    if c.prior_ref is not None:
        out["replaces"] = _identity(c.address, c.prior_ref)
    if c.schedule is not None:
        out["schedule"] = {
            "before": _preview(c.schedule.before),
            "after": _preview(c.schedule.after),
        }
    out["dag_changes"] = [_dag(d, secrets) for d in c.dag]
    # Terraform's name for where a moved object was.
    out["previous_address"] = c.moved_from
    if c.removed_by is not None:
        out["removed_by"] = c.removed_by
    return out


def _drift(d: Drift, secrets: Sequence[str]) -> dict[str, Any]:
    out = _identity(d.address, d.ref)
    marks = parse_marks(d.sensitive_paths)
    out["change"] = {
        "actions": ["delete"] if d.after is None else ["update"],
        "before": _masked(d.before, marks, secrets),
        "after": _masked(d.after, marks, secrets),
        "fields": _fields(d.fields, marks, secrets),
        "sensitive": list(d.sensitive_paths),
    }
    return out


def _summary(plan: PlanData, add: int, change: int, destroy: int) -> dict[str, int]:
    """The summary line's counts; moves and forgets only when there are some (the counts
    readers of format 1.1 know stay as they were)."""
    out = {"add": add, "change": change, "destroy": destroy}
    moved = sum(c.moved_from is not None for c in plan.changes)
    forgot = sum(c.action is Action.FORGET for c in plan.changes)
    out.update({k: n for k, n in (("move", moved), ("forget", forgot)) if n})
    return out


def plan_json(plan: PlanData, sensitive: Iterable[str] = ()) -> dict[str, Any]:
    """The plan as JSON-ready data, sensitive values masked."""
    secrets = secrets_of(plan.secrets, sensitive)
    add, change, destroy = counts(plan.changes)
    promotion = plan.promotion
    return {
        "format_version": JSON_FORMAT_VERSION,
        "stack": plan.stack,
        "mode": plan.mode.value,
        "target": {
            "provider": plan.target.provider,
            "server": plan.target.server,
            "namespace": plan.target.namespace,
        },
        "resource_drift": [_drift(d, secrets) for d in plan.drift],
        "interrupted_writes": [_drift(d, secrets) for d in plan.interrupted],
        "resource_changes": [_change(c, secrets) for c in plan.changes],
        "summary": _summary(plan, add, change, destroy),
        "errors": [mask_text(e, secrets) for e in plan.errors],
        "warnings": [mask_text(w, secrets) for w in plan.warnings],
        "notes": [mask_text(n, secrets) for n in plan.notes],
        "tests": None
        if plan.tests is None
        else {
            "total": plan.tests.total,
            "failed": plan.tests.failed,
            "first_failure": mask_text(plan.tests.first_failure, secrets),
        },
        "runs": runs_json(plan),
        "applyable": plan.applyable,
        "record_fixes": [
            {**_identity(f.kept, f.ref), "dropped": list(f.dropped)} for f in plan.record_fixes
        ],
        "environment": plan.environment,
        "commit": plan.commit,
        "dirty": plan.dirty,
        "promotion": None
        if promotion is None
        else {
            "from": promotion.source,
            "commit": promotion.commit,
            "since": promotion.since,
            "commits": [{"commit": c, "subject": s} for c, s in promotion.commits],
        },
    }


def render_plan_json(plan: PlanData, sensitive: Iterable[str] = ()) -> str:
    return json.dumps(plan_json(plan, sensitive), indent=2, ensure_ascii=False) + "\n"


def owned_json(record: StackRecord, target: Target | None = None) -> dict[str, Any]:
    """What the stack owns (``gp show --format json`` without a plan file)."""
    return {
        "format_version": OWNED_FORMAT_VERSION,
        "stack": record.stack,
        "target": None
        if target is None
        else {
            "provider": target.provider,
            "server": target.server,
            "namespace": target.namespace,
        },
        "applied_at": record.applied_at,
        "applied_by": record.applied_by,
        "objects": [
            _identity(address, entry.ref)
            for address, entry in sorted(
                record.entries.items(), key=lambda item: address_order(item[0])
            )
        ],
    }


def render_owned(record: StackRecord, target: Target | None = None) -> str:
    return json.dumps(owned_json(record, target), indent=2, ensure_ascii=False) + "\n"
