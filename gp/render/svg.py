"""A DAG as a standalone SVG picture, for notebooks (``gp.Stack.graph``, plans, runs).

The layout is computed here rather than by Graphviz so that the picture needs nothing beyond
gp itself: tasks are placed left to right by rank (the longest chain of dependencies before
them), and within a rank ordered by the mean position of what they wait for, which keeps fan-out
and fan-in shapes untangled. Colours are inline attributes, not a stylesheet: notebook frontends
drop ``<style>`` from untrusted output but keep attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gp.render.graph import Dag

CHAR_W, LINE_H = 7.0, 15.0
GAP_X, GAP_Y, PAD = 60.0, 18.0, 10.0

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


def _ranks(keys: list[str], edges: Sequence[Edge]) -> dict[str, int]:
    rank = dict.fromkeys(keys, 0)
    # Longest path by relaxation; a cycle (which validate reports) stops after len(keys) rounds.
    for _ in range(len(keys)):
        moved = False
        for e in edges:
            if e.source in rank and e.target in rank and rank[e.target] < rank[e.source] + 1:
                rank[e.target] = rank[e.source] + 1
                moved = True
        if not moved:
            break
    return rank


def _size(node: DrawnNode) -> tuple[float, float]:
    longest = max((len(line) for line in node.lines), default=4)
    return max(80.0, longest * CHAR_W + 20), len(node.lines) * LINE_H + 14


def layout(
    nodes: Sequence[DrawnNode], edges: Sequence[Edge]
) -> tuple[dict[str, tuple[float, float, float, float]], float, float]:
    """Each node's box (x, y, width, height) and the picture's width and height."""
    keys = [n.key for n in nodes]
    rank = _ranks(keys, edges)
    columns: dict[int, list[str]] = {}
    for key in keys:
        columns.setdefault(rank[key], []).append(key)
    sizes = {n.key: _size(n) for n in nodes}
    order: dict[str, float] = {}
    for r in sorted(columns):
        col = columns[r]
        if r:

            def weight(k: str, col: list[str] = col) -> float:
                before = [order[e.source] for e in edges if e.target == k and e.source in order]
                return sum(before) / len(before) if before else float(col.index(k))

            col.sort(key=weight)
        for i, k in enumerate(col):
            order[k] = float(i)
    heights = {
        r: sum(sizes[k][1] for k in col) + GAP_Y * (len(col) - 1) for r, col in columns.items()
    }
    tallest = max(heights.values(), default=0.0)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    x = PAD
    for r in sorted(columns):
        width = max(sizes[k][0] for k in columns[r])
        y = PAD + (tallest - heights[r]) / 2
        for k in columns[r]:
            w, h = sizes[k]
            boxes[k] = (x + (width - w) / 2, y, w, h)
            y += h + GAP_Y
        x += width + GAP_X
    return boxes, max(x - GAP_X + PAD, 2 * PAD), tallest + 2 * PAD


def draw(nodes: Sequence[DrawnNode], edges: Sequence[Edge], title: str = "") -> str:
    """The DAG as an ``<svg>`` element; a dependency on an undeclared task gets a dashed box."""
    known = {n.key for n in nodes}
    extra = {
        e.source: DrawnNode(e.source, (e.source,), "unknown", "not a task of this template")
        for e in edges
        if e.source not in known
    }
    nodes = [*nodes, *extra.values()]
    boxes, width, height = layout(nodes, edges)
    top = 18.0 if title else 0.0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height + top:.0f}" '
        f'viewBox="0 {-top:.0f} {width:.0f} {height + top:.0f}" role="img" '
        f'aria-label="{escape(title or "DAG")}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="gp-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
    ]
    if title:
        out.append(f'<text x="{PAD:.0f}" y="-4" font-weight="bold">{escape(title)}</text>')
    for e in edges:
        if e.source not in boxes or e.target not in boxes:
            continue
        sx, sy, sw, sh = boxes[e.source]
        tx, ty, _, th = boxes[e.target]
        x0, y0, x1, y1 = sx + sw, sy + sh / 2, tx, ty + th / 2
        mid = (x0 + x1) / 2
        stroke = COLOURS.get(e.status, COLOURS[""])[1]
        dash = ' stroke-dasharray="5,3"' if e.status == "removed" else ""
        out.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
            f'fill="none" stroke="{stroke}"{dash} marker-end="url(#gp-arrow)">'
            f"<title>{escape(e.source)} -&gt; {escape(e.target)}</title></path>"
        )
        if e.label:
            out.append(
                f'<text x="{mid:.1f}" y="{(y0 + y1) / 2 - 3:.1f}" text-anchor="middle" '
                f'font-size="10" fill="{stroke}">{escape(e.label)}</text>'
            )
    for node in nodes:
        x, y, w, h = boxes[node.key]
        fill, stroke = COLOURS.get(node.status, COLOURS[""])
        dash = ' stroke-dasharray="4,3"' if node.status in ("unknown", "removed") else ""
        out.append(f'<g data-task="{escape(node.key)}" data-status="{escape(node.status)}">')
        if node.tooltip:
            out.append(f"<title>{escape(node.tooltip)}</title>")
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
            f'fill="{fill}" stroke="{stroke}"{dash}/>'
        )
        for i, line in enumerate(node.lines):
            weight = ' font-weight="bold"' if i == 0 else ' font-size="10" fill="#57606a"'
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{y + 7 + LINE_H * (i + 0.75):.1f}" '
                f'text-anchor="middle"{weight}>{escape(line)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
