"""`gp validate`'s checks of what Argo refuses only at run time (compile/runtime.py's rules),
each at the attribute that causes it: a module gp validates does not end in Error on Argo
because of a name, a label or a volume."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.compile.context import Ctx, Path
from gp.compile.objects import TEMPLATE_KINDS
from gp.compile.rules import workflow_specs_of
from gp.compile.runtime import (
    is_pod_template,
    pod_refusals,
    spec_pod_refusals,
    workflow_refusals,
)

# (cluster scope, object name, template name): templates other objects run by templateRef.
RefTargets = frozenset[tuple[bool, str, str]]


def ref_targets(manifests: Iterable[dict]) -> RefTargets:
    """Every template of the module run by a templateRef, wherever that stands."""
    found: set[tuple[bool, str, str]] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            ref = value.get("templateRef")
            if isinstance(ref, dict) and isinstance(ref.get("template"), str):
                found.add((bool(ref.get("clusterScope")), str(ref.get("name")), ref["template"]))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for m in manifests:
        walk(m.get("spec"))
    return frozenset(found)


def runtime_messages(manifest: dict) -> list[str]:
    """What Argo would refuse in one object at run time, as `gp validate` words it."""
    ctx = Ctx()
    meta = manifest.get("metadata") or {}
    for spec, path in workflow_specs_of(manifest):
        check_runtime(
            spec, path, ctx, str(manifest.get("kind")), str(meta.get("name")), frozenset()
        )
    return [d.message for d in ctx.diags]


def check_runtime(
    spec: dict, path: Path, ctx: Ctx, kind: str, name: str, targets: RefTargets
) -> None:
    for r in workflow_refusals(spec):
        ctx.error(r.message, ctx.pos_of((*path, *r.path)))
    templates = [t for t in spec.get("templates") or [] if isinstance(t, dict)]
    pods = [(i, t) for i, t in enumerate(templates) if is_pod_template(t)]
    if pods:
        for r in spec_pod_refusals(spec):
            ctx.error(r.message, ctx.pos_of((*path, *r.path)))
    cluster = kind == "ClusterWorkflowTemplate"
    referenced = _run_as_child(spec)
    for i, tmpl in pods:
        root = _root_only(tmpl, spec, referenced) and (
            kind not in TEMPLATE_KINDS or (cluster, name, tmpl.get("name")) not in targets
        )
        for r in pod_refusals(tmpl, spec, root=root):
            ctx.error(r.message, ctx.pos_of((*path, "templates", i, *r.path)))


def _root_only(tmpl: dict, spec: dict, referenced: set[str]) -> bool:
    """Runs only as the Workflow's own node, whose pod takes the Workflow's name: the entrypoint,
    run by nothing else and without retries (a retried root's pod is an attempt node)."""
    return (
        tmpl.get("name") == spec.get("entrypoint")
        and tmpl.get("name") not in referenced
        and not tmpl.get("retryStrategy")
        and not spec.get("retryStrategy")
    )


def _run_as_child(spec: dict) -> set[str]:
    """Template names that run below the Workflow's node: steps, tasks, hooks, exit handlers."""
    names: set[str] = set()

    def hooks(owner: dict) -> None:
        if isinstance(owner.get("onExit"), str):
            names.add(owner["onExit"])
        hooks_ = owner.get("hooks")
        for hook in hooks_.values() if isinstance(hooks_, dict) else ():
            if isinstance(hook, dict) and isinstance(hook.get("template"), str):
                names.add(hook["template"])

    hooks(spec)
    for tmpl in spec.get("templates") or []:
        if not isinstance(tmpl, dict):
            continue
        dag, steps = tmpl.get("dag"), tmpl.get("steps")
        items = list(dag.get("tasks") or []) if isinstance(dag, dict) else []
        for group in steps if isinstance(steps, list) else []:
            items += group if isinstance(group, list) else []
        for item in items:
            if isinstance(item, dict):
                if isinstance(item.get("template"), str):
                    names.add(item["template"])
                hooks(item)
    return names
