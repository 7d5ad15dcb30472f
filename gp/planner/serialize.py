"""Saved plans: a Plan as JSON and back, exactly (``load_plan(save_plan(p)) == p``).

A saved plan carries what ``gp apply PLANFILE`` needs without re-reading the module: the
compiled objects, every live object read with its resourceVersion (to refuse a stale plan),
the inputs hash, the target, and the changes with the manifests apply sends.
"""

from __future__ import annotations

import json
from typing import Any

from gp.compile.objects import ObjectRef
from gp.errors import PlanError
from gp.planner.overrides import override_from_dict, override_to_dict
from gp.planner.plan import (
    FORMAT_VERSION,
    CronUse,
    Drift,
    Mode,
    PlanData,
    Promotion,
    RecordFix,
    RunImpact,
    Target,
    TestsOutcome,
)
from gp.planner.serialize_change import (
    change_from_dict,
    change_to_dict,
    enum_from,
    fields_from_list,
    fields_to_list,
    object_from_dict,
    object_to_dict,
    ref_from_dict,
    ref_to_dict,
    rows_of,
)
from gp.planner.stack_record import Override
from gp.planner.typed import Fields

KIND = "gp-plan"


def _drift(d: Drift) -> dict:
    return {
        "address": d.address,
        "ref": ref_to_dict(d.ref),
        "before": d.before,
        "after": d.after,
        "fields": fields_to_list(d.fields),
        "sensitive": list(d.sensitive_paths),
    }


def _drift_from(d: Fields) -> Drift:
    return Drift(
        d.get("address", str),
        ref_from_dict(d.sub("ref")),
        d.manifest("before"),
        d.manifest("after"),
        fields_from_list(d.items("fields")),
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
        "objects": [object_to_dict(o) for o in plan.objects],
        "read": [{"ref": ref_to_dict(ref), "resource_version": rv} for ref, rv in plan.read],
        "drift": [_drift(d) for d in plan.drift],
        "changes": [change_to_dict(c) for c in plan.changes],
        "runs": [_impact(r) for r in plan.runs],
        "warnings": list(plan.warnings),
        "record_fixes": [
            {"ref": ref_to_dict(f.ref), "kept": f.kept, "dropped": list(f.dropped)}
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
        tuple((str(c), str(s)) for c, s in rows_of(d, "commits", 2)),
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
        mode=enum_from(Mode, f, "mode"),
        changes=tuple(change_from_dict(c) for c in f.items("changes")),
        drift=tuple(_drift_from(x) for x in f.items("drift")),
        inputs_hash=f.get("inputs_hash", str),
        errors=f.strings("errors"),
        format_version=version,
        objects=tuple(object_from_dict(o) for o in f.items("objects")),
        read=tuple(
            (ref_from_dict(r.sub("ref")), r.get("resource_version", str, optional=True))
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
            RecordFix(ref_from_dict(x.sub("ref")), x.get("kept", str), x.strings("dropped"))
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
