"""A changed DAG as a Mermaid flowchart for a pull-request comment (GitHub renders Mermaid):
added tasks and edges green, removed ones red and dashed, changed and renamed tasks yellow.

Each node's label starts with its marker (+, -, ~) too, so the diagram reads the same without
colour. An edge that only follows a rename (``preprocess -> sen2cor-290`` that became
``preprocess -> sen2cor-291``) is drawn once, plain: the renamed node already says it.
"""

from __future__ import annotations

from gp.planner.plan import DagChange, DagEdge

_CLASSES = (
    "classDef added fill:#dafbe1,stroke:#1a7f37,color:#116329",
    "classDef removed fill:#ffebe9,stroke:#cf222e,color:#a40e26,stroke-dasharray:5 5",
    "classDef changed fill:#fff8c5,stroke:#9a6700,color:#7d4e00",
)
_LINK = {
    "added": "stroke:#1a7f37,stroke-width:2px",
    "removed": "stroke:#cf222e,stroke-dasharray:5 5",
}
_MARK = {"added": "+ ", "removed": "- ", "changed": "~ ", "renamed": "~ ", "unchanged": ""}
_CLASS = {"added": "added", "removed": "removed", "changed": "changed", "renamed": "changed"}


def _text(text: str) -> str:
    """A label inside double quotes: Mermaid's entity for a quote, nothing else to escape."""
    return text.replace('"', "#quot;")


def _edges(dag: DagChange) -> list[DagEdge]:
    """The edges to draw, an edge that only follows a rename drawn once, as unchanged."""
    to_new = {t.renamed_from: t.name for t in dag.tasks if t.renamed_from}
    old_names = set(to_new)
    removed = {
        (to_new.get(e.source, e.source), to_new.get(e.target, e.target), e.condition)
        for e in dag.edges
        if e.status == "removed" and ({e.source, e.target} & old_names)
    }
    out = []
    for e in dag.edges:
        if e.status == "removed" and ({e.source, e.target} & old_names):
            mapped = (to_new.get(e.source, e.source), to_new.get(e.target, e.target), e.condition)
            if any(
                (x.source, x.target, x.condition) == mapped
                for x in dag.edges
                if x.status != "removed"
            ):
                continue
            e = DagEdge(mapped[0], mapped[1], e.condition, "removed")
        elif e.status == "added" and (e.source, e.target, e.condition) in removed:
            e = DagEdge(e.source, e.target, e.condition, "unchanged")
        out.append(e)
    return out


def diagram(dag: DagChange) -> str:
    """The flowchart (without the fence around it)."""
    lines = ["flowchart LR"]
    ids: dict[str, str] = {}
    classes: dict[str, list[str]] = {}
    for task in dag.tasks:
        ids[task.name] = node = f"t{len(ids)}"
        status = dag.status if dag.status != "changed" else task.status
        label = f"{task.renamed_from} → {task.name}" if task.renamed_from else task.name
        lines.append(f'  {node}["{_text(_MARK[status] + label)}"]')
        if status in _CLASS:
            classes.setdefault(_CLASS[status], []).append(node)
    links: dict[str, list[str]] = {}
    for i, edge in enumerate(_edges(dag)):
        for name in (edge.source, edge.target):
            if name not in ids:  # a dependency on a task the template does not have
                ids[name] = f"t{len(ids)}"
                lines.append(f'  {ids[name]}["{_text(name)}"]')
        arrow = "-.->" if edge.status == "removed" else "-->"
        label = f'|"{_text(edge.condition)}"|' if edge.condition else ""
        lines.append(f"  {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
        status = dag.status if dag.status != "changed" else edge.status
        if status in _LINK:
            links.setdefault(status, []).append(str(i))
    lines += [f"  {c}" for c in _CLASSES]
    lines += [f"  class {','.join(nodes)} {name}" for name, nodes in classes.items()]
    lines += [f"  linkStyle {','.join(idx)} {_LINK[s]}" for s, idx in links.items()]
    return "\n".join(lines) + "\n"
