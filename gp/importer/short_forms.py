"""gp's short forms for imported templates, where they compile to the same template.

- A template run by exactly one step or task of its own name (and by nothing else: no other
  step, hook, exit handler or entrypoint) is written inside that step: `step "X" { container
  {...} toleration {...} }`, as gp's own pipelines are (Couler writes every pipeline so).
- A container or script template is `container "NAME" {}` / `script "NAME" {}`, the body's fields
  beside the template's, when no field name belongs to both.
- A template's input parameters are `parameter "x" {}` blocks when its inputs are only those.

The importer checks every configuration by compiling it back; should a short form ever say
something else, it writes the long forms instead (gp/importer/checked.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from gp.compile import schema
from gp.compile.templates import input_parameter_node
from gp.importer.by_schema import attrs_first, model_items
from gp.importer.hcl_writer import HclAttr, HclBlock

STEP_BODIES = ("container", "script", "resource", "suspend", "http", "containerSet", "data")
EXPLICIT = ("container", "script")


def _items(spec: dict) -> Iterator[dict]:
    for tmpl in spec.get("templates") or []:
        if not isinstance(tmpl, dict):
            continue
        dag = tmpl.get("dag")
        yield from (
            (t for t in (dag.get("tasks") or []) if isinstance(t, dict))
            if isinstance(dag, dict)
            else ()
        )
        for group in tmpl.get("steps") or []:
            yield from (s for s in group if isinstance(s, dict)) if isinstance(group, list) else ()


def inlinable(spec: dict) -> set[str]:
    """Templates to write inside the one step or task that runs them."""
    uses: Counter[str] = Counter()
    owner: dict[str, dict] = {}
    for item in _items(spec):
        name = item.get("template")
        if isinstance(name, str):
            uses[name] += 1
            owner[name] = item
        for hook in (item.get("hooks") or {}).values():
            if isinstance(hook, dict) and isinstance(hook.get("template"), str):
                uses[hook["template"]] += 2
        if isinstance(item.get("onExit"), str):
            uses[item["onExit"]] += 2
    for fixed in (spec.get("entrypoint"), spec.get("onExit")):
        if isinstance(fixed, str):
            uses[fixed] += 2
    for hook in (spec.get("hooks") or {}).values():
        if isinstance(hook, dict) and isinstance(hook.get("template"), str):
            uses[hook["template"]] += 2
    templates = [t for t in spec.get("templates") or [] if isinstance(t, dict)]
    counts = Counter(t.get("name") for t in templates)
    out = set()
    for tmpl in templates:
        name = tmpl.get("name")
        if not isinstance(name, str):
            continue
        runner = owner.get(name)
        if (
            runner is not None
            and uses[name] == 1
            and counts[name] == 1
            and runner.get("name") == name
            and not runner.get("templateRef")
            and not runner.get("inline")
            and "dependencies" not in runner  # a step makes them `depends`
            and _simple_body(tmpl)
        ):
            out.add(name)
    return out


def _simple_body(tmpl: dict) -> bool:
    kinds = [k for k in STEP_BODIES if k in tmpl]
    return len(kinds) == 1 and isinstance(tmpl[kinds[0]], dict)


def template_fields(tmpl: dict, where: str) -> list[HclAttr | HclBlock]:
    """A template's fields, its input parameters as `parameter` blocks where that is all its
    inputs hold."""
    inputs = tmpl.get("inputs")
    params = inputs.get("parameters") if isinstance(inputs, dict) else None
    as_blocks = (
        isinstance(inputs, dict)
        and set(inputs) == {"parameters"}
        and isinstance(params, list)
        and all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in params)
    )
    skip = ("name", "inputs") if as_blocks else ("name",)
    items = model_items(tmpl, schema.template(), skip=skip, where=where)
    if as_blocks:
        pnode = input_parameter_node()
        items += [
            HclBlock(
                "parameter",
                (p["name"],),
                model_items(p, pnode, skip=("name",), where=f"{where}.inputs.parameters[{i}]"),
            )
            for i, p in enumerate(params or [])
        ]
    return attrs_first(items)


def explicit_block(tmpl: dict, where: str) -> HclBlock | None:
    """`container "NAME" {}` or `script "NAME" {}`, or None when that would be ambiguous."""
    kind = next((k for k in EXPLICIT if k in tmpl), None)
    body = tmpl.get(kind) if kind else None
    if kind is None or not isinstance(body, dict) or any(k in tmpl for k in ("dag", "steps")):
        return None
    field = schema.template().by_argo_name(kind)
    inner = field.child if field is not None else None
    if inner is None:
        return None
    outer = {k: v for k, v in tmpl.items() if k != kind}
    inner_names = {f.argo_name for f in inner.fields.values()} | set(inner.fields)
    if set(outer) - {"name"} & inner_names or "name" in body:
        return None
    items = model_items(body, inner, where=f"{where}.{kind}")
    items += template_fields(outer, where)
    return HclBlock(kind, (tmpl["name"],), attrs_first(items))


def own_step(block_type: str, item: dict, tmpl: dict, node: Any, where: str, task_where: str):
    """`step "X" {}` holding the template X it runs, the task's fields beside it."""
    from gp.importer.spec_forms import task_items

    body = template_fields(tmpl, where)
    body += task_items(item, node, skip=("name", "template"), where=task_where)
    return HclBlock(block_type, (item["name"],), attrs_first(body))
