"""DAG templates, following workflow/controller/dag.go (executeDAG, executeDAGTask,
evaluateDependsLogic, assessDAGPhase) and workflow/common/ancestry.go."""

from __future__ import annotations

import json
from typing import Any

from gp.compile import depends as dep
from gp.errors import NotModelledError, SimulationError
from gp.simulate.engine import Engine, Opts
from gp.simulate.model import ERROR, FAILED, OMITTED, RUNNING, SKIPPED, SUCCEEDED
from gp.simulate.nodes import SimNode, node_tags
from gp.simulate.scope import item_scope, parse_items, substitute, substitute_value
from gp.simulate.when import WhenError, evaluate


class DagContext:
    def __init__(self, eng: Engine, name: str, tmpl: dict, scope: Any, local: dict[str, str]):
        self.eng, self.boundary, self.scope, self.local = eng, name, scope, local
        self.tmpl = tmpl
        self.tasks = {t["name"]: t for t in tmpl["dag"].get("tasks") or []}
        _check_style(tmpl.get("name", name), self.tasks.values())
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
    targets = dag["target"].split(" ") if dag.get("target") else _leaves(ctx)
    for target in targets:
        _execute_task(ctx, target)
    phase = _assess(ctx, targets)
    if phase == RUNNING:
        return node
    done = [n for n in (ctx.node(t) for t in targets) if n is not None]
    node.outbound = [o for n in done for o in eng.nodes.outbound(n.name)]
    if phase == SUCCEEDED:
        node.outputs = _dag_outputs(ctx)
    return eng.mark(node, phase)


def _check_style(template: str, tasks) -> None:
    """What Argo refuses at submit time (validate.go) never runs: the simulator says so instead
    of running it."""
    tasks = list(tasks)
    if any(t.get("depends") for t in tasks) and any(t.get("dependencies") for t in tasks):
        raise SimulationError(
            f"Argo refuses template {template!r}: a DAG cannot use both depends and dependencies"
        )
    if any(t.get("depends") for t in tasks) and any(t.get("continueOn") for t in tasks):
        raise SimulationError(
            f"Argo refuses template {template!r}: continueOn cannot be used "
            "with depends (use A.Failed or A.Errored in depends)"
        )


def _leaves(ctx: DagContext) -> list[str]:
    leaf = dict.fromkeys(ctx.tasks, True)
    for task in ctx.tasks:
        for parent in ctx.dependencies(task):
            leaf[parent] = False
    return sorted(t for t, is_leaf in leaf.items() if is_leaf)  # dag.go sorts the targets


def _task_scope(ctx: DagContext, task: str) -> dict[str, str]:
    """buildLocalScopeFromTask: the tags a task may read, those of its ancestors only."""
    out = dict(ctx.local)
    for ancestor in ctx.ancestors(task):
        node = ctx.node(ancestor)
        if node is None:
            continue
        prefix = f"tasks.{ancestor}"
        if node.type == "TaskGroup":
            kids = [ctx.eng.nodes[c] for c in node.children if c in ctx.eng.nodes.by_name]
            out[f"{prefix}.outputs.parameters"] = json.dumps(
                [k.outputs.get("parameters") or {} for k in kids], separators=(",", ":")
            )
            results = [k.outputs["result"] for k in kids if "result" in k.outputs]
            if results:
                out[f"{prefix}.outputs.result"] = json.dumps(results, separators=(",", ":"))
        out.update(node_tags(prefix, ctx.eng.nodes, node))
    return out


def _results(ctx: DagContext, task: str) -> dict[str, bool] | None:
    """evaluateDependsLogic's TaskResults of a dependency; None while it is not done."""
    node = ctx.node(task)
    if node is None or not node.fulfilled or not ctx.eng.nodes.hooks_fulfilled(node):
        return None
    any_ok, all_failed = False, False
    if node.type == "TaskGroup":
        kids = [ctx.eng.nodes[c] for c in node.children]
        all_failed = bool(kids) and all(k.phase == FAILED for k in kids)
        any_ok = any(k.phase == SUCCEEDED for k in kids)
    return {
        "Succeeded": node.phase == SUCCEEDED,
        "Failed": node.phase == FAILED,
        "Errored": node.phase == ERROR,
        "Skipped": node.phase == SKIPPED,
        "Omitted": node.phase == OMITTED,
        "Daemoned": False,
        "AnySucceeded": any_ok,
        "AllFailed": all_failed,
    }


def _eval_depends(ctx: DagContext, tree: dep.Expr, results: dict[str, dict[str, bool]]) -> bool:
    if isinstance(tree, dep.Not):
        return not _eval_depends(ctx, tree.operand, results)
    if isinstance(tree, dep.BinOp):
        left = _eval_depends(ctx, tree.left, results)
        if tree.op == "&&":
            return left and _eval_depends(ctx, tree.right, results)
        return left or _eval_depends(ctx, tree.right, results)
    r = results[tree.task]
    if tree.result is not None:
        return r[tree.result]
    # ancestry.go expandDependency: a bare name means Succeeded, Skipped or Daemoned, plus
    # Errored / Failed when that task continues on them.
    cont = ctx.tasks[tree.task].get("continueOn") or {}
    return (
        r["Succeeded"]
        or r["Skipped"]
        or r["Daemoned"]
        or (bool(cont.get("error")) and r["Errored"])
        or (bool(cont.get("failed")) and r["Failed"])
    )


def _execute_task(ctx: DagContext, name: str) -> None:
    if name in ctx.visited:
        return
    ctx.visited.add(name)
    eng = ctx.eng
    if name not in ctx.tasks:
        raise SimulationError(f"dag target {name!r} is not a task of the DAG")
    task = ctx.tasks[name]
    _check_modelled(task)
    node = ctx.node(name)
    if node is not None and node.fulfilled:
        if node.completed:
            eng.run_exit_hook(
                task,
                node,
                ctx.scope,
                _task_scope(ctx, name) | node_tags(f"tasks.{name}", eng.nodes, node),
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
            results = {}
            for parent in deps:
                r = _results(ctx, parent)
                if r is None:
                    return  # a dependency is still running
                results[parent] = r
            if not _eval_depends(ctx, tree, results):
                return terminal(OMITTED, message="omitted: depends condition not met")
    scope = _task_scope(ctx, name)
    when = task.get("when", "")
    expands = bool(task.get("withItems") is not None or task.get("withParam"))
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
    fields = {k: task[k] for k in ("arguments", "withItems", "withParam") if k in task}
    if resolved:
        fields = substitute_value(fields, scope)
    if task.get("withItems") is not None:
        items = fields["withItems"]
    elif task.get("withParam"):
        try:
            items = parse_items(fields["withParam"])
        except ValueError:
            try:
                must = evaluate(when)
            except WhenError:
                must = True
            if must:
                return terminal(ERROR, message="withParam value could not be parsed as a JSON list")
            items = []
    else:
        items = None
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


def _check_modelled(task: dict) -> None:
    for key in ("withSequence", "inline"):
        if task.get(key):
            raise NotModelledError(f"task {task['name']!r}: {key} is not modelled")


def _assess(ctx: DagContext, targets: list[str]) -> str:
    """dag.go assessDAGPhase: a breadth-first walk of the node graph from the DAG's node.

    An omitted or skipped node did not complete, so it carries the phase of the branch that
    reached it: an omitted leaf under a failed task counts as failed, and fails the DAG.
    """
    eng = ctx.eng
    target_ids = {f"{ctx.boundary}.{t}": t for t in targets}
    phases = dict.fromkeys(target_ids, "")
    queue = [(c, SUCCEEDED) for c in eng.nodes[ctx.boundary].children]
    seen = set(queue)
    while queue:
        nid, branch = queue.pop(0)
        node = eng.nodes.get(nid)
        if node is None:
            return RUNNING
        if not node.fulfilled:
            return RUNNING
        if node.completed:
            branch = node.phase
        if nid in phases and phases[nid] not in (FAILED, ERROR):
            phases[nid] = branch
        kids = eng.nodes.retry_children(node) if node.type == "Retry" else node.children
        for kid in kids:
            if (kid, branch) not in seen:  # phase_node.go: once per node and branch phase
                seen.add((kid, branch))
                queue.append((kid, branch))
    fail_fast = ctx.tmpl["dag"].get("failFast", True) is not False
    result = SUCCEEDED
    for target in targets:
        branch = phases[f"{ctx.boundary}.{target}"]
        if branch == "":
            result = RUNNING
            if not fail_fast:
                break
        elif branch in (FAILED, ERROR):
            cont = ctx.tasks[target].get("continueOn") or {}
            if (branch == FAILED and cont.get("failed")) or (branch == ERROR and cont.get("error")):
                continue
            result = branch
            if fail_fast:
                break
    return result


def _dag_outputs(ctx: DagContext) -> dict[str, Any]:
    """A DAG template's output parameters taken from its tasks (valueFrom.parameter)."""
    declared = (ctx.tmpl.get("outputs") or {}).get("parameters") or []
    if not declared:
        return {}
    scope = dict(ctx.local)
    for task in ctx.tasks:
        node = ctx.node(task)
        if node is not None:
            scope.update(node_tags(f"tasks.{task}", ctx.eng.nodes, node))
    params = {}
    for param in declared:
        source = (param.get("valueFrom") or {}).get("parameter")
        if source is None:
            raise NotModelledError(
                f"DAG output parameter {param['name']!r} without valueFrom.parameter is not modelled"
            )
        params[param["name"]] = substitute(source, scope)
    return {"parameters": params}
