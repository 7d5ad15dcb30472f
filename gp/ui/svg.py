"""A DAG as inline SVG: the layout of gp/render/layout.py (dot where installed), gp's drawing.

Every box is a ``<g class="task ...">`` with ``data-task`` (its name) and, for a run,
``data-phase``, so the stylesheet colours it and the live page updates it by name. Its
``<title>`` is the hover text (what it runs, with which image).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from gp.render.layout import Box, Layouts

PAD = 8.0


@dataclass(frozen=True)
class GraphNode:
    key: str  # the task's name
    lines: tuple[str, ...]  # the first is the name, in bold; the others smaller
    css: str = ""  # extra classes: "added", "Succeeded", ...
    tooltip: str = ""
    data: dict[str, str] = field(default_factory=dict)  # more data-* attributes


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    label: str = ""  # "" for plain success
    css: str = ""  # "added", "removed"


def draw(
    layouts: Layouts, nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], title: str
) -> Markup:
    known = {n.key for n in nodes}
    # A dependency on a task the template does not declare still gets a (dashed) box.
    extra = [
        GraphNode(e.source, (e.source,), "unknown", "not a task of this template")
        for e in edges
        if e.source not in known
    ]
    nodes = [*nodes, *{n.key: n for n in extra}.values()]
    layout = layouts.layout(
        [Box(n.key, n.lines) for n in nodes], [(e.source, e.target, e.label) for e in edges]
    )
    w, h = layout.width + 2 * PAD, layout.height + 2 * PAD
    out = [
        f'<svg class="dag" xmlns="http://www.w3.org/2000/svg" viewBox="{-PAD:.0f} {-PAD:.0f} '
        f'{w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" role="img" '
        f'aria-label="{escape(title)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" '
        'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead"/></marker></defs>',
    ]
    by_pair = {(e.source, e.target, e.label): e for e in edges}
    for curve in layout.curves:
        edge = by_pair.get((curve.source, curve.target, curve.label))
        css = f"edge {edge.css}".strip() if edge else "edge"
        if not curve.points:
            continue
        (x0, y0), rest = curve.points[0], curve.points[1:]
        path = f"M{x0:.1f},{y0:.1f} C" + " ".join(f"{x:.1f},{y:.1f}" for x, y in rest)
        out.append(
            f'<g class="{escape(css)}" data-source="{escape(curve.source)}" '
            f'data-target="{escape(curve.target)}"><path d="{path}" marker-end="url(#arrow)"/>'
        )
        if curve.label and curve.label_at:
            lx, ly = curve.label_at
            out.append(
                f'<text x="{lx:.1f}" y="{ly + 3:.1f}" class="edge-label">{escape(curve.label)}</text>'
            )
        out.append("</g>")
    for node in nodes:
        box = layout.boxes.get(node.key)
        if box is None:
            continue
        attrs = "".join(f' data-{k}="{escape(v)}"' for k, v in node.data.items())
        out.append(f'<g class="task {escape(node.css)}" data-task="{escape(node.key)}"{attrs}>')
        if node.tooltip:
            out.append(f"<title>{escape(node.tooltip)}</title>")
        out.append(
            f'<rect x="{box.x - box.w / 2:.1f}" y="{box.y - box.h / 2:.1f}" '
            f'width="{box.w:.1f}" height="{box.h:.1f}" rx="6"/>'
        )
        top = box.y - (len(node.lines) - 1) * 8
        for i, line in enumerate(node.lines):
            css = "name" if i == 0 else "detail"
            out.append(
                f'<text x="{box.x:.1f}" y="{top + i * 16 + 4:.1f}" class="{css}">{escape(line)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))
