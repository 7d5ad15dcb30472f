"""How a DAG's tasks and the DAG itself end, following workflow/controller/dag.go
(evaluateDependsLogic, assessDAGPhase) and workflow/common/ancestry.go (expandDependency), and
what Argo refuses in a DAG before running it (validate.go)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gp.compile import depends as dep
from gp.errors import SimulationError
from gp.simulate.aggregate import aggregate, template_outputs
from gp.simulate.model import ERROR, FAILED, OMITTED, RUNNING, SKIPPED, SUCCEEDED
from gp.simulate.nodes import node_tags

if TYPE_CHECKING:
    from gp.simulate.dag import DagContext


def check_style(template: str, tasks) -> None:
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


def leaves(ctx: DagContext) -> list[str]:
    """The tasks no other task depends on: the DAG's targets when it names none."""
    leaf = dict.fromkeys(ctx.tasks, True)
    for task in ctx.tasks:
        for parent in ctx.dependencies(task):
            leaf[parent] = False
    return sorted(t for t, is_leaf in leaf.items() if is_leaf)  # dag.go sorts the targets


def results(ctx: DagContext, task: str) -> dict[str, bool] | None:
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


def eval_depends(ctx: DagContext, tree: dep.Expr, results: dict[str, dict[str, bool]]) -> bool:
    if isinstance(tree, dep.Not):
        return not eval_depends(ctx, tree.operand, results)
    if isinstance(tree, dep.BinOp):
        left = eval_depends(ctx, tree.left, results)
        if tree.op == "&&":
            return left and eval_depends(ctx, tree.right, results)
        return left or eval_depends(ctx, tree.right, results)
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


def assess(ctx: DagContext, targets: list[str]) -> str:
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


def dag_outputs(ctx: DagContext) -> dict[str, Any]:
    """A DAG template's output parameters taken from its tasks (valueFrom.parameter), with a
    fan-out's outputs aggregated first (which raises AggregateError as Argo errors the DAG)."""
    scope = dict(ctx.local)
    for task in ctx.tasks:
        node = ctx.node(task)
        if node is None:
            continue
        if node.type == "TaskGroup":
            kids = [ctx.eng.nodes[c] for c in node.children if c in ctx.eng.nodes.by_name]
            scope.update(aggregate(f"tasks.{task}", kids))
        scope.update(node_tags(f"tasks.{task}", ctx.eng.nodes, node))
    return template_outputs(ctx.tmpl, scope)
