"""The short forms of a WorkflowSpec and a CronWorkflowSpec, used only where they are exact.

- `step "X" {}` blocks: the entrypoint is a DAG template `main` holding nothing but tasks, and
  every task runs a template of its own name whose body is a container, script, resource,
  suspend, http, container set or data template.
- `parameter "x" {}` blocks for `arguments` that hold only parameters.
- `template "NAME" {}` blocks for the other templates, with `dag { task "X" {} }` and
  `steps { step "X" {} parallel { ... } }` inside.
- A cron's `schedule`/`schedules`, its `workflow_template` reference and `arguments` map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gp.compile import schema
from gp.importer.by_schema import attrs_first, model_items, to_value
from gp.importer.hcl_writer import HclAttr, HclBlock, Raw
from gp.importer.short_forms import explicit_block, inlinable, own_step

STEP_BODIES = ("container", "script", "resource", "suspend", "http", "containerSet", "data")
IMPLICIT_DAG = "main"


def workflow_spec_items(
    spec: dict, where: str = "spec", short: bool = True
) -> list[HclAttr | HclBlock]:
    """``short``: gp's short forms where they compile to the same object (short_forms.py)."""
    node = schema.workflow_spec()
    steps = _implicit_dag_steps(spec, where)
    skip = {"templates", "arguments"}
    if steps is not None:
        skip.add("entrypoint")
    items = model_items(spec, node, skip=skip, where=where)
    items += _arguments_items(spec, where)
    templates = spec.get("templates")
    if isinstance(templates, list):
        inlined = {s.labels[0] for s in steps} | {IMPLICIT_DAG} if steps else set()
        own = inlinable(spec) - inlined if short and _named_dicts(templates) else set()
        by_name = {t["name"]: (i, t) for i, t in enumerate(templates)} if own or short else {}
        ctx = _Short(own, by_name, where, short)
        if steps:
            items += steps
        for i, t in enumerate(templates):
            if t.get("name") in inlined or t.get("name") in own:
                continue
            explicit = explicit_block(t, f"{where}.templates[{i}]") if short else None
            items.append(explicit or template_block(t, f"{where}.templates[{i}]", ctx))
    elif templates is not None:
        items.append(
            HclAttr(
                "templates",
                to_value(templates, node.by_argo_name("templates"), f"{where}.templates"),
            )
        )
    return attrs_first(items)


def _arguments_items(spec: dict, where: str) -> list[HclAttr | HclBlock]:
    if "arguments" not in spec:
        return []
    args = spec["arguments"]
    node = schema.workflow_spec()
    f = node.by_argo_name("arguments")
    assert f is not None
    params = args.get("parameters") if isinstance(args, dict) else None
    if isinstance(args, dict) and set(args) == {"parameters"} and _named_dicts(params):
        param_node = f.child.by_argo_name("parameters").child  # type: ignore[union-attr]
        return [
            HclBlock(
                "parameter",
                (p["name"],),
                model_items(
                    p, param_node, skip=("name",), where=f"{where}.arguments.parameters[{i}]"
                ),
            )
            for i, p in enumerate(params)
        ]
    return model_items({"arguments": args}, node, where=where)


class _Short:
    """The templates written inside the step that runs them, and where each one is."""

    def __init__(
        self, own: set[str], by_name: dict[str, tuple[int, dict]], where: str, enabled: bool
    ):
        self.own, self.by_name, self.where = own, by_name, where
        self.enabled = enabled  # the short forms at all

    def block(self, block_type: str, item: dict, node: Any, task_where: str) -> HclBlock:
        name = item.get("template")
        if name in self.own:
            i, tmpl = self.by_name[name]
            return own_step(
                block_type, item, tmpl, node, f"{self.where}.templates[{i}]", task_where
            )
        return _task_block(block_type, item, node, task_where)


_LONG = _Short(set(), {}, "", False)


def template_block(tmpl: dict, where: str, short: _Short = _LONG) -> HclBlock:
    """`template "NAME" {}`: template fields by schema, a DAG's tasks and steps' groups as blocks."""
    node = schema.template()
    body = model_items(tmpl, node, skip=("name", "dag", "steps"), where=where)
    if isinstance(tmpl.get("dag"), dict) and _named_dicts(tmpl["dag"].get("tasks", [])):
        dag = tmpl["dag"]
        dag_node = node.by_argo_name("dag").child  # type: ignore[union-attr]
        dag_body = model_items(dag, dag_node, skip=("tasks",), where=f"{where}.dag")
        dag_body += [
            short.block("task", t, schema.dag_task(), f"{where}.dag.tasks[{i}]")
            for i, t in enumerate(dag.get("tasks", []))
        ]
        body.append(HclBlock("dag", (), dag_body))
    elif "dag" in tmpl:
        body += model_items({"dag": tmpl["dag"]}, node, where=where)
    steps = tmpl.get("steps")
    if isinstance(steps, list) and all(isinstance(g, list) and _named_dicts(g) for g in steps):
        body.append(
            HclBlock(
                "steps",
                (),
                [_step_group(g, f"{where}.steps[{i}]", short) for i, g in enumerate(steps)],
            )
        )
    elif steps is not None:
        body.append(HclAttr("steps", to_value(steps, node.by_argo_name("steps"), f"{where}.steps")))
    if short.enabled:
        named = _named_block(tmpl, body)
        if named is not None:
            return named
    return HclBlock("template", (tmpl.get("name", ""),), attrs_first(body))


def _named_block(tmpl: dict, body: list[HclAttr | HclBlock]) -> HclBlock | None:
    """`dag "NAME" {}` / `steps "NAME" {}`: the inner block's contents beside the template's
    fields, when no name means both (a dag's `target`, say, is the dag's)."""
    inner = [b for b in body if isinstance(b, HclBlock) and b.type in ("dag", "steps")]
    if len(inner) != 1 or "dependencies" in str(tmpl.get("dag")):
        return None
    (block,) = inner
    kind = block.type
    if kind == "dag":
        dag_fields = {
            f.argo_name for f in schema.template().by_argo_name("dag").child.fields.values()
        }  # type: ignore[union-attr]
        if {k for k in tmpl if k not in ("name", "dag")} & (dag_fields | {"task", "step"}):
            return None
    rest = [b for b in body if b is not block]
    return HclBlock(kind, (tmpl.get("name", ""),), attrs_first([*block.body, *rest]))


def _step_group(group: list[dict], where: str, short: _Short) -> HclBlock:
    if len(group) == 1:
        return short.block("step", group[0], schema.workflow_step(), f"{where}[0]")
    return HclBlock(
        "parallel",
        (),
        [
            short.block("step", s, schema.workflow_step(), f"{where}[{i}]")
            for i, s in enumerate(group)
        ],
    )


def _task_block(block_type: str, task: dict, node: schema.SchemaNode, where: str) -> HclBlock:
    return HclBlock(
        block_type, (task["name"],), task_items(task, node, skip=("name",), where=where)
    )


def task_items(
    task: dict, node: schema.SchemaNode, skip: tuple[str, ...], where: str = ""
) -> list[HclAttr | HclBlock]:
    """A DAG task's or step's fields, with `arguments = { name = "value" }` where it fits."""
    # The template a task runs reads best first.
    task = {"template": task["template"], **task} if "template" in task else task
    args_map = _arguments_map(task["arguments"]) if "arguments" in task else None
    if args_map is None:
        return model_items(task, node, skip=skip, where=where)
    items = model_items(task, node, skip=(*skip, "arguments"), where=where)
    return attrs_first([*items[:1], HclAttr("arguments", args_map), *items[1:]])


def _implicit_dag_steps(spec: dict, where: str) -> list[HclBlock] | None:
    """`step` blocks for the implicit DAG, or None when the spec does not have that shape."""
    templates = spec.get("templates")
    if (
        spec.get("entrypoint") != IMPLICIT_DAG
        or not isinstance(templates, list)
        or not _named_dicts(templates)
    ):
        return None
    by_name = {t["name"]: t for t in templates}
    if len(by_name) != len(templates):
        return None
    main = by_name.get(IMPLICIT_DAG)
    if (
        not main
        or set(main) != {"name", "dag"}
        or not isinstance(main["dag"], dict)
        or set(main["dag"]) != {"tasks"}
    ):
        return None
    tasks = main["dag"]["tasks"]
    if not tasks or not _named_dicts(tasks):
        return None
    # `step` turns `dependencies` into `depends`; Argo's own list is kept by `template` blocks.
    if any("dependencies" in t for t in tasks):
        return None
    index = {t["name"]: i for i, t in enumerate(templates)}
    steps = []
    for j, task in enumerate(tasks):
        tmpl = by_name.get(task["name"])
        if task.get("template") != task["name"] or tmpl is None or task["name"] == IMPLICIT_DAG:
            return None
        if "templateRef" in task or "inline" in task or not _simple_body(tmpl):
            return None
        body = model_items(
            tmpl,
            schema.template(),
            skip=("name",),
            where=f"{where}.templates[{index[task['name']]}]",
        )
        body += task_items(
            task,
            schema.dag_task(),
            skip=("name", "template"),
            where=f"{where}.templates[{index[IMPLICIT_DAG]}].dag.tasks[{j}]",
        )
        steps.append(HclBlock("step", (task["name"],), attrs_first(body)))
    return steps


def _simple_body(tmpl: dict) -> bool:
    kinds = [k for k in STEP_BODIES if k in tmpl]
    return (
        len(kinds) == 1
        and isinstance(tmpl[kinds[0]], dict)
        and "dag" not in tmpl
        and "steps" not in tmpl
    )


def _named_dicts(items: Any) -> bool:
    return isinstance(items, list) and all(
        isinstance(i, dict) and isinstance(i.get("name"), str) for i in items
    )


def cron_items(
    spec: dict, template_ref: Callable[[dict], Raw | None], short: bool = True
) -> list[HclAttr | HclBlock]:
    node = schema.cron_workflow_spec()
    items: list[HclAttr | HclBlock] = []
    if "schedule" in spec:
        items.append(HclAttr("schedule", spec["schedule"]))
    items += model_items(spec, node, skip=("schedule", "workflowSpec"), where="spec")
    wf = spec.get("workflowSpec")
    if isinstance(wf, dict):
        items += _cron_workflow(wf, template_ref, short)
    elif wf is not None:
        items.append(HclAttr("workflow_spec", wf))
    return attrs_first(items)


def _cron_workflow(
    wf: dict, template_ref: Callable[[dict], Raw | None], short: bool = True
) -> list[HclAttr | HclBlock]:
    """`workflow_template = workflow_template.X` and `arguments = {...}`, else a workflow_spec block."""
    ref = wf.get("workflowTemplateRef")
    raw = (
        template_ref(ref)
        if isinstance(ref, dict) and set(wf) <= {"workflowTemplateRef", "arguments"}
        else None
    )
    args = wf.get("arguments")
    args_map = _arguments_map(args) if args is not None else {}
    if raw is not None and args_map is not None:
        items: list[HclAttr | HclBlock] = [HclAttr("workflow_template", raw)]
        if args_map:
            items.append(HclAttr("arguments", args_map))
        return items
    return [HclBlock("workflow_spec", (), workflow_spec_items(wf, "spec.workflowSpec", short))]


def _arguments_map(args: Any) -> dict | None:
    """``{ name = "value" }`` for arguments that are only plain string parameters, else None."""
    if (
        not isinstance(args, dict)
        or set(args) != {"parameters"}
        or not _named_dicts(args["parameters"])
    ):
        return None
    params = args["parameters"]
    if not all(set(p) == {"name", "value"} and isinstance(p["value"], str) for p in params):
        return None
    names = [p["name"] for p in params]
    if len(set(names)) != len(names) or set(names) <= {"parameters", "artifacts"}:
        return None
    return {p["name"]: p["value"] for p in params}
