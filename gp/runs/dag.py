"""A run's DAG as rows drawn from the template's spec, each with its state from the run.

Rows come from the spec, so tasks that have not started show as Pending (Argo's UI and
`argo watch` show only nodes that exist). A row is keyed by the node name Argo will give it,
relative to the run's name (`.preprocess`, `[0].step`, `.outer.inner`), which is how nodes are
matched to rows. A fan-out (`with_items`, `with_param`) is one row with counts by phase.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from gp.compile.depends import DependsSyntaxError, parse, refs
from gp.runs.model import GROUPING_TYPES, Node, RunSnapshot, seconds_between

_MAX_DEPTH = 6  # nested templates drawn this deep (recursive templates stop here)


@dataclass(frozen=True)
class SpecRow:
    key: str  # node name relative to the run
    name: str
    depth: int  # nesting under another task (nested DAG or steps)
    after: tuple[str, ...] = ()  # the tasks it waits for (names in the same DAG)
    fan_out: bool = False


@dataclass(frozen=True)
class DagRow:
    key: str
    name: str
    depth: int
    phase: str  # Pending for a task not started yet
    started_at: str | None = None
    finished_at: str | None = None
    message: str | None = None
    seconds: float | None = None
    # Fan-out: how many children, and how many in each phase.
    total: int = 0
    counts: tuple[tuple[str, int], ...] = ()
    attempts: int = 0  # retries: attempts made so far
    fan_out: bool = False
    from_spec: bool = True  # False: a node the spec does not show (an exit handler)


def _templates(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(t.get("name")): t for t in spec.get("templates") or [] if isinstance(t, Mapping)}


def _after(task: Mapping[str, Any]) -> tuple[str, ...]:
    if task.get("depends"):
        try:
            return tuple(dict.fromkeys(r.task for r, _ in refs(parse(str(task["depends"])))))
        except DependsSyntaxError:
            return ()
    return tuple(str(d) for d in task.get("dependencies") or ())


def _is_fan_out(item: Mapping[str, Any]) -> bool:
    return any(item.get(k) for k in ("withItems", "withParam", "withSequence"))


def _order(tasks: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Tasks in dependency order (a task after those it waits for), stable otherwise."""
    names = {str(t.get("name")) for t in tasks}
    placed: set[str] = set()
    out: list[Mapping[str, Any]] = []
    pending = list(tasks)
    while pending:
        ready = [t for t in pending if all(a in placed or a not in names for a in _after(t))]
        ready = ready or pending[:1]  # a cycle: `gp validate` reports it; draw what there is
        for t in ready:
            out.append(t)
            placed.add(str(t.get("name")))
            pending.remove(t)
    return out


def spec_rows(spec: Mapping[str, Any], template: str | None = None) -> list[SpecRow]:
    templates = _templates(spec)
    root = template or spec.get("entrypoint")
    rows: list[SpecRow] = []
    _expand(templates, str(root), "", 0, rows, ())
    return rows


def _expand(
    templates, name: str, prefix: str, depth: int, rows: list[SpecRow], seen: tuple
) -> None:
    tmpl = templates.get(name)
    if tmpl is None or depth > _MAX_DEPTH or name in seen:
        return
    seen = (*seen, name)
    if isinstance((tmpl.get("dag") or {}).get("tasks"), list):
        for task in _order(tmpl["dag"]["tasks"]):
            key = f"{prefix}.{task.get('name')}"
            rows.append(SpecRow(key, str(task.get("name")), depth, _after(task), _is_fan_out(task)))
            if not _is_fan_out(task):
                _expand(templates, str(task.get("template")), key, depth + 1, rows, seen)
    elif isinstance(tmpl.get("steps"), list):
        previous: tuple[str, ...] = ()
        for i, group in enumerate(tmpl["steps"]):
            group = group if isinstance(group, list) else []
            for step in group:
                key = f"{prefix}[{i}].{step.get('name')}"
                rows.append(SpecRow(key, str(step.get("name")), depth, previous, _is_fan_out(step)))
                if not _is_fan_out(step):
                    _expand(templates, str(step.get("template")), key, depth + 1, rows, seen)
            previous = tuple(str(s.get("name")) for s in group)


def _fan_out_counts(node: Node, by_id: Mapping[str, Node]) -> tuple[int, Counter]:
    children = [by_id[c] for c in node.children if c in by_id]
    return len(children), Counter(c.phase for c in children)


def _row(spec_row: SpecRow, node: Node | None, by_id: Mapping[str, Node], now: datetime) -> DagRow:
    if node is None:
        return DagRow(
            spec_row.key, spec_row.name, spec_row.depth, "Pending", fan_out=spec_row.fan_out
        )
    total, counts, attempts = 0, Counter[str](), 0
    if spec_row.fan_out or node.type == "TaskGroup":
        total, counts = _fan_out_counts(node, by_id)
    if node.type == "Retry":
        attempts = len(node.children)
    message = node.message
    if node.phase in ("Failed", "Error") and not message:
        failed = [
            by_id[c] for c in node.children if c in by_id and by_id[c].phase in ("Failed", "Error")
        ]
        message = next((c.message for c in reversed(failed) if c.message), None)
    return DagRow(
        key=spec_row.key,
        name=spec_row.name,
        depth=spec_row.depth,
        phase=node.phase,
        started_at=node.started_at,
        finished_at=node.finished_at,
        message=message,
        seconds=seconds_between(node.started_at, node.finished_at, now),
        total=total,
        counts=tuple(sorted(counts.items())),
        attempts=attempts,
        fan_out=spec_row.fan_out or node.type == "TaskGroup",
    )


def rows_of(run: RunSnapshot, now: datetime) -> list[DagRow]:
    """Every task of the run's spec with its state, then nodes the spec does not draw (an exit
    handler's), so nothing that ran is hidden."""
    by_name = run.node_by_name()
    by_id = {n.id: n for n in run.nodes}
    rows = []
    covered: set[str] = {run.name}
    for spec_row in spec_rows(run.spec):
        node = by_name.get(run.name + spec_row.key)
        rows.append(_row(spec_row, node, by_id, now))
        covered.add(run.name + spec_row.key)
        if node is not None:
            covered.update(_descendant_names(node, by_id))
    for node in run.nodes:
        if node.name in covered or node.type in GROUPING_TYPES:
            continue
        if any(node.name.startswith(c + "(") for c in covered):
            continue  # an attempt or fan-out child of a row already shown
        key = node.name[len(run.name) :] if node.name.startswith(run.name) else node.name
        row = _row(SpecRow(key, node.display_name, 0), node, by_id, now)
        rows.append(replace(row, from_spec=False))
        covered.add(node.name)
    return rows


def _descendant_names(node: Node, by_id: Mapping[str, Node]) -> set[str]:
    """A task's own attempts and fan-out children (not nested tasks, which have rows)."""
    out = set()
    for c in node.children:
        child = by_id.get(c)
        if child is not None and (child.name.startswith(node.name + "(")):
            out.add(child.name)
            out.update(_descendant_names(child, by_id))
    return out
