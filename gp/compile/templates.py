"""Templates and their short forms: `step`, explicit `container "N"`/`dag "N"`/`steps "N"`/...,
and `parameter "x"` as an input parameter.

A `step "NAME"` (in a workflow body, a `dag` or a `steps` template) makes a task or step NAME and,
when it holds its own body (container, script, ...), a template NAME too. Fields are routed by
schema: DAG task / workflow step fields go to the task, template fields to the template.

`steps "NAME"` holds its groups in order: each `step "X" {}` directly inside is a group of one, and
`parallel { step "A" {} step "B" {} }` is one group whose steps run at the same time.
"""

from __future__ import annotations

from typing import Any

from gp.compile.body import compile_attrs, compile_block_into, describe, labelled_body, unknown
from gp.compile.context import Ctx, Path, quote
from gp.compile.schema import SchemaNode, dag_task, template, workflow_step
from gp.compile.values import convert
from gp.config.model import Attr, Block

BODY_KINDS = (
    "container",
    "script",
    "resource",
    "suspend",
    "http",
    "container_set",
    "data",
    "plugin",
)
EXPLICIT_TEMPLATES = (
    "container",
    "script",
    "resource",
    "suspend",
    "http",
    "dag",
    "steps",
    "template",
)
TASK_SOURCES = ("template", "template_ref", "inline")
STEP_SHORT_FORMS = ("parameter", *BODY_KINDS)


def input_parameter_node() -> SchemaNode:
    inputs = template().field("inputs")
    assert inputs and inputs.child
    params = inputs.child.field("parameters")
    assert params and params.child
    return params.child


def add_input_parameter(block: Block, tmpl: dict, ctx: Ctx, path: Path) -> None:
    params = tmpl.setdefault("inputs", {}).setdefault("parameters", [])
    sub = (*path, "inputs", "parameters", len(params))
    ctx.mark(sub, block.pos)
    params.append(labelled_body(block, input_parameter_node(), ctx, sub))


def arguments_value(attr: Attr, node: SchemaNode, ctx: Ctx, path: Path) -> Any:
    """`arguments = { tile = "x" }` is the map form of arguments.parameters.

    A value whose keys are all Argo's own (parameters, artifacts) is taken as written instead.
    """
    f = node.field("arguments")
    assert f and f.child
    value = attr.value
    if isinstance(value, dict) and value and not set(value) <= {"parameters", "artifacts"}:
        value = {"parameters": value}
    return convert(value, f, attr.pos, ctx, (*path, "arguments"))


def one_label(block: Block, ctx: Ctx) -> str:
    if len(block.labels) != 1:
        ctx.error(f"block {quote(block.type)} needs exactly one label, its name", block.pos)
        return block.labels[0] if block.labels else ""
    return block.labels[0]


class TemplateSink:
    """Where templates made along the way go: the spec's template list, in order."""

    def __init__(self, templates: list[dict], path: Path):
        self.templates = templates
        self.path = path
        # Indices of templates written as `template "NAME" {}`: Argo's schema as is, so a DAG's
        # deprecated `dependencies` stays as written there (the short forms make it `depends`).
        self.verbatim: set[int] = set()

    def reserve(self, ctx: Ctx, pos) -> tuple[dict, Path]:
        tmpl: dict = {}
        sub = (*self.path, len(self.templates))
        self.templates.append(tmpl)
        ctx.mark(sub, pos)
        return tmpl, sub


def compile_step(
    block: Block, task_node: SchemaNode, ctx: Ctx, task_path: Path, sink: TemplateSink
) -> dict:
    """A step/task block; makes its own template in ``sink`` when it holds a body."""
    name = one_label(block, ctx)
    ctx.mark(task_path, block.pos)
    ctx.mark((*task_path, "name"), block.pos)
    task: dict[str, Any] = {"name": name}
    bodies = [b.type for b in block.blocks if b.type in BODY_KINDS] + [
        n for n in BODY_KINDS if n in block.attrs
    ]
    sources = [n for n in TASK_SOURCES if n in block.attrs] + [
        b.type for b in block.blocks if b.type in TASK_SOURCES
    ]
    if len(bodies) + len(sources) != 1:
        kinds = ", ".join(BODY_KINDS[:5])
        ctx.error(
            f"{describe(block)} must hold exactly one of {kinds}, template or template_ref",
            block.pos,
        )
    tmpl, tmpl_path = (None, None)
    if bodies:
        tmpl, tmpl_path = sink.reserve(ctx, block.pos)
        tmpl["name"] = name
        task["template"] = name
    tnode, where = template(), describe(block)
    extra = STEP_SHORT_FORMS
    for attr in block.attrs.values():
        if attr.name == "name":
            ctx.error(f"{where} is named by its label; remove the name attribute", attr.pos)
        elif attr.name == "arguments" and task_node.field("arguments"):
            task["arguments"] = arguments_value(attr, task_node, ctx, task_path)
        elif task_node.lookup(attr.name):
            compile_attrs([attr], task_node, ctx, task_path, where, task)
        elif tnode.lookup(attr.name):
            if tmpl is None:
                ctx.error(_needs_body(attr.name, where), attr.pos)
            else:
                compile_attrs([attr], tnode, ctx, tmpl_path, where, tmpl)
        else:
            closest = task_node.closest(attr.name, [*tnode.fields, *extra])
            ctx.error(unknown("field", attr.name, where, closest), attr.pos)
    for sub in block.blocks:
        if sub.type == "parameter" or tnode.field(sub.type) or tnode.repeated(sub.type):
            if tmpl is None:
                ctx.error(_needs_body(sub.type, where), sub.pos)
            elif sub.type == "parameter":
                add_input_parameter(sub, tmpl, ctx, tmpl_path)
            else:
                compile_block_into(sub, tnode, ctx, tmpl_path, tmpl, where)
        else:
            compile_block_into(sub, task_node, ctx, task_path, task, where, [*tnode.fields, *extra])
    return task


def _needs_body(name: str, where: str) -> str:
    return f"{quote(name)} is a template field, but {where} reuses another template; give it its own body"


def compile_template(block: Block, ctx: Ctx, sink: TemplateSink) -> None:
    """An explicit template block: `container "N" {}`, `dag "N" {}`, `template "N" {}`, ..."""
    name = one_label(block, ctx)
    tmpl, path = sink.reserve(ctx, block.pos)
    tmpl["name"] = name
    ctx.mark((*path, "name"), block.pos)
    if block.type == "template":
        sink.verbatim.add(path[-1])
        _template_body(block.attrs.values(), block.blocks, tmpl, ctx, path, sink, describe(block))
        return
    inner = template().field(block.type)
    assert inner is not None
    inner_path = (*path, inner.argo_name)
    ctx.mark(inner_path, block.pos)
    outer_attrs, outer_blocks = [], []
    where = describe(block)
    if block.type == "steps":
        groups: list = []
        tmpl["steps"] = groups
        outer_blocks = _steps_groups(block.blocks, groups, ctx, inner_path, sink)
        outer_attrs = list(block.attrs.values())
    else:
        inner_out: dict = {}
        tmpl[inner.argo_name] = inner_out
        assert inner.child is not None
        for attr in block.attrs.values():
            if inner.child.lookup(attr.name) and attr.name != "name":
                compile_attrs([attr], inner.child, ctx, inner_path, where, inner_out)
            else:
                outer_attrs.append(attr)
        for sub in block.blocks:
            if block.type == "dag" and sub.type in ("task", "step"):
                tasks = inner_out.setdefault("tasks", [])
                tasks.append(
                    compile_step(sub, dag_task(), ctx, (*inner_path, "tasks", len(tasks)), sink)
                )
            elif sub.type != "parameter" and (
                inner.child.field(sub.type) or inner.child.repeated(sub.type)
            ):
                compile_block_into(sub, inner.child, ctx, inner_path, inner_out, where)
            else:
                outer_blocks.append(sub)
    inner_names = list(inner.child.fields) if inner.child else []
    _template_body(outer_attrs, outer_blocks, tmpl, ctx, path, sink, where, inner_names)


def _template_body(
    attrs, blocks, tmpl: dict, ctx: Ctx, path: Path, sink: TemplateSink, where: str, inner_names=()
) -> None:
    tnode = template()
    extra = ("parameter", *inner_names)
    named = [a for a in attrs if a.name == "name"]
    for attr in named:
        ctx.error(f"{where} is named by its label; remove the name attribute", attr.pos)
    compile_attrs([a for a in attrs if a.name != "name"], tnode, ctx, path, where, tmpl, extra)
    for sub in blocks:
        if sub.type == "parameter":
            add_input_parameter(sub, tmpl, ctx, path)
        elif sub.type == "dag" and not sub.labels:
            dag: dict = tmpl.setdefault("dag", {})
            ctx.mark((*path, "dag"), sub.pos)
            dag_node = tnode.field("dag").child  # type: ignore[union-attr]
            for b in sub.blocks:
                if b.type in ("task", "step"):
                    tasks = dag.setdefault("tasks", [])
                    tasks.append(
                        compile_step(b, dag_task(), ctx, (*path, "dag", "tasks", len(tasks)), sink)
                    )
                else:
                    compile_block_into(b, dag_node, ctx, (*path, "dag"), dag, describe(sub))
            compile_attrs(sub.attrs.values(), dag_node, ctx, (*path, "dag"), describe(sub), dag)
        elif sub.type == "steps" and not sub.labels:
            groups = tmpl.setdefault("steps", [])
            ctx.mark((*path, "steps"), sub.pos)
            for extra in _steps_groups(sub.blocks, groups, ctx, (*path, "steps"), sink):
                ctx.error(unknown("block", extra.type, describe(sub), None), extra.pos)
            for attr in sub.attrs.values():
                ctx.error(unknown("field", attr.name, describe(sub), None), attr.pos)
        else:
            compile_block_into(sub, tnode, ctx, path, tmpl, where, extra)


def _steps_groups(
    blocks: list[Block], groups: list, ctx: Ctx, path: Path, sink: TemplateSink
) -> list[Block]:
    """Fill ``groups`` from `step` and `parallel` blocks; return the other blocks."""
    rest = []
    for sub in blocks:
        if sub.type == "step":
            gpath = (*path, len(groups))
            groups.append([compile_step(sub, workflow_step(), ctx, (*gpath, 0), sink)])
        elif sub.type == "parallel":
            gpath = (*path, len(groups))
            ctx.mark(gpath, sub.pos)
            group: list = []
            groups.append(group)
            for b in sub.blocks:
                if b.type != "step":
                    ctx.error(f"parallel holds only step blocks, not {quote(b.type)}", b.pos)
                    continue
                group.append(compile_step(b, workflow_step(), ctx, (*gpath, len(group)), sink))
            for attr in sub.attrs.values():
                ctx.error(
                    f"parallel holds only step blocks, not the attribute {quote(attr.name)}",
                    attr.pos,
                )
        else:
            rest.append(sub)
    return rest
