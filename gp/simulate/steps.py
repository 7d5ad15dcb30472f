"""Steps templates, following workflow/controller/steps.go (executeSteps, executeStepGroup,
expandStepGroup): groups run in sequence, the steps of a group in parallel; a group fails when a
step failed or errored without continueOn, and then the template fails."""

from __future__ import annotations

from typing import Any

from gp.simulate.aggregate import AggregateError, aggregate, template_outputs
from gp.simulate.engine import Engine, Opts
from gp.simulate.model import ERROR, FAILED, RUNNING, SKIPPED, SUCCEEDED
from gp.simulate.nodes import SimNode, node_tags
from gp.simulate.scope import fan_out_items, item_scope, substitute, substitute_value
from gp.simulate.when import WhenError, evaluate

_EXPANDED = ("when", "arguments", "withItems", "withParam", "withSequence")


def execute_steps(
    eng: Engine, name: str, tmpl: dict, scope: Any, inputs: dict[str, str], opts: Opts
) -> SimNode:
    node = eng.nodes.get(name) or eng.new_node(name, "Steps", RUNNING, opts)
    local = {**eng.globals, **inputs}
    for i, group in enumerate(tmpl.get("steps") or []):
        sg_name = f"{name}[{i}]"
        sg = eng.nodes.get(sg_name)
        if sg is None:
            sg = eng.new_node(sg_name, "StepGroup", RUNNING, Opts(boundary=name, display=f"[{i}]"))
        if i == 0:
            eng.nodes.add_child(name, sg_name)
        else:
            prev = eng.nodes[f"{name}[{i - 1}]"]
            if not prev.children:
                eng.nodes.add_child(prev.name, sg_name)
            for child in prev.children:
                for out in eng.nodes.outbound(child):
                    eng.nodes.add_child(out, sg_name)
        sg = _execute_group(eng, group, sg, scope, local, name)
        if not sg.fulfilled:
            return node
        if sg.failed_or_error:
            _outbound(eng, node, tmpl)
            return eng.mark(node, FAILED, sg.message)
        try:
            local.update(_group_tags(eng, group, sg))
        except AggregateError as e:  # steps.go: the template errors, the group stays done
            _outbound(eng, node, tmpl)
            return eng.mark(node, ERROR, str(e))
    _outbound(eng, node, tmpl)
    try:
        node.outputs = template_outputs(tmpl, local)
        eng.export(tmpl, node.outputs)
    except AggregateError as e:
        return eng.mark(node, ERROR, str(e))
    return eng.mark(node, SUCCEEDED)


def _group_tags(eng: Engine, group: list[dict], sg: SimNode) -> dict[str, str]:
    """What the next groups may read of this one: each step's outputs, a fan-out's aggregated."""
    tags: dict[str, str] = {}
    for step in group:
        prefix = f"steps.{step['name']}"
        child = eng.nodes.get(f"{sg.name}.{step['name']}")
        if child is not None:
            tags.update(node_tags(prefix, eng.nodes, child))
            continue
        items = [
            eng.nodes[c]
            for c in sg.children
            if c.startswith(f"{sg.name}.{step['name']}(") and eng.nodes[c].type != "Skipped"
        ]
        if items:
            tags.update(aggregate(prefix, items))
        tags[f"{prefix}.status"] = sg.phase
    return tags


def _outbound(eng: Engine, node: SimNode, tmpl: dict) -> None:
    for i in range(len(tmpl.get("steps") or []) - 1, -1, -1):
        last = eng.nodes.get(f"{node.name}[{i}]")
        if last is not None:
            node.outbound = [o for c in last.children for o in eng.nodes.outbound(c)]
            return


def _expand(
    eng: Engine, group: list[dict], sg: SimNode, local: dict[str, str], boundary: str
) -> list[tuple[str, dict, str, dict]] | str:
    """expandStepGroup: each step, or each item of a fan-out, with its `when` and arguments
    substituted; the error text when a fan-out's items cannot be read."""
    expanded: list[tuple[str, dict, str, dict]] = []
    for step in group:
        fields = substitute_value({k: step[k] for k in _EXPANDED if k in step}, local)
        items = fan_out_items(fields)
        if items is None:
            expanded.append(
                (step["name"], step, fields.get("when", ""), fields.get("arguments") or {})
            )
            continue
        if isinstance(items, str):
            try:
                must = evaluate(fields.get("when", ""))
            except WhenError:
                must = True
            if must:
                return items
            items = []
        if not items:
            child = f"{sg.name}.{step['name']}"
            if eng.nodes.get(child) is None:
                eng.new_node(
                    child,
                    "Skipped",
                    SKIPPED,
                    Opts(boundary=boundary, display=step["name"]),
                    message="Skipped, empty params",
                )
                eng.nodes.add_child(sg.name, child)
            continue
        for i, item in enumerate(items):
            tags, desc = item_scope(item)
            expanded.append(
                (
                    f"{step['name']}({i}:{desc})",
                    step,
                    substitute(fields.get("when", ""), tags),
                    substitute_value(fields.get("arguments") or {}, tags),
                )
            )
    return expanded


def _execute_group(
    eng: Engine, group: list[dict], sg: SimNode, scope: Any, local: dict[str, str], boundary: str
) -> SimNode:
    if sg.fulfilled and all(eng.nodes[c].fulfilled for c in sg.children):
        return sg
    expanded = _expand(eng, group, sg, local, boundary)
    if isinstance(expanded, str):
        return eng.mark(sg, ERROR, expanded)
    for display, step, when, args in expanded:
        child_name = f"{sg.name}.{display}"
        try:
            proceed = evaluate(when)
        except WhenError as e:
            eng.new_node(
                child_name,
                "Skipped",
                ERROR,
                Opts(boundary=boundary, display=display),
                message=str(e),
            )
            eng.nodes.add_child(sg.name, child_name)
            return eng.mark(sg, ERROR, str(e))
        if not proceed:
            if eng.nodes.get(child_name) is None:
                eng.new_node(
                    child_name,
                    "Skipped",
                    SKIPPED,
                    Opts(boundary=boundary, display=display),
                    message=f"when '{when}' evaluated false",
                )
                eng.nodes.add_child(sg.name, child_name)
            continue
        eng.execute_template(
            child_name,
            step,
            scope,
            eng.templates.arguments(args),
            local,
            Opts(boundary=boundary, display=display),
        )
        eng.nodes.add_child(sg.name, child_name)
    steps_of = {f"{sg.name}.{d}": s for d, s, _, _ in expanded}
    complete = True
    for child_name in list(sg.children):
        child = eng.nodes[child_name]
        step = steps_of.get(child_name, {})
        if not child.fulfilled:
            complete = False
        elif child.completed:
            hook = eng.run_exit_hook(
                step,
                child,
                scope,
                local | node_tags(f"steps.{step.get('name')}", eng.nodes, child),
                boundary,
                f"steps.{step.get('name')}",
            )
            if hook is not None and not hook.fulfilled:
                complete = False
    if not complete:
        return eng.mark(sg, RUNNING) if sg.fulfilled else sg
    for child_name in sg.children:
        child = eng.nodes[child_name]
        cont = steps_of.get(child_name, {}).get("continueOn") or {}
        if child.failed_or_error and not (
            (child.phase == FAILED and cont.get("failed"))
            or (child.phase == ERROR and cont.get("error"))
        ):
            return eng.mark(sg, FAILED, f"child '{child_name}' failed")
    return eng.mark(sg, SUCCEEDED)
