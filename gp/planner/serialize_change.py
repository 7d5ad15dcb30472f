"""A plan's objects and changes as JSON and back (gp/planner/serialize.py holds the plan)."""

from __future__ import annotations

from typing import Any

from gp.compile.objects import CompiledObject, ObjectRef
from gp.config.model import Lifecycle
from gp.errors import PlanError, SourcePos
from gp.planner.plan import (
    Action,
    DagChange,
    DagEdge,
    DagTask,
    FieldDiff,
    ResourceChange,
    ScheduleChange,
    SchedulePreview,
)
from gp.planner.typed import Fields


def ref_to_dict(ref: ObjectRef | None) -> dict | None:
    if ref is None:
        return None
    return {
        "api_version": ref.api_version,
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
    }


def optional_ref(d: Fields | None) -> ObjectRef | None:
    return None if d is None else ref_from_dict(d)


def ref_from_dict(d: Fields) -> ObjectRef:
    return ObjectRef(
        d.get("api_version", str),
        d.get("kind", str),
        d.get("namespace", str, optional=True),
        d.get("name", str),
    )


def fields_to_list(fields: tuple[FieldDiff, ...]) -> list[dict]:
    return [{"path": f.path, "before": f.before, "after": f.after} for f in fields]


def fields_from_list(items: list[Fields]) -> tuple[FieldDiff, ...]:
    return tuple(FieldDiff(f.get("path", str), f.any("before"), f.any("after")) for f in items)


def _preview(p: SchedulePreview | None) -> dict | None:
    if p is None:
        return None
    out = {"schedules": list(p.schedules), "timezone": p.timezone, "next_runs": list(p.next_runs)}
    if p.transition:
        out["transition"] = list(p.transition)
    return out


def _preview_from(d: Fields | None) -> SchedulePreview | None:
    if d is None:
        return None
    return SchedulePreview(
        d.strings("schedules"),
        d.get("timezone", str),
        d.strings("next_runs"),
        d.strings("transition", optional=True),
    )


def _dag(c: DagChange) -> dict:
    return {
        "template": c.template,
        "status": c.status,
        "style": c.style,
        "tasks": [[t.name, t.status, t.reason, t.renamed_from] for t in c.tasks],
        "edges": [[e.source, e.target, e.condition, e.status] for e in c.edges],
    }


def rows_of(d: Fields, key: str, width: int) -> list[list]:
    rows = d.get(key, list)
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == width):
            raise PlanError(
                f"plan file is damaged: {d.where}.{key}[{i}] must be a list of {width} values"
            )
    return rows


def _dag_from(d: Fields) -> DagChange:
    return DagChange(
        d.get("template", str),
        d.get("status", str),
        d.get("style", str),
        tuple(DagTask(*t) for t in rows_of(d, "tasks", 4)),
        tuple(DagEdge(*e) for e in rows_of(d, "edges", 4)),
    )


def _paths(d: Fields, key: str) -> tuple[tuple, ...]:
    """An object's sensitive paths: lists of keys and indexes (absent in older plans)."""
    paths = d.get(key, list, optional=True) or []
    for i, path in enumerate(paths):
        if not isinstance(path, list):
            raise PlanError(f"plan file is damaged: {d.where}.{key}[{i}] must be a list")
    return tuple(tuple(p) for p in paths)


def object_to_dict(o: CompiledObject) -> dict:
    return {
        "address": o.address,
        "ref": ref_to_dict(o.ref),
        "manifest": o.manifest,
        "lifecycle": {
            "prevent_destroy": o.lifecycle.prevent_destroy,
            "ignore_changes": list(o.lifecycle.ignore_changes),
        },
        "pos": [o.pos.file, o.pos.line, o.pos.col] if o.pos else None,
        "depends_on": list(o.depends_on),
        "sensitive": [list(p) for p in o.sensitive_paths],
    }


def object_from_dict(d: Fields) -> CompiledObject:
    life = d.sub("lifecycle")
    pos = d.get("pos", list, optional=True)
    if pos is not None and not (
        len(pos) == 3
        and isinstance(pos[0], str)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in pos[1:])
    ):
        raise PlanError(f"plan file is damaged: {d.where}.pos must be [file, line, column]")
    return CompiledObject(
        address=d.get("address", str),
        ref=ref_from_dict(d.sub("ref")),
        manifest=d.get("manifest", dict),
        lifecycle=Lifecycle(life.get("prevent_destroy", bool), life.strings("ignore_changes")),
        pos=SourcePos(*pos) if pos else None,
        depends_on=d.strings("depends_on"),
        sensitive_paths=_paths(d, "sensitive"),
    )


def change_to_dict(c: ResourceChange) -> dict:
    schedule = None
    if c.schedule is not None:
        schedule = {"before": _preview(c.schedule.before), "after": _preview(c.schedule.after)}
    return {
        "address": c.address,
        "ref": ref_to_dict(c.ref),
        "action": c.action.value,
        "reason": c.reason,
        "before": c.before,
        "after": c.after,
        "resource_version": c.resource_version,
        "fields": fields_to_list(c.fields),
        "prior_ref": ref_to_dict(c.prior_ref),
        "schedule": schedule,
        "remove": list(c.remove),
        "sensitive": list(c.sensitive_paths),
        "dag": [_dag(x) for x in c.dag],
        "moved_from": c.moved_from,
        "removed_by": c.removed_by,
    }


def change_from_dict(d: Fields) -> ResourceChange:
    schedule = None
    s = d.sub("schedule", optional=True)
    if s is not None:
        schedule = ScheduleChange(
            _preview_from(s.sub("before", optional=True)),
            _preview_from(s.sub("after", optional=True)),
        )
    return ResourceChange(
        address=d.get("address", str),
        ref=ref_from_dict(d.sub("ref")),
        action=enum_from(Action, d, "action"),
        reason=d.get("reason", str, optional=True),
        before=d.manifest("before"),
        after=d.manifest("after"),
        resource_version=d.get("resource_version", str, optional=True),
        fields=fields_from_list(d.items("fields")),
        prior_ref=optional_ref(d.sub("prior_ref", optional=True)),
        schedule=schedule,
        remove=d.strings("remove", optional=True),
        sensitive_paths=d.strings("sensitive", optional=True),
        # Format 1.0 had no DAG summary: such a plan shows its field diff alone.
        dag=tuple(_dag_from(x) for x in d.items("dag", optional=True)),
        # Format 1.1 and older had no moves or removed blocks.
        moved_from=d.get("moved_from", str, optional=True),
        removed_by=d.get("removed_by", str, optional=True),
    )


def enum_from(enum: Any, d: Fields, key: str) -> Any:
    value = d.get(key, str)
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        raise PlanError(
            f"plan file is damaged: {d.where}.{key} is {value!r}, not one of {allowed}"
        ) from None
