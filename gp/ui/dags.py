"""The graphs the pages draw: a template's DAG (from `gp graph`'s reading of it), a plan's DAG
change (from the planner's DagChange, never a second diff), and a run's DAG with phases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from gp.planner.plan import DagChange
from gp.render.graph import Dag, dags_of
from gp.render.layout import Layouts
from gp.ui.svg import GraphEdge, GraphNode, draw


@dataclass(frozen=True)
class DrawnDag:
    template: str
    tasks: int
    svg: Markup
    expressions: dict[str, str]  # depends expressions an edge list would misread


def _spec(manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = manifest.get("spec") or {}
    return (spec.get("workflowSpec") or {}) if manifest.get("kind") == "CronWorkflow" else spec


def _tasks(tmpl: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    if isinstance((tmpl.get("dag") or {}).get("tasks"), list):
        return {str(t.get("name")): t for t in tmpl["dag"]["tasks"]}
    return {
        str(s.get("name")): s
        for group in tmpl.get("steps") or []
        for s in (group if isinstance(group, list) else [])
    }


def runs_what(
    task: Mapping[str, Any], templates: Mapping[str, Mapping[str, Any]]
) -> tuple[str, str]:
    """(what the task runs: "script", "container", "dag", ..., the image or the template it
    refers to)."""
    ref = task.get("templateRef")
    if ref:
        return "templateRef", f"{ref.get('name')}/{ref.get('template')}"
    called = templates.get(str(task.get("template"))) or task.get("inline") or {}
    for kind in ("script", "container", "containerSet", "resource", "http", "plugin"):
        if kind in called:
            return kind, str((called[kind] or {}).get("image") or "")
    for kind in ("dag", "steps", "suspend", "data"):
        if kind in called:
            return kind, str(called.get("name") or "")
    return "template", str(task.get("template") or "")


def _short(image: str) -> str:
    return image if len(image) <= 36 else "…" + image[-35:]


def template_dags(
    layouts: Layouts, manifest: Mapping[str, Any], address: str, obj
) -> list[DrawnDag]:
    """Every DAG or steps template of an object (``manifest`` already masked), drawn."""
    templates = {str(t.get("name")): t for t in _spec(manifest).get("templates") or []}
    out = []
    for dag in dags_of(replace(obj, manifest=dict(manifest))):
        tasks = _tasks(templates.get(dag.template) or {})
        nodes = []
        for name in dag.tasks:
            kind, image = runs_what(tasks.get(name) or {}, templates)
            tip = f"{name}: {kind} {image}".strip()
            if name in dag.expressions:
                tip += f"\ndepends: {dag.expressions[name]}"
            nodes.append(
                GraphNode(
                    name,
                    (name, f"{kind} · {_short(image)}" if image else kind),
                    kind,
                    tip,
                    {"kind": kind},
                )
            )
        edges = [GraphEdge(s, t, label) for s, t, label in dag.edges]
        out.append(
            DrawnDag(
                dag.template,
                len(dag.tasks),
                draw(layouts, nodes, edges, f"{address}: {dag.template}"),
                dag.expressions,
            )
        )
    return out


_WORDS = {"added": "added", "removed": "removed", "renamed": "renamed", "changed": "changed"}


def change_dag(layouts: Layouts, change: DagChange, address: str) -> Markup:
    """A plan's DAG change: every task and edge of before and after, each with its status."""
    nodes = []
    for t in change.tasks:
        second = (
            f"renamed from {t.renamed_from}" if t.status == "renamed" else _WORDS.get(t.status, "")
        )
        lines = (t.name, second) if second else (t.name,)
        tip = f"{t.name}: {t.status}" + (f" — {t.reason}" if t.reason else "")
        nodes.append(GraphNode(t.name, lines, t.status, tip, {"status": t.status}))
    # Removed edges name a renamed task by its old name: draw them from its box, and an edge
    # that only followed the rename (removed under the old name, added under the new) as kept.
    renamed = {
        t.renamed_from: t.name for t in change.tasks if t.status == "renamed" and t.renamed_from
    }
    renamed = {
        old: new for old, new in renamed.items() if old not in {t.name for t in change.tasks}
    }
    moved = [
        (renamed.get(e.source, e.source), renamed.get(e.target, e.target), e.condition, e.status)
        for e in change.edges
    ]
    added = {(s, t, c) for s, t, c, status in moved if status == "added"}
    removed = {(s, t, c) for s, t, c, status in moved if status == "removed"}
    edges = []
    for s, t, c, status in moved:
        if (s, t, c) in added and (s, t, c) in removed:
            if status == "added":
                edges.append(GraphEdge(s, t, c, "unchanged"))
            continue
        edges.append(GraphEdge(s, t, c, status))
    return draw(layouts, nodes, edges, f"{address}: {change.template} ({change.status})")


def run_dag(
    layouts: Layouts,
    dag: Dag,
    templates: Mapping[str, Mapping[str, Any]],
    phases: Mapping[str, str],
    title: str,
) -> Markup:
    """A run's DAG: every task of the spec (those not started yet too) with its phase."""
    tasks = _tasks(templates.get(dag.template) or {})
    nodes = []
    for name in dag.tasks:
        kind, image = runs_what(tasks.get(name) or {}, templates)
        phase = phases.get(name, "Pending")
        nodes.append(
            GraphNode(
                name,
                (name, phase),
                f"phase-{phase}",
                f"{name}: {kind} {image} — {phase}".strip(),
                {"phase": phase},
            )
        )
    edges = [GraphEdge(s, t, label) for s, t, label in dag.edges]
    return draw(layouts, nodes, edges, title)
