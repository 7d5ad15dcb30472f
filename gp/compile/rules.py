"""The checks of `gp validate` that look at names, DAGs and references in compiled workflow specs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gp.compile.compiler import CompiledBlock
from gp.compile.context import Ctx, Path, quote
from gp.compile.depends import FAN_OUT_RESULTS, DependsSyntaxError, parse, refs
from gp.compile.kube_names import DNS_SUBDOMAIN
from gp.compile.objects import TEMPLATE_KINDS
from gp.compile.runtime import MAX_FIELD_NAME
from gp.suggest import did_you_mean

TEMPLATE_NAME = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]*$")
MAX_NAME = {"CronWorkflow": 52}
DEFAULT_MAX_NAME = 63


@dataclass(frozen=True)
class TemplateNames:
    """Template names of each workflow template in the module, for local `template_ref` checks."""

    by_ref: dict[tuple[bool, str], set[str]]

    @classmethod
    def of(cls, results: list[CompiledBlock]) -> TemplateNames:
        out: dict[tuple[bool, str], set[str]] = {}
        for r in results:
            if r.kind in TEMPLATE_KINDS:
                names = {
                    t.get("name") for t in (r.manifest.get("spec") or {}).get("templates") or []
                }
                key = (r.kind == "ClusterWorkflowTemplate", r.ref.name)
                out.setdefault(key, set()).update(n for n in names if isinstance(n, str))
        return cls(out)


def check_object_name(r: CompiledBlock) -> None:
    name = r.ref.name
    pos = r.ctx.pos_of(("metadata", "name"))
    limit = MAX_NAME.get(r.kind, DEFAULT_MAX_NAME)
    if not DNS_SUBDOMAIN.match(name):
        r.ctx.error(
            f"{r.kind} name {quote(name)} is not a valid DNS-1123 subdomain: use lowercase letters, digits, "
            "'-' and '.', starting and ending with a letter or digit",
            pos,
        )
    if len(name) > limit:
        r.ctx.error(
            f"{r.kind} name {quote(name)} is {len(name)} characters long; at most {limit} are allowed",
            pos,
        )


def check_duplicate_objects(results: list[CompiledBlock]) -> None:
    seen: dict[Any, CompiledBlock] = {}
    for r in results:
        if not r.kind:
            continue
        first = seen.setdefault(r.ref, r)
        if first is not r:
            r.ctx.error(
                f"{r.ref} is declared twice: by {first.decl.address} ({first.decl.pos}) and {r.decl.address}",
                r.ctx.pos_of(("metadata", "name")),
            )


def workflow_specs(r: CompiledBlock) -> Iterator[tuple[dict, Path]]:
    return workflow_specs_of(r.manifest)


def workflow_specs_of(manifest: dict) -> Iterator[tuple[dict, Path]]:
    spec = manifest.get("spec")
    kind = manifest.get("kind")
    if not isinstance(spec, dict):
        return
    if kind == "CronWorkflow":
        if isinstance(spec.get("workflowSpec"), dict):
            yield spec["workflowSpec"], ("spec", "workflowSpec")
    elif kind in (*TEMPLATE_KINDS, "Workflow"):
        yield spec, ("spec",)


def check_workflow_spec(spec: dict, path: Path, ctx: Ctx, local: TemplateNames) -> None:
    templates = [t for t in spec.get("templates") or [] if isinstance(t, dict)]
    names = [t.get("name") for t in templates]
    known = {n for n in names if isinstance(n, str)}
    seen: set[str] = set()
    for i, t in enumerate(templates):
        tpath = (*path, "templates", i)
        name = t.get("name")
        _check_name("template", name, ctx, (*tpath, "name"))
        if name in seen:
            ctx.error(f"duplicate template {quote(name)}", ctx.pos_of(tpath))
        seen.add(name)
        _check_template(t, tpath, ctx, known, local)
    uses_ref = "workflowTemplateRef" in spec
    entry = spec.get("entrypoint")
    if entry is not None and not uses_ref and entry not in known:
        _missing("entrypoint", entry, known, ctx, (*path, "entrypoint"))
    if spec.get("onExit") and not uses_ref and spec["onExit"] not in known:
        _missing("on_exit", spec["onExit"], known, ctx, (*path, "onExit"))
    if not uses_ref:
        _check_hooks("workflow", spec, path, ctx, known)


def _check_hooks(what: str, owner: dict, path: Path, ctx: Ctx, known: set[str]) -> None:
    """Lifecycle hooks run a template of this spec (or one by templateRef, checked elsewhere)."""
    hooks = owner.get("hooks")
    for key, hook in hooks.items() if isinstance(hooks, dict) else ():
        template = hook.get("template") if isinstance(hook, dict) else None
        if isinstance(template, str) and template not in known:
            _missing(
                f"{what} hook {quote(str(key))}",
                template,
                known,
                ctx,
                (*path, "hooks", key, "template"),
            )


def _check_name(what: str, name: Any, ctx: Ctx, path: Path) -> None:
    if not isinstance(name, str) or not TEMPLATE_NAME.match(name):
        ctx.error(
            f"{what} name {quote(str(name))} must match ^[a-zA-Z0-9][-a-zA-Z0-9]*$",
            ctx.pos_of(path),
        )
    elif len(name) > MAX_FIELD_NAME:
        ctx.error(
            f"{what} name {quote(name[:20] + '...')} is {len(name)} characters, longer than "
            f"Argo's {MAX_FIELD_NAME} characters (its controller refuses the run)",
            ctx.pos_of(path),
        )


def _missing(what: str, name: str, known: set[str], ctx: Ctx, path: Path) -> None:
    ctx.error(
        f"{what} refers to template {quote(name)}, which does not exist{did_you_mean(name, known)}",
        ctx.pos_of(path),
    )


def _check_template(t: dict, tpath: Path, ctx: Ctx, known: set[str], local: TemplateNames) -> None:
    dag = t.get("dag")
    if isinstance(dag, dict):
        tasks = [x for x in dag.get("tasks") or [] if isinstance(x, dict)]
        _check_steps_like(
            "task",
            tasks,
            [(*tpath, "dag", "tasks", j) for j in range(len(tasks))],
            ctx,
            known,
            local,
        )
        _check_dag(tasks, (*tpath, "dag", "tasks"), ctx)
    steps = t.get("steps")
    if isinstance(steps, list):
        flat, paths = [], []
        for g, group in enumerate(steps):
            for s, step in enumerate(group if isinstance(group, list) else []):
                flat.append(step)
                paths.append((*tpath, "steps", g, s))
        _check_steps_like("step", flat, paths, ctx, known, local)


def _check_steps_like(
    what: str, items: list[dict], paths: list[Path], ctx: Ctx, known, local
) -> None:
    seen: set[str] = set()
    for item, path in zip(items, paths):
        name = item.get("name")
        _check_name(what, name, ctx, (*path, "name"))
        if name in seen:  # Argo wants step names unique across all of a template's groups
            ctx.error(f"duplicate {what} {quote(name)}", ctx.pos_of(path))
        seen.add(name)
        if isinstance(item.get("template"), str) and item["template"] not in known:
            _missing(f"{what} {quote(name)}", item["template"], known, ctx, (*path, "template"))
        if item.get("onExit") and item["onExit"] not in known:
            _missing(f"{what} {quote(name)}", item["onExit"], known, ctx, (*path, "onExit"))
        _check_hooks(f"{what} {quote(name)}", item, path, ctx, known)
        ref = item.get("templateRef")
        if isinstance(ref, dict):
            key = (bool(ref.get("clusterScope")), str(ref.get("name")))
            local_names = local.by_ref.get(key)
            if local_names is not None and ref.get("template") not in local_names:
                ctx.error(
                    f"{what} {quote(name)}: template_ref names template {quote(str(ref.get('template')))}, "
                    f"which {ref.get('name')} does not have",
                    ctx.pos_of((*path, "templateRef")),
                )


def _check_dag(tasks: list[dict], path: Path, ctx: Ctx) -> None:
    by_name = {t.get("name"): (j, t) for j, t in enumerate(tasks)}
    edges: dict[str, list[str]] = {}
    for j, task in enumerate(tasks):
        name = task.get("name")
        for dep in task.get("dependencies") or []:  # kept by `template` blocks, as Argo wrote it
            if dep in by_name:
                edges.setdefault(name, []).append(dep)
            else:
                others = [str(n) for n in by_name if n != name]
                ctx.error(
                    f"task {quote(name)} depends on unknown task {quote(str(dep))}"
                    f"{did_you_mean(str(dep), others)}",
                    ctx.pos_of((*path, j, "dependencies")),
                )
        dpath = (*path, j, "depends")
        depends = task.get("depends")
        if depends is None or not str(depends).strip():
            continue  # Argo reads an empty depends as none
        pos = ctx.pos_of(dpath)
        if "continueOn" in task:
            ctx.error(
                f"task {quote(name)} sets continue_on together with depends; Argo ignores continue_on "
                "there: use depends conditions such as A.Failed instead",
                ctx.pos_of((*path, j, "continueOn")),
            )
        try:
            tree = parse(str(depends))
        except DependsSyntaxError as e:
            ctx.error(
                f"task {quote(name)}: invalid depends {quote(str(depends))}: {e.message} "
                f"at character {e.offset + 1}",
                pos,
            )
            continue
        for ref, _neg in refs(tree):
            if ref.task not in by_name:
                others = [str(n) for n in by_name if n != name]
                ctx.error(
                    f"task {quote(name)} depends on unknown task {quote(ref.task)}"
                    f"{did_you_mean(ref.task, others)}",
                    pos,
                )
                continue
            edges.setdefault(name, []).append(ref.task)
            target = by_name[ref.task][1]
            if ref.result in FAN_OUT_RESULTS and not any(
                k in target for k in ("withItems", "withParam", "withSequence")
            ):
                ctx.error(
                    f"task {quote(name)} uses {ref.task}.{ref.result}, but task {quote(ref.task)} does not fan "
                    "out (no with_items, with_param or with_sequence)",
                    pos,
                )
    for cycle in _cycles(edges, [t.get("name") for t in tasks]):
        j = by_name[cycle[0]][0]
        key = "depends" if "depends" in tasks[j] else "dependencies"
        ctx.error(f"dependency cycle: {' -> '.join(cycle)}", ctx.pos_of((*path, j, key)))


def _cycles(edges: dict[str, list[str]], order: list) -> list[list[str]]:
    """Each cycle once, starting at the task declared first; found by depth-first search."""
    state: dict[str, int] = {}
    found: list[list[str]] = []
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in edges.get(n, []):
            if state.get(m) == 1:
                cycle = stack[stack.index(m) :]
                first = min(cycle, key=order.index)
                k = cycle.index(first)
                cycle = cycle[k:] + cycle[:k]
                found.append([*cycle, first])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in order:
        if n not in state:
            visit(n)
    return found
