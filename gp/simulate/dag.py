"""DAG templates, following workflow/controller/dag.go (executeDAG, executeDAGTask,
buildLocalScopeFromTask, resolveDependencyReferences); how tasks and the DAG end is in
``dag_phase``."""

from __future__ import annotations

from typing import Any

from gp.compile import depends as dep
from gp.errors import SimulationError
from gp.simulate.aggregate import AggregateError, aggregate
from gp.simulate.dag_phase import assess, check_style, dag_outputs, eval_depends, leaves, results
from gp.simulate.engine import Engine, Opts
from gp.simulate.model import ERROR, OMITTED, RUNNING, SKIPPED, SUCCEEDED
from gp.simulate.nodes import SimNode, node_tags
from gp.simulate.scope import fan_out_items, item_scope, substitute, substitute_value
from gp.simulate.when import WhenError, evaluate


class DagContext:
    def __init__(self, eng: Engine, name: str, tmpl: dict, scope: Any, local: dict[str, str]):
        self.eng, self.boundary, self.scope, self.local = eng, name, scope, local
        self.tmpl = tmpl
        self.tasks = {t["name"]: t for t in tmpl["dag"].get("tasks") or []}
        check_style(tmpl.get("name", name), self.tasks.values())
        self.visited: set[str] = set()
        self._logic: dict[str, dep.Expr | None] = {}

    def node(self, task: str) -> SimNode | None:
        return self.eng.nodes.get(f"{self.boundary}.{task}")

    def logic(self, task: str) -> dep.Expr | None:
        """The task's depends, with bare names spelled out (ancestry.go, expandDependency)."""
        if task not in self._logic:
            spec = self.tasks[task]
            if spec.get("depends"):
                tree = dep.parse(spec["depends"])
            elif spec.get("dependencies"):
                tree = None
                for name in spec["dependencies"]:
                    ref = dep.Ref(name, None, 0)
                    tree = ref if tree is None else dep.BinOp("&&", tree, ref)
            else:
                tree = None
            self._logic[task] = tree
        return self._logic[task]

    def dependencies(self, task: str) -> list[str]:
        tree = self.logic(task)
        names = list(dict.fromkeys(r.task for r, _ in dep.refs(tree))) if tree is not None else []
        for name in names:
            if name not in self.tasks:
                raise SimulationError(
                    f"task {task!r} depends on {name!r}, which is not a task of the DAG"
                )
        return names

    def ancestors(self, task: str) -> list[str]:
        seen: list[str] = []

        def walk(name: str) -> None:
            for parent in self.dependencies(name):
                if parent not in seen:
                    walk(parent)
                    seen.append(parent)

        walk(task)
        return seen


def execute_dag(
    eng: Engine, name: str, tmpl: dict, scope: Any, inputs: dict[str, str], opts: Opts
) -> SimNode:

    node = eng.nodes.get(name) or eng.new_node(name, "DAG", RUNNING, opts)
    dag = tmpl["dag"]
    ctx = DagContext(eng, name, tmpl, scope, {**eng.globals, **inputs})
    # The template is substituted before it runs: a target may come from a parameter.
    target = substitute(str(dag.get("target") or ""), ctx.local)
    targets = target.split(" ") if target else leaves(ctx)
    for task in targets:
        _execute_task(ctx, task)
    phase = assess(ctx, targets)
    if phase == RUNNING:
        return node
    done = [n for n in (ctx.node(t) for t in targets) if n is not None]
    node.outbound = [o for n in done for o in eng.nodes.outbound(n.name)]
    if phase == SUCCEEDED:
        try:
            node.outputs = dag_outputs(ctx)
            eng.export(tmpl, node.outputs)
        except AggregateError as e:
            return eng.mark(node, ERROR, str(e))
    return eng.mark(node, phase)


def _task_scope(ctx: DagContext, task: str) -> dict[str, str]:
    """buildLocalScopeFromTask: the tags a task may read, those of its ancestors only. A
    fan-out's are aggregated (AggregateError when Argo cannot); a skipped or omitted ancestor
    gives its declared output parameters as empty strings (Argo v4)."""
    out = dict(ctx.local)
    for ancestor in ctx.ancestors(task):
        node = ctx.node(ancestor)
        if node is None:
            continue
        prefix = f"tasks.{ancestor}"
        if node.type == "TaskGroup":
            kids = [ctx.eng.nodes[c] for c in node.children if c in ctx.eng.nodes.by_name]
            out.update(aggregate(prefix, kids))
        out.update(node_tags(prefix, ctx.eng.nodes, node))
        if node.phase in (SKIPPED, OMITTED) and not node.outputs:
            tmpl, _ = ctx.eng.templates.resolve(ctx.tasks[ancestor], ctx.scope)
            for param in (tmpl.get("outputs") or {}).get("parameters") or []:
                out[f"{prefix}.outputs.parameters.{param['name']}"] = ""
    return out


def _execute_task(ctx: DagContext, name: str) -> None:
    if name in ctx.visited:
        return
    ctx.visited.add(name)
    eng = ctx.eng
    if name not in ctx.tasks:
        raise SimulationError(f"dag target {name!r} is not a task of the DAG")
    task = ctx.tasks[name]
    node = ctx.node(name)
    if node is not None and node.fulfilled:
        if node.completed:
            try:
                own = _task_scope(ctx, name)
            except AggregateError:
                own = dict(ctx.local)
            eng.run_exit_hook(
                task,
                node,
                ctx.scope,
                own | node_tags(f"tasks.{name}", eng.nodes, node),
                ctx.boundary,
                f"tasks.{name}",
            )
        return
    node_name = f"{ctx.boundary}.{name}"
    deps = ctx.dependencies(name)
    group = node if node is not None and node.type == "TaskGroup" else None

    def connect(child: str) -> None:
        if not deps or group is not None:
            eng.nodes.add_child(group.name if group is not None else ctx.boundary, child)
        else:
            for parent in deps:
                for out in eng.nodes.outbound(ctx.node(parent).name):
                    eng.nodes.add_child(out, child)

    def terminal(
        phase: str, child: str = node_name, message: str = "", display: str = name
    ) -> None:
        eng.new_node(
            child, "Skipped", phase, Opts(boundary=ctx.boundary, display=display), message=message
        )
        connect(child)

    tree = ctx.logic(name)
    if tree is not None:
        for parent in deps:
            _execute_task(ctx, parent)
        if node is None:
            found = {}
            for parent in deps:
                r = results(ctx, parent)
                if r is None:
                    return  # a dependency is still running
                found[parent] = r
            if not eval_depends(ctx, tree, found):
                return terminal(OMITTED, message="omitted: depends condition not met")
    try:
        scope = _task_scope(ctx, name)
    except AggregateError as e:  # resolveDependencyReferences failed: the task errors
        if node is None:
            terminal(ERROR, message=str(e))
        return
    when = task.get("when", "")
    expands = any(task.get(k) is not None for k in ("withItems", "withParam", "withSequence"))
    if when:
        when = substitute(when, scope)
        try:
            if not evaluate(when):
                # dag.go resolveDependencyReferences: a false `when` stops substitution here.
                return _expand_and_run(
                    ctx, name, task, when, scope, group, connect, terminal, resolved=False
                )
        except WhenError as e:
            if not expands:
                return terminal(ERROR, message=str(e))
    _expand_and_run(ctx, name, task, when, scope, group, connect, terminal, resolved=True)


def _expand_and_run(ctx, name, task, when, scope, group, connect, terminal, resolved: bool) -> None:
    eng = ctx.eng
    node_name = f"{ctx.boundary}.{name}"
    keys = ("arguments", "withItems", "withParam", "withSequence")
    fields = {k: task[k] for k in keys if k in task}
    if resolved:
        fields = substitute_value(fields, scope)
    items = fan_out_items(fields)
    if isinstance(items, str):
        try:
            must = evaluate(when)
        except WhenError:
            must = True
        if must:
            return terminal(ERROR, message=items)
        items = []
    expanded = []
    if items is None:
        expanded.append((name, when, fields.get("arguments") or {}))
    else:
        for i, item in enumerate(items):
            tags, desc = item_scope(item)
            t_when = substitute(when, tags, allow_items=True)
            args = substitute_value(fields.get("arguments") or {}, tags)
            expanded.append((f"{name}({i}:{desc})", t_when, args))
        if not expanded:
            return terminal(SKIPPED, message="Skipped, empty params")
        if group is None:
            connect(node_name)
            group = eng.new_node(
                node_name, "TaskGroup", RUNNING, Opts(boundary=ctx.boundary, display=name)
            )

            def connect(child: str, _group=group) -> None:
                eng.nodes.add_child(_group.name, child)

    for t_name, t_when, args in expanded:
        child_name = f"{ctx.boundary}.{t_name}"
        child = eng.nodes.get(child_name)
        if child is None:
            connect(child_name)
            try:
                proceed = evaluate(t_when)
            except WhenError as e:
                eng.new_node(
                    child_name,
                    "Skipped",
                    ERROR,
                    Opts(boundary=ctx.boundary, display=t_name),
                    message=str(e),
                )
                continue
            if not proceed:
                eng.new_node(
                    child_name,
                    "Skipped",
                    SKIPPED,
                    Opts(boundary=ctx.boundary, display=t_name),
                    message=f"when '{t_when}' evaluated false",
                )
                continue
        child = eng.execute_template(
            child_name,
            task,
            ctx.scope,
            eng.templates.arguments(args),
            ctx.local,
            Opts(boundary=ctx.boundary, display=t_name),
        )
        if child.completed:
            eng.run_exit_hook(
                task,
                child,
                ctx.scope,
                scope | node_tags(f"tasks.{name}", eng.nodes, child),
                ctx.boundary,
                f"tasks.{name}",
            )
    if items is not None:
        group = eng.nodes[node_name]
        phase = SUCCEEDED
        for t_name, _, _ in expanded:
            child = eng.nodes.get(f"{ctx.boundary}.{t_name}")
            if child is None or not child.fulfilled:
                return
            if child.failed_or_error:
                phase = child.phase
        eng.mark(group, phase)
