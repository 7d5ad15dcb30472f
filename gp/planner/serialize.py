"""Saved plans: a Plan as JSON and back, exactly (``load_plan(save_plan(p)) == p``).

A saved plan carries what ``gp apply PLANFILE`` needs without re-reading the module: the
compiled objects, every live object read with its resourceVersion (to refuse a stale plan),
the inputs hash, the target, and the changes with the manifests apply sends.
"""

from __future__ import annotations

import json
from typing import Any

from gp.compile.objects import CompiledObject, ObjectRef
from gp.config.model import Lifecycle
from gp.errors import PlanError, SourcePos
from gp.planner.plan import (
    FORMAT_VERSION,
    Action,
    Drift,
    FieldChange,
    Mode,
    Plan,
    CronUse,
    ResourceChange,
    RunImpact,
    ScheduleChange,
    SchedulePreview,
    Target,
)

KIND = "gp-plan"


def _ref(ref: ObjectRef | None) -> dict | None:
    if ref is None:
        return None
    return {"api_version": ref.api_version, "kind": ref.kind, "namespace": ref.namespace, "name": ref.name}


def _ref_from(d: dict | None) -> ObjectRef | None:
    return None if d is None else ObjectRef(d["api_version"], d["kind"], d["namespace"], d["name"])


def _fields(fields: tuple[FieldChange, ...]) -> list[dict]:
    return [{"path": f.path, "before": f.before, "after": f.after} for f in fields]


def _fields_from(items: list[dict]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(f["path"], f["before"], f["after"]) for f in items)


def _preview(p: SchedulePreview | None) -> dict | None:
    if p is None:
        return None
    return {"schedules": list(p.schedules), "timezone": p.timezone, "next_runs": list(p.next_runs)}


def _preview_from(d: dict | None) -> SchedulePreview | None:
    if d is None:
        return None
    return SchedulePreview(tuple(d["schedules"]), d["timezone"], tuple(d["next_runs"]))


def _object(o: CompiledObject) -> dict:
    return {
        "address": o.address,
        "ref": _ref(o.ref),
        "manifest": o.manifest,
        "lifecycle": {
            "prevent_destroy": o.lifecycle.prevent_destroy,
            "ignore_changes": list(o.lifecycle.ignore_changes),
        },
        "pos": [o.pos.file, o.pos.line, o.pos.col] if o.pos else None,
        "depends_on": list(o.depends_on),
    }


def _object_from(d: dict) -> CompiledObject:
    life = d["lifecycle"]
    return CompiledObject(
        address=d["address"],
        ref=_ref_from(d["ref"]),
        manifest=d["manifest"],
        lifecycle=Lifecycle(life["prevent_destroy"], tuple(life["ignore_changes"])),
        pos=SourcePos(*d["pos"]) if d["pos"] else None,
        depends_on=tuple(d["depends_on"]),
    )


def _change(c: ResourceChange) -> dict:
    schedule = None
    if c.schedule is not None:
        schedule = {"before": _preview(c.schedule.before), "after": _preview(c.schedule.after)}
    return {
        "address": c.address,
        "ref": _ref(c.ref),
        "action": c.action.value,
        "reason": c.reason,
        "before": c.before,
        "after": c.after,
        "resource_version": c.resource_version,
        "fields": _fields(c.fields),
        "prior_ref": _ref(c.prior_ref),
        "schedule": schedule,
        "remove": list(c.remove),
    }


def _change_from(d: dict) -> ResourceChange:
    schedule = None
    if d["schedule"] is not None:
        s = d["schedule"]
        schedule = ScheduleChange(_preview_from(s["before"]), _preview_from(s["after"]))
    return ResourceChange(
        address=d["address"],
        ref=_ref_from(d["ref"]),
        action=Action(d["action"]),
        reason=d["reason"],
        before=d["before"],
        after=d["after"],
        resource_version=d["resource_version"],
        fields=_fields_from(d["fields"]),
        prior_ref=_ref_from(d["prior_ref"]),
        schedule=schedule,
        remove=tuple(d.get("remove", ())),
    )


def _drift(d: Drift) -> dict:
    return {
        "address": d.address,
        "ref": _ref(d.ref),
        "before": d.before,
        "after": d.after,
        "fields": _fields(d.fields),
    }


def _drift_from(d: dict) -> Drift:
    return Drift(d["address"], _ref_from(d["ref"]), d["before"], d["after"], _fields_from(d["fields"]))


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "kind": KIND,
        "format_version": plan.format_version,
        "stack": plan.stack,
        "target": {
            "provider": plan.target.provider,
            "namespace": plan.target.namespace,
            "server": plan.target.server,
        },
        "mode": plan.mode.value,
        "inputs_hash": plan.inputs_hash,
        "created_at": plan.created_at,
        "targets": list(plan.targets),
        "errors": list(plan.errors),
        "sensitive": sorted(plan.sensitive),
        "objects": [_object(o) for o in plan.objects],
        "read": [{"ref": _ref(ref), "resource_version": rv} for ref, rv in plan.read],
        "drift": [_drift(d) for d in plan.drift],
        "changes": [_change(c) for c in plan.changes],
        "runs": [_impact(r) for r in plan.runs],
        "warnings": list(plan.warnings),
    }


def _impact(r: RunImpact) -> dict[str, Any]:
    return {"address": r.address, "running": list(r.running),
            "crons": [{"namespace": c.namespace, "name": c.name, "stack": c.stack,
                       "address": c.address, "suspended": c.suspended} for c in r.crons]}


def _impact_from(d: dict[str, Any]) -> RunImpact:
    return RunImpact(d["address"], tuple(d["running"]), tuple(
        CronUse(c["namespace"], c["name"], c.get("stack"), c.get("address"), bool(c.get("suspended")))
        for c in d["crons"]))


def plan_from_dict(d: dict[str, Any]) -> Plan:
    if d.get("kind") != KIND:
        raise PlanError("not a gp plan file")
    version = str(d.get("format_version", ""))
    if version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise PlanError(f"plan file format {version} is not supported (this gp reads {FORMAT_VERSION})")
    try:
        t = d["target"]
        return Plan(
            stack=d["stack"],
            target=Target(t["provider"], t["namespace"], t["server"]),
            mode=Mode(d["mode"]),
            changes=tuple(_change_from(c) for c in d["changes"]),
            drift=tuple(_drift_from(x) for x in d["drift"]),
            inputs_hash=d["inputs_hash"],
            errors=tuple(d["errors"]),
            format_version=version,
            objects=tuple(_object_from(o) for o in d["objects"]),
            read=tuple((_ref_from(r["ref"]), r["resource_version"]) for r in d["read"]),
            targets=tuple(d["targets"]),
            sensitive=frozenset(d["sensitive"]),
            created_at=d["created_at"],
            # Plans saved before run-awareness have neither.
            runs=tuple(_impact_from(r) for r in d.get("runs") or ()),
            warnings=tuple(d.get("warnings") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"plan file is damaged: {exc!r}") from exc


def save_plan(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), indent=1, sort_keys=False) + "\n"


def load_plan(text: str) -> Plan:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"plan file is not JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(data, dict):
        raise PlanError("not a gp plan file")
    return plan_from_dict(data)


def stale_refs(plan: Plan) -> dict[ObjectRef, str | None]:
    """What apply must find unchanged: each object read with its resourceVersion, and each
    declared object that was absent (None: it must still be absent)."""
    return dict(plan.read)
