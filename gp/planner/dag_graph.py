"""A dag or steps template read as a graph: its tasks, edges and how each edge is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gp.compile.depends import task_edges


@dataclass
class TaskGraph:
    """The tasks of a dag or steps template and the edges between them."""

    style: str
    tasks: dict[str, dict] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    groups: dict[str, int] = field(default_factory=dict)  # steps: the group of each step
    expressions: dict[str, str] = field(default_factory=dict)  # depends as written


def templates_of(manifest: Any) -> dict[str, dict]:
    """The templates of a WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow, by name."""
    if not isinstance(manifest, dict):
        return {}
    spec = manifest.get("spec") or {}
    if manifest.get("kind") == "CronWorkflow" or "workflowSpec" in spec:
        spec = spec.get("workflowSpec") or {}
    out = {}
    for tmpl in spec.get("templates") or []:
        if isinstance(tmpl, dict) and isinstance(tmpl.get("name"), str):
            out[tmpl["name"]] = tmpl
    return out


def graph_of(tmpl: dict) -> TaskGraph | None:
    """The tasks and edges of a dag or steps template; None for any other template."""
    tasks = (tmpl.get("dag") or {}).get("tasks") if isinstance(tmpl.get("dag"), dict) else None
    if isinstance(tasks, list):
        g = TaskGraph("dag")
        for task in tasks:
            if isinstance(task, dict):
                _add_task(g, task)
        return g
    if isinstance(tmpl.get("steps"), list):
        g = TaskGraph("steps")
        previous: list[str] = []
        for i, group in enumerate(tmpl["steps"]):
            names = []
            for step in group if isinstance(group, list) else []:
                if isinstance(step, dict):
                    name = str(step.get("name"))
                    g.tasks[name], g.groups[name] = step, i + 1
                    names.append(name)
            g.edges.extend((p, n, "") for p in previous for n in names)
            previous = names or previous
        return g
    return None


def _add_task(g: TaskGraph, task: dict) -> None:
    name = str(task.get("name"))
    g.tasks[name] = task
    if task.get("depends") is not None:
        g.expressions[name] = " ".join(str(task["depends"]).split())
    g.edges.extend(task_edges(name, task))
