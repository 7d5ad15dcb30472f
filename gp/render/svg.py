"""A DAG as a standalone SVG picture, for notebooks (``gp.Stack.graph``, plans, runs).

The layout is the UI's (gp/render/layout.py): Graphviz's dot where it is installed, gp's
layered layout with routed edges where it is not, so the notebook and the UI draw one picture
and no edge passes through a box. Colours are inline attributes, not a stylesheet: notebook
frontends drop ``<style>`` from untrusted output but keep attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gp.render.graph import Dag
from gp.render.layout import LINE_H, Box, Layouts

PAD = 10.0

# Fill and stroke by status: a plan's DAG changes, a run's node phases, or plain.
COLOURS = {
    "": ("#f6f8fa", "#57606a"),
    "unchanged": ("#f6f8fa", "#57606a"),
    "added": ("#dafbe1", "#1a7f37"),
    "removed": ("#ffebe9", "#cf222e"),
    "renamed": ("#fff8c5", "#9a6700"),
    "changed": ("#fff8c5", "#9a6700"),
    "unknown": ("#ffffff", "#8c959f"),
    "Pending": ("#f6f8fa", "#8c959f"),
    "Running": ("#ddf4ff", "#0969da"),
    "Succeeded": ("#dafbe1", "#1a7f37"),
    "Failed": ("#ffebe9", "#cf222e"),
    "Error": ("#ffebe9", "#cf222e"),
    "Skipped": ("#f6f8fa", "#8c959f"),
    "Omitted": ("#f6f8fa", "#8c959f"),
}


@dataclass(frozen=True)
class DrawnNode:
    key: str
    lines: tuple[str, ...]  # the first is the task's name
    status: str = ""  # a key of COLOURS
    tooltip: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""  # "" for plain success
    status: str = ""  # "added" / "removed" colour the line


def nodes_of(dag: Dag) -> tuple[list[DrawnNode], list[Edge]]:
    """A compiled template's DAG (gp.render.graph) as nodes and edges to draw."""
    nodes = [DrawnNode(t, (t,), tooltip=dag.expressions.get(t, "")) for t in dag.tasks]
    return nodes, [Edge(src, dst, label) for src, dst, label in dag.edges]


def layout(nodes: Sequence[DrawnNode], edges: Sequence[Edge], layouts: Layouts | None = None):
    """Where each box and edge goes: gp/render/layout.py's layout, the one the UI draws with
    (Graphviz's dot where installed, else gp's layered layout)."""
    return (layouts or Layouts(size=1)).layout(
        [Box(n.key, n.lines) for n in nodes], [(e.source, e.target, e.label) for e in edges]
    )


def draw(
    nodes: Sequence[DrawnNode],
    edges: Sequence[Edge],
    title: str = "",
    layouts: Layouts | None = None,
) -> str:
    """The DAG as an ``<svg>`` element; a dependency on an undeclared task gets a dashed box."""
    known = {n.key for n in nodes}
    extra = {
        e.source: DrawnNode(e.source, (e.source,), "unknown", "not a task of this template")
        for e in edges
        if e.source not in known
    }
    nodes = [*nodes, *extra.values()]
    placed = layout(nodes, edges, layouts)
    width, height = placed.width + 2 * PAD, placed.height + 2 * PAD
    top = 18.0 if title else 0.0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height + top:.0f}" '
        f'viewBox="{-PAD:.0f} {-PAD - top:.0f} {width:.0f} {height + top:.0f}" role="img" '
        f'aria-label="{escape(title or "DAG")}" font-family="sans-serif" font-size="12" '
        f'data-layout="{placed.engine}">',
        '<defs><marker id="gp-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
    ]
    if title:
        out.append(f'<text x="0" y="{-PAD - 4:.0f}" font-weight="bold">{escape(title)}</text>')
    status = {(e.source, e.target, e.label): e.status for e in edges}
    for curve in placed.curves:
        if not curve.points:
            continue
        kind = status.get((curve.source, curve.target, curve.label), "")
        stroke = COLOURS.get(kind, COLOURS[""])[1]
        dash = ' stroke-dasharray="5,3"' if kind == "removed" else ""
        (x0, y0), rest = curve.points[0], curve.points[1:]
        path = f"M{x0:.1f},{y0:.1f} C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in rest)
        out.append(
            f'<g data-source="{escape(curve.source)}" data-target="{escape(curve.target)}">'
            f'<path d="{path}" fill="none" stroke="{stroke}"{dash} marker-end="url(#gp-arrow)">'
            f"<title>{escape(curve.source)} -&gt; {escape(curve.target)}</title></path>"
        )
        if curve.label and curve.label_at:
            lx, ly = curve.label_at
            out.append(
                f'<text x="{lx:.1f}" y="{ly + 3:.1f}" text-anchor="middle" font-size="10" '
                f'fill="{stroke}">{escape(curve.label)}</text>'
            )
        out.append("</g>")
    for node in nodes:
        box = placed.boxes.get(node.key)
        if box is None:
            continue
        fill, stroke = COLOURS.get(node.status, COLOURS[""])
        dash = ' stroke-dasharray="4,3"' if node.status in ("unknown", "removed") else ""
        out.append(f'<g data-task="{escape(node.key)}" data-status="{escape(node.status)}">')
        if node.tooltip:
            out.append(f"<title>{escape(node.tooltip)}</title>")
        out.append(
            f'<rect x="{box.x - box.w / 2:.1f}" y="{box.y - box.h / 2:.1f}" width="{box.w:.1f}" '
            f'height="{box.h:.1f}" rx="6" fill="{fill}" stroke="{stroke}"{dash}/>'
        )
        first = box.y - (len(node.lines) - 1) * LINE_H / 2
        for i, line in enumerate(node.lines):
            weight = ' font-weight="bold"' if i == 0 else ' font-size="10" fill="#57606a"'
            out.append(
                f'<text x="{box.x:.1f}" y="{first + i * LINE_H + 4:.1f}" '
                f'text-anchor="middle"{weight}>{escape(line)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
