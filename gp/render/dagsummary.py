"""The DAG summary the planner computed, as lines shared by the text and markdown renderers:

    module.sen2cor.workflow_template.chain, template "main":
      ~ task sen2cor-290 renamed to sen2cor-291: image geo/sen2cor:2.9.0 -> geo/sen2cor:2.9.1
      + edges: preprocess -> sen2cor-291, sen2cor-291 -> sen2cor-280 (Failed)
      - edges: preprocess -> sen2cor-290, sen2cor-290 -> sen2cor-280 (Failed)

Objects that are created or destroyed whole are left out: their shape is shown right below.
"""

from __future__ import annotations

from gp.planner.plan import Action, DagChange, DagEdge, DagTask, PlanData, ResourceChange
from gp.render.values import Line

_MARKS = {"added": "+", "removed": "-", "renamed": "~", "changed": "~"}
TITLE = "Pipeline changes"


def summarized(plan: PlanData) -> list[ResourceChange]:
    """The changes whose DAG summary is shown: objects that exist before and after."""
    return [c for c in plan.changes if c.dag and c.action in (Action.UPDATE, Action.REPLACE)]


def edge_text(e: DagEdge) -> str:
    return f"{e.source} -> {e.target}" + (f" ({e.condition})" if e.condition else "")


def task_text(t: DagTask, word: str) -> str:
    if t.status == "renamed":
        head = f"{word} {t.renamed_from} renamed to {t.name}"
    elif t.status == "added":
        head = f"{word} {t.name} added"
    elif t.status == "removed":
        head = f"{word} {t.name} removed"
    else:
        head = f"{word} {t.name}"
    return f"{head}: {t.reason}" if t.reason else head


def dag_lines(dag: DagChange, depth: int = 1) -> list[Line]:
    """A changed DAG's tasks (those that change) and edges (added, removed)."""
    word = "task" if dag.style == "dag" else "step"
    lines = [
        Line(depth, _MARKS[t.status], task_text(t, word))
        for t in dag.tasks
        if t.status != "unchanged"
    ]
    for status in ("added", "removed"):
        edges = [edge_text(e) for e in dag.edges if e.status == status]
        if edges:
            lines.append(Line(depth, _MARKS[status], f"edges {status}: {', '.join(edges)}"))
    return lines


def change_summary(change: ResourceChange, depth: int = 0) -> list[Line]:
    lines: list[Line] = []
    for dag in change.dag:
        if dag.status == "changed":
            lines.append(Line(depth, "", f'{change.address}, template "{dag.template}":'))
            lines.extend(dag_lines(dag, depth + 1))
            continue
        n = len(dag.tasks)
        word = "task" if dag.style == "dag" else "step"
        what = f"{dag.style}, {n} {word}{'s' if n != 1 else ''}"
        lines.append(
            Line(
                depth,
                _MARKS[dag.status],
                f'{change.address}, template "{dag.template}" {dag.status} ({what})',
            )
        )
    return lines
