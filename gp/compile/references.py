"""`gp validate`'s check of Argo's `{{...}}` references and of the inputs each call passes.

It resolves every tag the way Argo's validator does (workflow/validate/validate.go), so what Argo
would refuse at submit time is reported here, at the attribute that holds it:

- a template body (container, script, ...) sees its inputs, pod.name when it runs a pod, and the
  workflow's globals; never items nor other steps' outputs;
- a step sees the steps before it and its template's inputs; a DAG task sees every task's
  outputs, and the status of the tasks it waits for; a step or task sees its own loop's items;
- a template's outputs see what its steps or tasks produce.

What Argo leaves to run time is left alone: expression tags, `{{item}}`, `{{retries}}`,
`outputs.…`, timestamps, templates called through an unknown template_ref, items from
with_param. In a (cluster) workflow template an undeclared `workflow.parameters.X` may come at
submit time, so it is a warning; so is an unknown workflow label or annotation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gp.compile.argo_vars import (
    ALWAYS_GLOBAL,
    RUNTIME_PREFIXES,
    VARIABLE,
    TemplateFacts,
    aggregates,
    as_list,
    as_map,
    checked,
    entries,
    loop_keys,
    node_base_keys,
    strings,
    tags,
)
from gp.compile.call_inputs import arguments_of, check_call, check_spec_calls
from gp.compile.context import Ctx, Path, quote
from gp.compile.objects import TEMPLATE_KINDS
from gp.compile.ref_messages import Globals, Where, explain
from gp.compile.scope import Ancestry, Scope
from gp.errors import SourcePos


class TemplateIndex:
    """Every template of the module's (cluster) workflow templates, for `template_ref` calls."""

    def __init__(self, results: list) -> None:
        self.by_ref: dict[tuple[bool, str], dict[str, dict]] = {}
        for r in results:
            if r.kind in TEMPLATE_KINDS:
                spec = as_map(r.manifest.get("spec"))
                named = self.by_ref.setdefault(
                    (r.kind == "ClusterWorkflowTemplate", r.ref.name), {}
                )
                for t in entries(spec.get("templates")):
                    if isinstance(t.get("name"), str):
                        named.setdefault(t["name"], t)

    def lookup(self, ref: dict) -> dict | None:
        named = self.by_ref.get((bool(ref.get("clusterScope")), str(ref.get("name"))))
        return named.get(str(ref.get("template"))) if named is not None else None


class ReferenceCheck:
    """One workflow spec: its templates, their steps and tasks, its entrypoint and exit handler."""

    def __init__(
        self, spec: dict, path: Path, ctx: Ctx, kind: str, meta: dict, index: TemplateIndex
    ):
        self.spec, self.path, self.ctx, self.index = spec, path, ctx, index
        self.template_validation = kind in TEMPLATE_KINDS
        self.meta = meta
        self.facts: dict[str, TemplateFacts] = {}
        self.callees: dict[int, TemplateFacts | None] = {}
        self.reported: set[tuple[Path, str]] = set()
        # Undeclared workflow parameters a submitted workflow (or a cron using the template) must pass.
        self.submit_time: list[tuple[str, SourcePos | None]] = []

    def run(self) -> None:
        templates = [
            (i, t) for i, t in enumerate(as_list(self.spec.get("templates"))) if isinstance(t, dict)
        ]
        for _, t in templates:
            self.facts.setdefault(str(t.get("name")), TemplateFacts.of(t))
        self.scope, self.globals = self._globals(templates)
        for i, t in templates:
            self.check_template(t, (*self.path, "templates", i))
        check_spec_calls(self.ctx, self.spec, self.facts, self.template_validation, self.path)

    # --- what is known everywhere --------------------------------------------------------------

    def _globals(self, templates: list[tuple[int, dict]]) -> tuple[Scope, Globals]:
        spec, meta = self.spec, self.meta
        params = tuple(
            p["name"]
            for p in entries(arguments_of(spec).get("parameters"))
            if isinstance(p.get("name"), str)
        )
        wf_meta = as_map(spec.get("workflowMetadata"))
        g = Globals(parameters=params)
        for source in (meta, wf_meta):
            g.labels.update(str(k) for k in as_map(source.get("labels")))
            g.annotations.update(str(k) for k in as_map(source.get("annotations")))
        g.labels.update(str(k) for k in as_map(wf_meta.get("labelsFrom")))
        scope = Scope(None, ALWAYS_GLOBAL)
        if params:
            scope.keys.update(("workflow.parameters", "workflow.parameters.json"))
            scope.keys.update(f"workflow.parameters.{p}" for p in params)
        scope.keys.update(
            f"workflow.{k}{j}" for k in ("labels", "annotations") for j in ("", ".json")
        )
        scope.keys.update(f"workflow.labels.{k}" for k in g.labels)
        scope.keys.update(f"workflow.annotations.{k}" for k in g.annotations)
        if spec.get("priority") is not None:
            scope.keys.add("workflow.priority")
        if spec.get("onExit"):
            scope.keys.add("workflow.failures")
        producers = [self.facts[str(t.get("name"))] for _, t in templates]
        for _, t in templates:
            for item in self._nodes(t):
                callee = self.callee(item)
                if callee is None and isinstance(item.get("templateRef"), dict):
                    scope.open.update(("workflow.outputs.parameters", "workflow.outputs.artifacts"))
                elif callee is not None:
                    producers.append(callee)
        for facts in producers:
            for name, kind, names in (
                ("parameters", "param", facts.global_params),
                ("artifacts", "artifact", facts.global_artifacts),
            ):
                for n in names:
                    if VARIABLE.search(n):  # a global name known only at run time
                        scope.open.add(f"workflow.outputs.{name}")
                    else:
                        scope.keys.add(f"workflow.outputs.{name}.{n}")
                        (g.global_params if kind == "param" else g.global_artifacts).add(n)
        return scope, g

    @staticmethod
    def _nodes(t: dict) -> list[dict]:
        if isinstance(t.get("dag"), dict):
            return entries(t["dag"].get("tasks"))
        return [s for group in _groups(t) for s in entries(group)]

    def callee(self, item: dict) -> TemplateFacts | None:
        """What a step or task runs; None when unknown (a template_ref outside the module, a typo)."""
        key = id(item)
        if key not in self.callees:
            found: TemplateFacts | None = None
            if isinstance(item.get("inline"), dict):
                found = TemplateFacts.of(item["inline"])
            elif isinstance(item.get("templateRef"), dict):
                tmpl = self.index.lookup(item["templateRef"])
                owner = str(item["templateRef"].get("name"))
                found = replace(TemplateFacts.of(tmpl), owner=owner) if tmpl is not None else None
            elif isinstance(item.get("template"), str):
                found = self.facts.get(item["template"])
            self.callees[key] = found
        return self.callees[key]

    # --- resolving tags ------------------------------------------------------------------------

    def verdict(self, name: str, scope: Scope) -> str | None:
        """None when Argo accepts the tag here, else "error" (Argo refuses it) or "warning"."""
        if scope.has(name) or name.startswith(RUNTIME_PREFIXES):
            return None
        root = name.split(".", 1)[0]
        if root == "item" and scope.items_unknown():
            return None
        if root in ("tasks", "steps"):
            node = name.split(".")[1] if name.count(".") else ""
            if scope.is_open(f"{root}.{node}"):
                return None
            if root == "tasks" and name == f"tasks.{node}.status" and scope.waits_for(node):
                return None
        for prefix in ("workflow.outputs.parameters", "workflow.outputs.artifacts"):
            if name.startswith(prefix + ".") and scope.is_open(prefix):
                return None
        if name.startswith("workflow.parameters") and self.template_validation:
            # A workflow submitted from the template may pass it; Argo's lint does not check.
            return (
                "warning"
                if name.startswith("workflow.parameters.") and name != "workflow.parameters.json"
                else None
            )
        if name.startswith(("workflow.labels.", "workflow.annotations.")):
            return "warning"
        return "error"

    def check_value(self, value: Any, path: Path, scope: Scope, where: Where) -> None:
        for text, at in strings(value, path):
            for tag in tags(text):
                name = checked(tag)
                if name is None or (at, name) in self.reported:
                    continue
                level = self.verdict(name, scope)
                if level is None:
                    continue
                self.reported.add((at, name))
                report = self.ctx.warn if level == "warning" else self.ctx.error
                report(explain(name, where, self.globals, level == "error"), self.ctx.pos_of(at))
                if level == "warning" and name.startswith("workflow.parameters."):
                    self.submit_time.append((name, self.ctx.pos_of(at)))

    # --- templates -----------------------------------------------------------------------------

    def check_template(self, t: dict, tpath: Path) -> None:
        facts = TemplateFacts.of(t)
        scope = Scope(self.scope, facts.scope_keys())
        if facts.type == "steps":
            self._check_steps(t, facts, scope, tpath)
        elif facts.type == "dag":
            self._check_dag(t, facts, scope, tpath)
        else:
            self._check_body(t, facts, scope, tpath)

    def _check_body(self, t: dict, facts: TemplateFacts, scope: Scope, tpath: Path) -> None:
        """Argo checks the whole template, once its inputs are replaced by what a caller passes."""
        where = Where(facts)
        for key, value in t.items():
            if key != "inputs":
                self.check_value(value, (*tpath, key), scope, where)
        inputs = as_map(t.get("inputs"))
        for j, p in enumerate(entries(inputs.get("parameters"))):
            rest = {k: v for k, v in p.items() if k not in ("value", "valueFrom")}
            self.check_value(rest, (*tpath, "inputs", "parameters", j), scope, where)
        for j, a in enumerate(entries(inputs.get("artifacts"))):
            self.check_value(
                a.get("path"), (*tpath, "inputs", "artifacts", j, "path"), scope, where
            )

    def _expose(
        self, scope: Scope, root: str, node: str, callee: TemplateFacts | None, aggregate: bool
    ) -> None:
        if callee is None:
            scope.keys.update(node_base_keys(root, node))
            scope.open.add(f"{root}.{node}")
        else:
            scope.keys.update(callee.node_keys(root, node, aggregate))

    def _node_scope(self, parent: Scope, item: dict) -> Scope:
        keys, any_item = loop_keys(item)
        inputs = as_map(as_map(item.get("inline")).get("inputs"))
        keys.update(
            f"inputs.parameters.{p['name']}"
            for p in entries(inputs.get("parameters"))
            if "name" in p
        )
        scope = Scope(parent, keys)
        scope.any_item = any_item
        return scope

    def _check_node(self, item: dict, path: Path, scope: Scope, where: Where) -> None:
        for key, value in item.items():
            if key != "inline":  # an inline template is checked as a template of its own
                self.check_value(value, (*path, key), scope, where)
        if isinstance(item.get("inline"), dict):
            self.check_template(item["inline"], (*path, "inline"))
        check_call(
            self.ctx, self.callee(item), item, path, "step" if where.seen is not None else "task"
        )

    def _check_steps(self, t: dict, facts: TemplateFacts, scope: Scope, tpath: Path) -> None:
        nodes: dict[str, TemplateFacts | None] = {}
        for step in self._nodes(t):
            nodes.setdefault(str(step.get("name")), self.callee(step))
        seen: set[str] = set()
        for g, group in enumerate(_groups(t)):
            for s, step in enumerate(group if isinstance(group, list) else ()):
                if not isinstance(step, dict):
                    continue
                name = str(step.get("name"))
                seen.add(name)
                callee = self.callee(step)
                # As in Argo, a step's loop items and status stay in scope for the steps after it.
                keys, any_item = loop_keys(step)
                scope.keys.update(keys)
                scope.keys.add(f"steps.{name}.status")
                scope.any_item = scope.any_item or any_item
                if _has_exit_hook(step):
                    self._expose(scope, "steps", name, callee, False)
                step_scope = self._node_scope(scope, step)
                where = Where(facts, "node", name, step, nodes, seen)
                self._check_node(step, (*tpath, "steps", g, s), step_scope, where)
                self._expose(scope, "steps", name, callee, aggregates(step))
        self.check_value(
            t.get("outputs"),
            (*tpath, "outputs"),
            scope,
            Where(facts, "outputs", nodes=nodes, seen=seen),
        )

    def _check_dag(self, t: dict, facts: TemplateFacts, scope: Scope, tpath: Path) -> None:
        dag = as_map(t["dag"])
        tasks = entries(dag.get("tasks"))
        nodes: dict[str, TemplateFacts | None] = {}
        for task in tasks:  # every task's outputs are in scope for every other task (Argo)
            name = str(task.get("name"))
            nodes.setdefault(name, self.callee(task))
            self._expose(scope, "tasks", name, self.callee(task), aggregates(task))
            if task.get("hooks") is not None:
                scope.keys.add(f"tasks.{name}.status")
        ancestry = Ancestry(tasks)
        for j, task in enumerate(as_list(dag.get("tasks"))):
            if not isinstance(task, dict):
                continue
            name = str(task.get("name"))
            task_scope = self._node_scope(scope, task)
            task_scope.ancestor = lambda other, me=name: ancestry.waits_for(me, other)
            path = (*tpath, "dag", "tasks", j)
            self._check_node(task, path, task_scope, Where(facts, "node", name, task, nodes))
            self._check_argument_sources(task, path, nodes, ancestry)
        target = dag.get("target")
        if isinstance(target, str):
            self.check_value(
                target, (*tpath, "dag", "target"), scope, Where(facts, "target", nodes=nodes)
            )
            for name in target.split(" "):
                if not VARIABLE.search(name) and name not in nodes:
                    self.ctx.error(
                        f"target {quote(name)} is not a task of DAG template {quote(facts.name)}",
                        self.ctx.pos_of((*tpath, "dag", "target")),
                    )
        self.check_value(
            t.get("outputs"), (*tpath, "outputs"), scope, Where(facts, "outputs", nodes=nodes)
        )

    def _check_argument_sources(
        self, task: dict, path: Path, nodes: dict, ancestry: Ancestry
    ) -> None:
        """A task passing `{{tasks.A.…}}` must wait for A: Argo checks values that start with it."""
        args = arguments_of(task)
        name = str(task.get("name"))
        for kind, field in (("parameters", "value"), ("artifacts", "from")):
            for j, entry in enumerate(entries(args.get(kind))):
                value = entry.get(field)
                if not isinstance(value, str) or not value.startswith("{{tasks."):
                    continue
                source = value.split(".")[1]
                if source in nodes and not ancestry.waits_for(name, source):
                    self.ctx.error(
                        f"task {quote(name)} passes {quote(value)} as {kind[:-1]} {quote(str(entry.get('name')))}, "
                        f"but does not depend on task {quote(source)}; add it to depends",
                        self.ctx.pos_of((*path, "arguments", kind, j, field)),
                    )


def _groups(t: dict) -> list:
    return t["steps"] if isinstance(t.get("steps"), list) else []


def _has_exit_hook(item: dict) -> bool:
    hooks = item.get("hooks")
    return bool(item.get("onExit")) or (isinstance(hooks, dict) and "exit" in hooks)
