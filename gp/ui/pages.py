"""The stack page, a pipeline's page and the schedules: what they show, read from gp's stages."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from gp import operations
from gp.compile.emit import manifest_yaml
from gp.compile.objects import PIPELINE_KINDS, CompiledObject
from gp.errors import GPError, UnreachableError
from gp.planner.plan import Action, PlanData, Target
from gp.planner.schedule import next_runs, schedules_of
from gp.planner.stack_record import StackRecord, identity
from gp.planner.targets import address_order
from gp.redact import mask_text, secrets_of
from gp.render.mask import mask_value
from gp.runs.actions import drift_reason
from gp.ui import runs_pages
from gp.ui.dags import template_dags
from gp.ui.source import Loaded, form_parameters, shown_manifest

FIRES = 5


def describe_target(target: Target) -> str:
    if target.provider == "directory":
        return f"directory {target.server} (namespace {target.namespace})"
    return f"cluster {target.server or '?'}, namespace {target.namespace}"


def where(obj: CompiledObject, root) -> str:
    """file:line of the object's block, relative to the module folder when inside it."""
    if obj.pos is None:
        return ""
    path = os.path.relpath(obj.pos.file, root)
    return f"{path}:{obj.pos.line}"


def version(applied: Mapping[str, Any]) -> str:
    """The applied spec's digest, as runs are labelled with it."""
    text = json.dumps(applied.get("spec") or {}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ObjectRow:
    address: str
    kind: str
    name: str
    state: str  # css class: in-sync, changed, drifted, missing, removed
    words: str
    applied: str
    version: str
    pipeline: bool


def _states(plan: PlanData) -> dict[str, tuple[str, str]]:
    """Each address's state (css class, words) from the plan: drift first, then its action."""
    words = {
        Action.NOOP: ("in-sync", "in sync"),
        Action.CREATE: ("missing", "missing: not applied yet"),
        Action.UPDATE: ("changed", "changed in the code: would update"),
        Action.REPLACE: ("changed", "changed in the code: would replace"),
        Action.DELETE: ("removed", "not in the code: would delete"),
        Action.FORGET: ("removed", "removed from the code: would stop managing it"),
    }
    out = {c.address: words[c.action] for c in plan.changes}
    for d in plan.drift:
        out[d.address] = (
            ("missing", "deleted outside gp")
            if d.after is None
            else ("drifted", "changed outside gp")
        )
    return out


def stack(ui, request, form) -> dict:
    """The stack's objects from the module and the record at once; their states need a plan
    (seconds on a large stack), so the page asks for them after it shows (``?states=1``)."""
    loaded = ui.source.load()
    module = loaded.compiled.module
    with_states = request.query_params.get("states") == "1"
    problem = None  # the target cannot be reached: the module's rows still show
    try:
        record = loaded.provider.owned(module.stack)
        plan = ui.source.plan(loaded) if with_states else None
    except UnreachableError as err:
        record, plan, problem = StackRecord(module.stack), None, err.message
    states = _states(plan) if plan else {}
    secrets = secrets_of(module.sensitive_values, plan.secrets if plan else ())
    declared = {o.address: o for o in loaded.compiled.objects}
    query = request.query_params.get("q", "").strip().lower()
    rows = []
    # A recorded object the module now declares under another address (a move not applied
    # yet) is one row, under its new address.
    moving = {identity(o.ref) for o in declared.values()}
    recorded = {
        a for a, e in record.entries.items() if a in declared or identity(e.ref) not in moving
    }
    for address in sorted(set(declared) | recorded, key=address_order):
        obj, entry = declared.get(address), record.entries.get(address)
        if entry is None and obj is not None:
            found = record.address_of(obj.ref)
            entry = record.entries.get(found) if found else None
        ref = obj.ref if obj else entry.ref
        if query and query not in address.lower() and query not in ref.name.lower():
            continue
        state, words = states.get(address, ("in-sync", "in sync")) if plan else ("pending", "…")
        if problem:
            state, words = "pending", "not compared: the target cannot be reached"
        rows.append(
            ObjectRow(
                mask_text(address, secrets),
                ref.kind,
                f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name,
                state,
                words,
                _applied(entry),
                version(entry.applied) if entry else "",
                obj is not None and ref.kind in PIPELINE_KINDS,
            )
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    target = plan.target if plan else loaded.provider.target
    context = {
        "title": module.stack,
        "stack": module.stack,
        "target": describe_target(target),
        "rows": rows,
        "counts": counts,
        "record": record,
        "with_states": with_states,
        "errors": [mask_text(e, secrets) for e in plan.errors] if plan else [],
        "problem": mask_text(problem, secrets) if problem else None,
        "q": query,
    }
    return (
        {**context, "template": "stack_rows.html"} if request.headers.get("hx-request") else context
    )


def _applied(entry) -> str:
    """When gp last wrote this object; records written before gp kept it per object say so."""
    if entry is None:
        return "never"
    return entry.applied_at or "before gp kept it per object"


def _crons_of(loaded: Loaded, obj: CompiledObject) -> list[CompiledObject]:
    cluster = obj.ref.kind == "ClusterWorkflowTemplate"
    out = []
    for cron in loaded.compiled.objects:
        ref = ((cron.manifest.get("spec") or {}).get("workflowSpec") or {}).get(
            "workflowTemplateRef"
        ) or {}
        if (
            cron.ref.kind == "CronWorkflow"
            and ref.get("name") == obj.ref.name
            and bool(ref.get("clusterScope")) == cluster
            and (cluster or cron.ref.namespace == obj.ref.namespace)
        ):
            out.append(cron)
    return out


def _template_of(loaded: Loaded, cron: CompiledObject) -> CompiledObject | None:
    ref = ((cron.manifest.get("spec") or {}).get("workflowSpec") or {}).get(
        "workflowTemplateRef"
    ) or {}
    kind = "ClusterWorkflowTemplate" if ref.get("clusterScope") else "WorkflowTemplate"
    return next(
        (
            o
            for o in loaded.compiled.objects
            if o.ref.kind == kind
            and o.ref.name == ref.get("name")
            and (kind != "WorkflowTemplate" or o.ref.namespace == cron.ref.namespace)
        ),
        None,
    )


def pipeline(ui, request, form) -> dict:
    loaded = ui.source.load()
    address = request.path_params["address"]
    obj = loaded.object(address)
    if obj is None or obj.ref.kind not in PIPELINE_KINDS:
        raise HTTPException(404, f"no pipeline {address} in this module")
    secrets = secrets_of(loaded.compiled.module.sensitive_values)
    shown = mask_value(shown_manifest(obj), secrets)
    context = {
        "title": address,
        "stack": loaded.compiled.module.stack,
        "obj": obj,
        "address": address,
        "where": where(obj, loaded.compiled.module.root_dir),
        "dags": template_dags(ui.layouts, shown, address, obj),
        "parameters": form_parameters(shown, obj.ref.kind),
        "yaml": manifest_yaml(shown),
        "crons": [cron_view(c, ui.now(), secrets) for c in _crons_of(loaded, obj)],
        "cron": cron_view(obj, ui.now(), secrets) if obj.ref.kind == "CronWorkflow" else None,
        "template_of": _template_of(loaded, obj) if obj.ref.kind == "CronWorkflow" else None,
    }
    context.update(runs_pages.pipeline_runs(ui, request, loaded, obj))
    context["live_differs"] = _live_differs(ui, loaded, address)
    return context


def _live_differs(ui, loaded: Loaded, address: str) -> str | None:
    """Why the live object is not what the page draws (a plan of this address alone), or
    None; a target that cannot be read says nothing here (the plan page says why)."""
    try:
        plan = operations.plan(loaded.compiled, loaded.provider, targets=(address,))
    except GPError:
        return None
    return drift_reason(plan, address)


def describe(expr: str) -> str:
    """A cron expression in words (cron-descriptor); Argo's @-forms by name."""
    from cron_descriptor import get_description

    named = {
        "@yearly": "Once a year",
        "@annually": "Once a year",
        "@monthly": "Once a month",
        "@weekly": "Once a week",
        "@daily": "Once a day, at midnight",
        "@midnight": "Once a day, at midnight",
        "@hourly": "Once an hour",
    }
    if expr.strip() in named:
        return named[expr.strip()]
    if expr.startswith("@every "):
        return f"Every {expr[7:]}"
    try:
        return get_description(expr)
    except Exception:
        return "(not a cron expression gp can read)"


def cron_view(obj: CompiledObject, now, secrets) -> dict:
    manifest = mask_value(shown_manifest(obj), secrets)
    spec = manifest.get("spec") or {}
    schedules, tz = schedules_of(manifest)
    ref = (spec.get("workflowSpec") or {}).get("workflowTemplateRef") or {}
    return {
        "address": obj.address,
        "name": obj.ref.name,
        "namespace": obj.ref.namespace,
        "schedules": [(s, describe(s)) for s in schedules],
        "timezone": tz or "UTC",
        "tz_assumed": not tz,
        "fires": next_runs(schedules, tz, now, FIRES),
        "suspended": bool(spec.get("suspend")),
        "concurrency": spec.get("concurrencyPolicy") or "Allow",
        "template": ref.get("name"),
    }
