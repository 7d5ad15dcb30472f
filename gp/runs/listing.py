"""The stack's runs: those gp submitted and those its crons started, newest first; what
`gp runs`, the API's Stack.runs and the UI's run pages list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gp.compile.objects import CompiledObject
from gp.runs import history
from gp.runs.actions import RunContext, namespace_of, runnable, template_of
from gp.runs.model import CRON_LABEL, RunSnapshot, run_from_workflow
from gp.runs.submit import template_digest


def runs(
    ctx: RunContext, address: str | None = None, status: str | None = None, limit: int | None = None
) -> list[RunSnapshot]:
    """The stack's runs: those gp submitted (its labels) and those its crons started (Argo's
    cron label), each of the latter with its cron's address and, when it ran the template as
    last applied, that version."""
    if address is not None:
        runnable(ctx.objects, address)
    selector = history.selector(ctx.stack, address)
    crons = {
        (namespace_of(ctx, o), o.ref.name): o for o in ctx.objects if o.ref.kind == "CronWorkflow"
    }
    found = []
    for ns in ctx.namespaces:
        listed = [run_from_workflow(wf) for wf in ctx.engine.list_workflows(ns, selector)]
        names = sorted(name for cron_ns, name in crons if cron_ns == ns)
        if names:
            by_cron = f"{CRON_LABEL} in ({','.join(names)})"
            listed += [
                _cron_started(ctx, run_from_workflow(wf), crons)
                for wf in ctx.engine.list_workflows(ns, by_cron)
            ]
        found.append(listed)
    return history.newest_first(
        history.merge_namespaces(found), address, history.normal_status(status), limit
    )


def _pruned(value: Any) -> Any:
    """``value`` without the empty fields Argo's controller adds to the templates it stores
    (``inputs: {}``, ``metadata: {}``, a container's ``name: ""``)."""
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ({}, [], None, "")}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _cron_started(
    ctx: RunContext, run: RunSnapshot, crons: Mapping[tuple[str, str], CompiledObject]
) -> RunSnapshot:
    """A run Argo's controller started from one of the stack's crons, attributed to it."""
    cron = crons.get((run.namespace, run.cron or ""))
    if cron is None or run.address:
        return run
    version = run.version
    ref = template_of(ctx, cron)
    target = next(
        (o for o in ctx.objects if ref and (o.ref.kind, o.ref.name) == (ref[0], ref[2])), None
    )
    entry = ctx.record().entries.get(target.address) if target is not None else None
    ran = _pruned((run.spec or {}).get("templates"))
    if version is None and entry is not None and ran:
        if ran == _pruned((entry.applied.get("spec") or {}).get("templates")):
            version = template_digest(entry.applied)
    return replace(run, address=cron.address, stack=ctx.stack, version=version)
