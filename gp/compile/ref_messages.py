"""Why a `{{...}}` does not resolve, in words: what the template, step or task has instead."""

from __future__ import annotations

from dataclasses import dataclass, field

from gp.compile.argo_vars import ALWAYS_GLOBAL, TemplateFacts, loops
from gp.compile.context import quote
from gp.suggest import did_you_mean

HCL_TYPE = {"containerSet": "container_set"}
RESULT_TYPES = (
    'container, script, data, http and plugin templates, and container sets with a "main" container'
)


@dataclass
class Where:
    """The place a tag sits: a template's body or outputs, or one of its steps or tasks."""

    template: TemplateFacts
    part: str = "body"  # "body", "node" (a step or task), "outputs" or "target"
    node: str | None = None  # the step or task holding the tag
    item: dict | None = None  # that step or task
    nodes: dict[str, TemplateFacts | None] | None = (
        None  # every step/task of the template: what it runs
    )
    seen: set[str] | None = None  # steps only: those before (and including) this one


@dataclass
class Globals:
    """What the spec declares at its top, for messages about `workflow.…`."""

    parameters: tuple[str, ...] = ()
    global_params: set[str] = field(default_factory=set)
    global_artifacts: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    annotations: set[str] = field(default_factory=set)


def _type(facts: TemplateFacts) -> str:
    return HCL_TYPE.get(facts.type, facts.type) or "bodiless"


def explain(name: str, where: Where, g: Globals, certain: bool = True) -> str:
    parts = name.split(".")
    reason = {
        "inputs": _inputs,
        "item": _item,
        "tasks": _node,
        "steps": _node,
        "workflow": _workflow,
        "pod": _pod,
    }[parts[0]](parts, where, g)
    if not certain and parts[:2] == ["workflow", "parameters"]:
        reason += "; a workflow submitted from this template must pass it"
    return f"{{{{{name}}}}} {'does' if certain else 'may'} not resolve: {reason}"


def _inputs(parts: list[str], where: Where, g: Globals) -> str:
    t = where.template
    what = parts[1] if len(parts) > 1 else ""
    if what == "parameters" and len(parts) == 3:
        if not t.in_params:
            return f"{t.label} declares no input parameters"
        return f"{t.label} declares no input parameter {quote(parts[2])}{did_you_mean(parts[2], t.in_params)}"
    if what == "parameters" and len(parts) == 2:
        return f"{t.label} declares no input parameters"
    if what == "artifacts" and len(parts) in (3, 4) and parts[2] not in t.in_artifacts:
        return f"{t.label} declares no input artifact {quote(parts[2])}{did_you_mean(parts[2], t.in_artifacts)}"
    if what == "artifacts" and len(parts) == 4 and parts[3] == "path":
        return (
            f"an input artifact's path is known only in templates that run something, not in "
            f"{_type(t)} {t.label}"
        )
    return "Argo's inputs are inputs.parameters.NAME, inputs.artifacts.NAME and inputs.artifacts.NAME.path"


def _item(parts: list[str], where: Where, g: Globals) -> str:
    if where.item is None:
        return f"item is set only in a step or task that loops; pass the value to {where.template.label} as an argument"
    what = "step" if where.seen is not None else "task"
    item = where.item
    if not loops(item):
        return f"{what} {quote(str(where.node))} does not loop (no with_items, with_param or with_sequence)"
    if item.get("withSequence") is not None:
        return f"with_sequence gives {what} {quote(str(where.node))} numbers: use {{{{item}}}}"
    values = item.get("withItems") if isinstance(item.get("withItems"), list) else []
    keys = sorted({str(k) for v in values if isinstance(v, dict) for k in v})
    key = ".".join(parts[1:])
    if not keys:
        return f"the with_items values of {what} {quote(str(where.node))} are not maps: use {{{{item}}}}"
    return (
        f"the with_items values of {what} {quote(str(where.node))} have no key {quote(key)} "
        f"(they have {', '.join(keys)}){did_you_mean(key, keys)}"
    )


def _node(parts: list[str], where: Where, g: Globals) -> str:
    root = parts[0]
    what, holder = ("task", "DAG") if root == "tasks" else ("step", "steps")
    in_steps = where.seen is not None
    if where.nodes is None or in_steps != (root == "steps"):
        if where.part == "body" and where.nodes is None:
            return f"{root}.… is known only in a {holder} template; pass the value to {where.template.label} as an argument"
        return (
            f"{root}.… is known only in a {holder} template, and {where.template.label} is not one"
        )
    if len(parts) < 3:
        return f"write {root}.NAME.outputs.… (or .status, .id, ...)"
    node, rest = parts[1], parts[2:]
    if node not in where.nodes:
        return f"{holder} template {quote(where.template.name)} has no {what} {quote(node)}{did_you_mean(node, where.nodes)}"
    if in_steps and node not in (where.seen or ()):
        return (
            f"step {quote(node)} comes after step {quote(str(where.node))} in template "
            f"{quote(where.template.name)}; a step sees only the steps before it"
        )
    if in_steps and node == where.node and rest != ["status"]:
        return f"step {quote(node)} cannot read its own outputs (only its exit hook can)"
    if rest == ["status"]:
        if where.node is None:
            return "a task's status is known only to the tasks that depend on it (and to hooks)"
        return f"task {quote(where.node)} does not depend on task {quote(node)}; add it to depends to read its status"
    callee = where.nodes[node]
    assert callee is not None  # a step or task with an unknown template resolves anything
    runs = f"{what} {quote(node)} runs {callee.label}"
    if rest in (["outputs", "result"], ["exitCode"]):
        return f"{runs}, a {_type(callee)} template, which has no {'.'.join(rest)} (only {RESULT_TYPES} do)"
    if rest[:2] == ["outputs", "parameters"] and len(rest) == 3:
        if not callee.out_params:
            return f"{runs}, which declares no output parameters"
        return f"{runs}, which declares no output parameter {quote(rest[2])}{did_you_mean(rest[2], callee.out_params)}"
    if rest[:2] == ["outputs", "artifacts"] and len(rest) == 3:
        if not callee.out_artifacts:
            return f"{runs}, which declares no output artifacts"
        return f"{runs}, which declares no output artifact {quote(rest[2])}{did_you_mean(rest[2], callee.out_artifacts)}"
    if rest == ["outputs", "parameters"]:
        return (
            f"{what} {quote(node)} does not loop over with_items or with_param, so it has no list of "
            "outputs.parameters"
        )
    if rest == ["ip"]:
        return f"{runs}, which is not a daemon; only daemons have an ip"
    return f"Argo knows no {root}.{node}.{'.'.join(rest)}"


def _workflow(parts: list[str], where: Where, g: Globals) -> str:
    what = parts[1] if len(parts) > 1 else ""
    name = ".".join(parts[2:])
    if what == "parameters" and name:
        return f"no workflow parameter {quote(name)} is declared in arguments{did_you_mean(name, g.parameters)}"
    if what == "parameters":
        return "the workflow declares no parameters"
    if what == "outputs" and len(parts) > 3 and parts[2] in ("parameters", "artifacts"):
        kind = parts[2][:-1]
        declared = g.global_params if kind == "parameter" else g.global_artifacts
        return (
            f"no template of this workflow has an output {kind} with global_name {quote('.'.join(parts[3:]))}"
            f"{did_you_mean('.'.join(parts[3:]), declared)}"
        )
    if what == "priority":
        return "workflow.priority is set only when the workflow sets priority"
    if what == "failures":
        return "workflow.failures is set only in a workflow with an exit handler (on_exit)"
    if what in ("labels", "annotations") and name:
        known = g.labels if what == "labels" else g.annotations
        return (
            f"the workflow has no {what[:-1]} {quote(name)}{did_you_mean(name, known)}; Argo rejects it unless "
            "the controller's workflow defaults add one"
        )
    known = [
        *ALWAYS_GLOBAL,
        "workflow.parameters",
        "workflow.labels",
        "workflow.annotations",
        "workflow.creationTimestamp",
        "workflow.duration",
        "workflow.scheduledTime",
        "workflow.outputs",
    ]
    return f"Argo knows no workflow variable {quote('.'.join(parts))}{did_you_mean('.'.join(parts), known)}"


def _pod(parts: list[str], where: Where, g: Globals) -> str:
    if parts == ["pod", "name"]:
        return (
            f"pod.name is known only in templates that run a pod (container, script, resource, container_set, "
            f"data), not in {_type(where.template)} template {quote(where.template.name)}"
        )
    return "pod.name is the only pod variable"
