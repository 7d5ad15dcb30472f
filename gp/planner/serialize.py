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
from gp.planner.overrides import override_from_dict, override_to_dict
from gp.planner.plan import (
    FORMAT_VERSION,
    Action,
    CronUse,
    DagChange,
    DagEdge,
    DagTask,
    Drift,
    FieldDiff,
    Mode,
    Override,
    PlanData,
    Promotion,
    RecordFix,
    ResourceChange,
    RunImpact,
    ScheduleChange,
    SchedulePreview,
    Target,
    TestsOutcome,
)
from gp.planner.typed import Fields

KIND = "gp-plan"


def _ref(ref: ObjectRef | None) -> dict | None:
    if ref is None:
        return None
    return {
        "api_version": ref.api_version,
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
    }


def _ref_from(d: Fields | None) -> ObjectRef | None:
    if d is None:
        return None
    return ObjectRef(
        d.get("api_version", str),
        d.get("kind", str),
        d.get("namespace", str, optional=True),
        d.get("name", str),
    )


def _fields(fields: tuple[FieldDiff, ...]) -> list[dict]:
    return [{"path": f.path, "before": f.before, "after": f.after} for f in fields]


def _fields_from(items: list[Fields]) -> tuple[FieldDiff, ...]:
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


def _rows(d: Fields, key: str, width: int) -> list[list]:
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
        tuple(DagTask(*t) for t in _rows(d, "tasks", 4)),
        tuple(DagEdge(*e) for e in _rows(d, "edges", 4)),
    )


def _paths(d: Fields, key: str) -> tuple[tuple, ...]:
    """An object's sensitive paths: lists of keys and indexes (absent in older plans)."""
    paths = d.get(key, list, optional=True) or []
    for i, path in enumerate(paths):
        if not isinstance(path, list):
            raise PlanError(f"plan file is damaged: {d.where}.{key}[{i}] must be a list")
    return tuple(tuple(p) for p in paths)


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
        "sensitive": [list(p) for p in o.sensitive_paths],
    }


def _object_from(d: Fields) -> CompiledObject:
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
        ref=_ref_from(d.sub("ref")),
        manifest=d.get("manifest", dict),
        lifecycle=Lifecycle(life.get("prevent_destroy", bool), life.strings("ignore_changes")),
        pos=SourcePos(*pos) if pos else None,
        depends_on=d.strings("depends_on"),
        sensitive_paths=_paths(d, "sensitive"),
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
        "sensitive": list(c.sensitive_paths),
        "dag": [_dag(x) for x in c.dag],
        "moved_from": c.moved_from,
        "removed_by": c.removed_by,
    }


def _change_from(d: Fields) -> ResourceChange:
    schedule = None
    s = d.sub("schedule", optional=True)
    if s is not None:
        schedule = ScheduleChange(
            _preview_from(s.sub("before", optional=True)),
            _preview_from(s.sub("after", optional=True)),
        )
    return ResourceChange(
        address=d.get("address", str),
        ref=_ref_from(d.sub("ref")),
        action=_enum(Action, d, "action"),
        reason=d.get("reason", str, optional=True),
        before=d.manifest("before"),
        after=d.manifest("after"),
        resource_version=d.get("resource_version", str, optional=True),
        fields=_fields_from(d.items("fields")),
        prior_ref=_ref_from(d.sub("prior_ref", optional=True)),
        schedule=schedule,
        remove=d.strings("remove", optional=True),
        sensitive_paths=d.strings("sensitive", optional=True),
        # Format 1.0 had no DAG summary: such a plan shows its field diff alone.
        dag=tuple(_dag_from(x) for x in d.items("dag", optional=True)),
        # Format 1.1 and older had no moves or removed blocks.
        moved_from=d.get("moved_from", str, optional=True),
        removed_by=d.get("removed_by", str, optional=True),
    )


def _enum(enum: Any, d: Fields, key: str) -> Any:
    value = d.get(key, str)
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum)
        raise PlanError(
            f"plan file is damaged: {d.where}.{key} is {value!r}, not one of {allowed}"
        ) from None


def _drift(d: Drift) -> dict:
    return {
        "address": d.address,
        "ref": _ref(d.ref),
        "before": d.before,
        "after": d.after,
        "fields": _fields(d.fields),
        "sensitive": list(d.sensitive_paths),
    }


def _drift_from(d: Fields) -> Drift:
    return Drift(
        d.get("address", str),
        _ref_from(d.sub("ref")),
        d.manifest("before"),
        d.manifest("after"),
        _fields_from(d.items("fields")),
        d.strings("sensitive", optional=True),
    )


def plan_to_dict(plan: PlanData) -> dict[str, Any]:
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
        "sensitive": sorted(plan.secrets),
        "objects": [_object(o) for o in plan.objects],
        "read": [{"ref": _ref(ref), "resource_version": rv} for ref, rv in plan.read],
        "drift": [_drift(d) for d in plan.drift],
        "changes": [_change(c) for c in plan.changes],
        "runs": [_impact(r) for r in plan.runs],
        "warnings": list(plan.warnings),
        "record_fixes": [
            {"ref": _ref(f.ref), "kept": f.kept, "dropped": list(f.dropped)}
            for f in plan.record_fixes
        ],
        "environment": plan.environment,
        "commit": plan.commit,
        "dirty": plan.dirty,
        "promotion": _promotion(plan.promotion),
        "record_commit": plan.record_commit,
        "record_dirty": plan.record_dirty,
        "overrides": [override_to_dict(o) for o in plan.overrides],
        "notes": list(plan.notes),
        "tests": None
        if plan.tests is None
        else {
            "total": plan.tests.total,
            "failed": plan.tests.failed,
            "first_failure": plan.tests.first_failure,
        },
        "interrupted": [_drift(d) for d in plan.interrupted],
    }


def _promotion(p: Promotion | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "source": p.source,
        "commit": p.commit,
        "since": p.since,
        "commits": [list(c) for c in p.commits],
    }


def _promotion_from(d: Fields | None) -> Promotion | None:
    if d is None:
        return None
    return Promotion(
        d.get("source", str),
        d.get("commit", str),
        d.get("since", str, optional=True),
        tuple((str(c), str(s)) for c, s in _rows(d, "commits", 2)),
    )


def _impact(r: RunImpact) -> dict[str, Any]:
    return {
        "address": r.address,
        "running": list(r.running),
        "referencing": r.referencing,
        "crons": [
            {
                "namespace": c.namespace,
                "name": c.name,
                "stack": c.stack,
                "address": c.address,
                "suspended": c.suspended,
                "next_run": c.next_run,
            }
            for c in r.crons
        ],
    }


def _impact_from(d: Fields) -> RunImpact:
    return RunImpact(
        d.get("address", str),
        d.strings("running"),
        tuple(
            CronUse(
                c.get("namespace", str),
                c.get("name", str),
                c.get("stack", str, optional=True),
                c.get("address", str, optional=True),
                bool(c.get("suspended", bool, optional=True)),
                c.get("next_run", str, optional=True),
            )
            for c in d.items("crons")
        ),
        d.get("referencing", str, optional=True) if "referencing" in d.data else "",
    )


def plan_from_dict(d: dict[str, Any]) -> PlanData:
    if d.get("kind") != KIND:
        raise PlanError("not a gp plan file")
    version = str(d.get("format_version", ""))
    if version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise PlanError(
            f"plan file format {version} is not supported (this gp reads {FORMAT_VERSION})"
        )
    f = Fields(d, "")
    t = f.sub("target")
    return PlanData(
        stack=f.get("stack", str),
        target=Target(
            t.get("provider", str), t.get("namespace", str), t.get("server", str, optional=True)
        ),
        mode=_enum(Mode, f, "mode"),
        changes=tuple(_change_from(c) for c in f.items("changes")),
        drift=tuple(_drift_from(x) for x in f.items("drift")),
        inputs_hash=f.get("inputs_hash", str),
        errors=f.strings("errors"),
        format_version=version,
        objects=tuple(_object_from(o) for o in f.items("objects")),
        read=tuple(
            (_ref_from(r.sub("ref")), r.get("resource_version", str, optional=True))
            for r in f.items("read")
        ),
        targets=f.strings("targets"),
        secrets=frozenset(f.strings("sensitive")),
        created_at=f.get("created_at", str, optional=True),
        # Plans saved before run-awareness have neither.
        runs=tuple(_impact_from(r) for r in f.items("runs", optional=True)),
        warnings=f.strings("warnings", optional=True),
        # Plans saved before format 1.2 have none of these.
        record_fixes=tuple(
            RecordFix(_ref_from(x.sub("ref")), x.get("kept", str), x.strings("dropped"))
            for x in f.items("record_fixes", optional=True)
        ),
        environment=f.get("environment", str, optional=True),
        commit=f.get("commit", str, optional=True),
        dirty=bool(f.get("dirty", bool, optional=True)),
        promotion=_promotion_from(f.sub("promotion", optional=True)),
        record_commit=f.get("record_commit", str, optional=True),
        record_dirty=bool(f.get("record_dirty", bool, optional=True)),
        # Plans saved before overrides have neither.
        overrides=_overrides_from(f),
        notes=f.strings("notes", optional=True),
        tests=_tests_from(f),
        interrupted=tuple(_drift_from(x) for x in f.items("interrupted", optional=True)),
    )


def _tests_from(f: Fields) -> TestsOutcome | None:
    t = f.sub("tests", optional=True)  # plans saved before the tests' outcome have none
    if t is None:
        return None
    return TestsOutcome(t.get("total", int), t.get("failed", int), t.get("first_failure", str))


def _overrides_from(f: Fields) -> tuple[Override, ...]:
    try:
        return tuple(override_from_dict(o.data) for o in f.items("overrides", optional=True))
    except (KeyError, TypeError) as exc:
        raise PlanError(f"plan file is damaged: an override lacks {exc}") from exc


def save_plan(plan: PlanData) -> str:
    return json.dumps(plan_to_dict(plan), indent=1, sort_keys=False) + "\n"


def load_plan(text: str) -> PlanData:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"plan file is not JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(data, dict):
        raise PlanError("not a gp plan file")
    return plan_from_dict(data)


def stale_refs(plan: PlanData) -> dict[ObjectRef, str | None]:
    """What apply must find unchanged: each object read with its resourceVersion, and each
    declared object that was absent (None: it must still be absent)."""
    return dict(plan.read)
