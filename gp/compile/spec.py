"""Workflow and cron specs: the top of a workflow_template body and of a cron_workflow body."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gp.compile.body import compile_attrs, compile_block_into, describe, labelled_body
from gp.compile.context import Ctx, Path, quote
from gp.compile.schema import cron_workflow_spec, dag_task, workflow_spec
from gp.compile.templates import (
    EXPLICIT_TEMPLATES,
    TemplateSink,
    arguments_value,
    compile_step,
    compile_template,
)
from gp.compile.values import is_ref
from gp.config.model import Attr, Block
from gp.errors import SourcePos

SPEC_SHORT_FORMS = ("step", "parameter", *EXPLICIT_TEMPLATES)
CLUSTER_TEMPLATE_KINDS = ("cluster_workflow_template", "ClusterWorkflowTemplate")


def compile_workflow_spec(
    attrs: Iterable[Attr], blocks: list[Block], ctx: Ctx, path: Path, where: str
) -> dict:
    node = workflow_spec()
    spec: dict = {}
    for attr in attrs:
        if attr.name == "arguments":
            spec["arguments"] = arguments_value(attr, node, ctx, path)
        else:
            compile_attrs([attr], node, ctx, path, where, spec, SPEC_SHORT_FORMS)
    templates = spec.setdefault("templates", [])
    sink = TemplateSink(templates, (*path, "templates"))
    steps = [b for b in blocks if b.type == "step"]
    main: dict = {}
    main_path: Path = ()
    if steps:
        main, main_path = sink.reserve(ctx, steps[0].pos)
        main.update({"name": "main", "dag": {"tasks": []}})
        spec.setdefault("entrypoint", "main")
    for b in blocks:
        if b.type == "step":
            tasks = main["dag"]["tasks"]
            tasks.append(
                compile_step(b, dag_task(), ctx, (*main_path, "dag", "tasks", len(tasks)), sink)
            )
        elif b.type == "parameter":
            _spec_parameter(b, spec, ctx, path)
        elif b.type in EXPLICIT_TEMPLATES and (b.labels or b.type != "suspend"):
            compile_template(b, ctx, sink)
        else:
            compile_block_into(b, node, ctx, path, spec, where, SPEC_SHORT_FORMS)
    _dependencies_to_depends(spec, ctx, path, sink.verbatim)
    return _spec_order(spec)


def _spec_parameter(block: Block, spec: dict, ctx: Ctx, path: Path) -> None:
    args_f = workflow_spec().field("arguments")
    params_f = args_f.child.field("parameters")  # type: ignore[union-attr]
    params = spec.setdefault("arguments", {}).setdefault("parameters", [])
    sub = (*path, "arguments", "parameters", len(params))
    ctx.mark(sub, block.pos)
    params.append(labelled_body(block, params_f.child, ctx, sub))  # type: ignore[union-attr]


def _spec_order(spec: dict) -> dict:
    """Entrypoint and arguments first, templates last: how Argo's own examples read."""
    if not spec.get("templates"):
        spec.pop("templates", None)
    head = {k: spec[k] for k in ("entrypoint", "arguments") if k in spec}
    rest = {k: v for k, v in spec.items() if k not in head and k != "templates"}
    tail = {"templates": spec["templates"]} if "templates" in spec else {}
    return {**head, **rest, **tail}


def _dependencies_to_depends(spec: dict, ctx: Ctx, path: Path, verbatim: set[int]) -> None:
    """`dependencies = [A, B]` becomes `depends = "A && B"`, so no DAG mixes the two forms.

    A `template "NAME" {}` block is Argo's schema as written: its DAG keeps `dependencies`
    unless another of its tasks uses `depends` (Argo rejects a DAG that mixes them).
    """
    for i, tmpl in enumerate(spec.get("templates") or []):
        tasks = (tmpl.get("dag") or {}).get("tasks") or []
        if i in verbatim and not any(isinstance(t, dict) and t.get("depends") for t in tasks):
            continue
        for j, task in enumerate(tasks):
            if "dependencies" not in task:
                continue
            task_path = (*path, "templates", i, "dag", "tasks", j)
            pos = ctx.pos_of((*task_path, "dependencies"))
            if "depends" in task:
                ctx.error(
                    f"task {quote(task.get('name', ''))} sets both depends and dependencies; use one",
                    pos,
                )
                continue
            deps = task["dependencies"]
            if not deps:  # `dependencies = []`, e.g. the root of a DAG written with dynamic blocks
                tasks[j] = {k: v for k, v in task.items() if k != "dependencies"}
                continue
            ctx.positions[(*task_path, "depends")] = pos
            tasks[j] = {
                k if k != "dependencies" else "depends": (
                    " && ".join(deps) if k == "dependencies" else v
                )
                for k, v in task.items()
            }


@dataclass
class CronRef:
    """What a cron's `workflow_template` points at: an object address, or a bare template name."""

    address: str | None
    name: str
    cluster: bool
    pos: SourcePos


def compile_cron_spec(
    block: Block, skip: set[str], ctx: Ctx, path: Path
) -> tuple[dict, CronRef | None]:
    node, where = cron_workflow_spec(), describe(block)
    spec: dict = {}
    wf: dict = {}
    wf_path = (*path, "workflowSpec")
    ref: CronRef | None = None
    # null means not set (a cron's `schedule = var.x` whose variable is null has no schedule).
    attrs = [a for a in block.attrs.values() if a.name not in skip and a.value is not None]
    if {"schedule", "schedules"} <= {a.name for a in attrs}:
        ctx.error("set schedule or schedules, not both", block.attrs["schedule"].pos)
    for attr in attrs:
        if attr.name == "schedule":
            compile_attrs([Attr("schedules", [attr.value], attr.pos)], node, ctx, path, where, spec)
        elif attr.name == "workflow_template":
            ref = _cron_ref(attr, ctx)
            if ref:
                wf["workflowTemplateRef"] = {
                    "name": ref.name,
                    **({"clusterScope": True} if ref.cluster else {}),
                }
                ctx.mark((*wf_path, "workflowTemplateRef"), attr.pos)
        elif attr.name == "arguments":
            wf["arguments"] = arguments_value(attr, workflow_spec(), ctx, wf_path)
        else:
            compile_attrs(
                [attr], node, ctx, path, where, spec, ("schedule", "workflow_template", "arguments")
            )
    for sub in block.blocks:
        if sub.type == "workflow_spec":
            ctx.mark(wf_path, sub.pos)
            inner = compile_workflow_spec(
                sub.attrs.values(), sub.blocks, ctx, wf_path, describe(sub)
            )
            _merge_workflow_spec(wf, inner, sub, ctx)
        else:
            compile_block_into(sub, node, ctx, path, spec, where)
    if "workflowSpec" in spec:
        _merge_workflow_spec(wf, spec.pop("workflowSpec"), block, ctx)
    if not wf:
        ctx.error(f"{where} needs workflow_template or a workflow_spec block", block.pos)
    if "schedules" not in spec:
        ctx.error(f"{where} needs schedule or schedules", block.pos)
    return {**spec, "workflowSpec": wf}, ref


def _merge_workflow_spec(wf: dict, inner: dict, block: Block, ctx: Ctx) -> None:
    for key, value in inner.items():
        if key == "arguments" and "arguments" in wf:
            for list_key in ("parameters", "artifacts"):
                if list_key in value:
                    wf["arguments"].setdefault(list_key, []).extend(value[list_key])
        elif key in wf:
            ctx.error(f"{quote(key)} of the workflow spec is set twice", block.pos)
        else:
            wf[key] = value


def _cron_ref(attr: Attr, ctx: Ctx) -> CronRef | None:
    value = attr.value
    if is_ref(value):
        kind = str(value.get("kind", ""))
        if kind not in ("workflow_template", "WorkflowTemplate", *CLUSTER_TEMPLATE_KINDS):
            ctx.error(
                f"workflow_template must refer to a workflow template, not {kind or 'this object'}",
                attr.pos,
            )
            return None
        return CronRef(
            str(value["__gp_ref__"]),
            str(value.get("name", "")),
            kind in CLUSTER_TEMPLATE_KINDS,
            attr.pos,
        )
    if isinstance(value, str):
        return CronRef(None, value, False, attr.pos)
    ctx.error(
        "workflow_template expects a workflow_template reference or a template name", attr.pos
    )
    return None
