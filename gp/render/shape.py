"""A created (or destroyed) object by its shape: its templates as a tree with their tasks and
images, what a cron runs, and how many fields that leaves out. A 400-object create plan that
lists every field is 260 KB nobody reads; ``--verbose`` still shows every field."""

from __future__ import annotations

from typing import Any

from gp.planner.dag_graph import graph_of, templates_of
from gp.planner.normalize import strip_server_fields
from gp.planner.paths import leaf_count
from gp.render.values import Line, fmt, shown

# Template kinds by the field that makes them one (Argo's template types).
_KINDS = (
    "dag",
    "steps",
    "container",
    "script",
    "containerSet",
    "resource",
    "suspend",
    "http",
    "data",
    "plugin",
)


def _kind(tmpl: dict) -> str:
    kind = next((k for k in _KINDS if k in tmpl), "template")
    body = tmpl.get(kind) if isinstance(tmpl.get(kind), dict) else {}
    image = body.get("image") if isinstance(body, dict) else None
    return f"{kind} {image}" if isinstance(image, str) and image else kind


def _task_line(
    mark: str, word: str, name: str, task: dict, where: str, templates: dict[str, dict]
) -> Line:
    """'task "sen2cor-290" (container geo/sen2cor:2.9.0) after preprocess.Succeeded': what a
    task runs is on its line when it calls a plain template, which is then not listed again."""
    calls = task.get("template")
    ref = task.get("templateRef")
    text = f'{word} "{name}"'
    if calls is None and isinstance(ref, dict):
        text += f" runs {ref.get('name')}/{ref.get('template')}"
    elif calls and calls != name:
        text += f" runs {calls}"
    called = templates.get(calls) if isinstance(calls, str) else None
    if called is not None and graph_of(called) is None:
        text += f" ({_kind(called)})"
    return Line(2, mark, text + (f" {where}" if where else ""))


def inlined(templates: dict[str, dict]) -> set[str]:
    """The plain templates some DAG task or step calls: shown on that task's line."""
    out = set()
    for tmpl in templates.values():
        graph = graph_of(tmpl)
        for task in graph.tasks.values() if graph else ():
            called = templates.get(task.get("template"))
            if called is not None and graph_of(called) is None:
                out.add(task["template"])
    return out


def _template_lines(
    name: str, tmpl: dict, mark: str, entry: str | None, templates: dict[str, dict]
) -> list[Line]:
    graph = graph_of(tmpl)
    title = f'template "{name}" ({_kind(tmpl)}{", entrypoint" if name == entry else ""})'
    if graph is None or not graph.tasks:
        return [Line(1, mark, title)]
    lines = [Line(1, mark, title + " {")]
    word = "task" if graph.style == "dag" else "step"
    for task_name, task in graph.tasks.items():
        if graph.style == "steps":
            where = f"in group {graph.groups[task_name]}"
        else:
            deps = graph.expressions.get(task_name) or ", ".join(
                s for s, d, _ in graph.edges if d == task_name
            )
            where = f"after {deps}" if deps else ""
        lines.append(_task_line(mark, word, task_name, task, where, templates))
    lines.append(Line(1, "", "}"))
    return lines


def _spec(manifest: dict) -> dict:
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    return spec.get("workflowSpec") or {} if manifest.get("kind") == "CronWorkflow" else spec


def shape_lines(manifest: dict[str, Any], mark: str) -> list[Line]:
    """The shape of a whole object being created (``+``) or destroyed (``-``)."""
    lines: list[Line] = []
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    if manifest.get("kind") == "CronWorkflow":
        ref = (spec.get("workflowSpec") or {}).get("workflowTemplateRef")
        if isinstance(ref, dict) and ref.get("name"):
            lines.append(Line(1, mark, f"workflowTemplateRef = {fmt(ref.get('name'))}"))
        for key in ("suspend", "concurrencyPolicy"):
            if key in spec:
                lines.append(Line(1, mark, f"{key} = {fmt(spec[key])}"))
    inner = _spec(manifest)
    entry = inner.get("entrypoint")
    for key in ("entrypoint", "serviceAccountName"):
        if key == "entrypoint" and entry in templates_of(manifest):
            continue  # its template says "entrypoint"
        if key in inner:
            lines.append(Line(1, mark, f"{key} = {shown(inner[key])}"))
    params = (inner.get("arguments") or {}).get("parameters") or []
    for p in params if isinstance(params, list) else []:
        if isinstance(p, dict) and "name" in p:
            value = f" = {shown(p['value'])}" if "value" in p else ""
            lines.append(Line(1, mark, f'arguments.parameter "{p["name"]}"{value}'))
    templates = templates_of(manifest)
    shown_inline = inlined(templates)
    for name, tmpl in templates.items():
        if name not in shown_inline or name == entry:
            lines.extend(_template_lines(name, tmpl, mark, entry, templates))
    return lines


def shape_note(manifest: dict[str, Any]) -> Line:
    total = leaf_count(strip_server_fields(manifest))
    return Line(1, "", f"# (its shape; gp plan --verbose shows all {total} fields)")
