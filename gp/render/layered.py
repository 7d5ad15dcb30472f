"""gp's own layered layout, for where Graphviz is not installed: the same shape as dot's.

Sugiyama's method, as dot does it in outline: each task goes in the column of its rank (the
longest chain of dependencies before it); an edge that spans several columns gets a waypoint in
each column it crosses, which takes a slot there like a small box; the columns are ordered by
barycentre sweeps, down and up, to untangle crossings; then boxes and waypoints are stacked in
each column. An edge is routed from its source's right side through its waypoints to its
target's left side: horizontally within a column (in its own slot, where no box is) and by a
curve between columns (where there are no boxes at all), so it never passes through a box.

No pure-Python library was taken for this: grandalf, the one that lays out layered graphs, has
had no release since 2023 and routes its splines without regard to the boxes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from gp.render.layout import NODESEP, RANKSEP, Box, Curve, Edges, Layout, Placed

WAYPOINT_H = 10.0  # the slot a passing edge takes in a column
LABEL_CHAR, LABEL_PAD = 6.0, 8.0  # an edge label's 10px text, and the room around it
SWEEPS = 6
PAD = 4.0

Point = tuple[float, float]


def _ranks(keys: Sequence[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    rank = dict.fromkeys(keys, 0)
    # Longest path by relaxation; a cycle (which validate reports) stops after len(keys) rounds.
    for _ in range(len(keys)):
        moved = False
        for s, d in edges:
            if rank[d] < rank[s] + 1:
                rank[d] = rank[s] + 1
                moved = True
        if not moved:
            break
    return rank


def _order(columns: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]]):
    """Barycentre sweeps: each column sorted by the mean place of its neighbours in the column
    before (going right) or after (going left); ties keep the current order."""
    place = {k: float(i) for col in columns for i, k in enumerate(col)}

    def sweep(cols: list[list[str]], near: dict[str, list[str]]) -> None:
        for col in cols:

            def centre(k: str, col: list[str] = col) -> tuple[float, float]:
                around = [place[n] for n in near.get(k, ()) if n in place]
                return (sum(around) / len(around) if around else place[k], place[k])

            col.sort(key=centre)
            for i, k in enumerate(col):
                place[k] = float(i)

    for i in range(SWEEPS):
        if i % 2 == 0:
            sweep(columns[1:], up)
        else:
            sweep(list(reversed(columns[:-1])), down)


def layered(boxes: Sequence[Box], edges: Edges) -> Layout:
    sizes = {b.key: b.size for b in boxes}
    keys = [b.key for b in boxes]
    links = [(s, d) for s, d, _ in edges if s in sizes and d in sizes and s != d]
    rank = _ranks(keys, links)
    # A waypoint per column crossed: ("\0", edge index, column) stands in that column.
    chains: dict[int, list[str]] = {}
    slots: dict[str, tuple[float, float]] = dict(sizes)
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for i, (s, d, _) in enumerate(edges):
        if s not in sizes or d not in sizes or s == d or rank[d] <= rank[s]:
            continue
        chain = [s]
        for r in range(rank[s] + 1, rank[d]):
            point = f"\0{i}\0{r}"
            slots[point] = (0.0, WAYPOINT_H)
            rank[point] = r
            chain.append(point)
        chain.append(d)
        for a, b in itertools.pairwise(chain):
            down.setdefault(a, []).append(b)
            up.setdefault(b, []).append(a)
        chains[i] = chain
    depth = max(rank.values(), default=0)
    columns: list[list[str]] = [[] for _ in range(depth + 1)]
    for k in keys + [k for k in slots if k not in sizes]:
        columns[rank[k]].append(k)
    _order(columns, up, down)

    widths = [max((slots[k][0] for k in col), default=0.0) for col in columns]
    # A gap is as wide as the longest label written in it (an edge's label sits in its first).
    gaps = [RANKSEP] * len(columns)
    for i, (s, _, label) in enumerate(edges):
        if i in chains and label:
            gaps[rank[s]] = max(gaps[rank[s]], len(label) * LABEL_CHAR + 2 * LABEL_PAD)
    lefts, x = [], PAD
    for w, gap in zip(widths, gaps, strict=True):
        lefts.append(x)
        x += w + gap
    heights = [sum(slots[k][1] for k in col) + NODESEP * max(len(col) - 1, 0) for col in columns]
    tallest = max(heights, default=0.0)
    centre: dict[str, Point] = {}
    for c, col in enumerate(columns):
        y = PAD + (tallest - heights[c]) / 2
        for k in col:
            centre[k] = (lefts[c] + widths[c] / 2, y + slots[k][1] / 2)
            y += slots[k][1] + NODESEP
    placed = {k: Placed(k, *centre[k], *sizes[k]) for k in keys}

    curves = []
    for i, (s, d, label) in enumerate(edges):
        if i not in chains:
            continue
        chain = chains[i]
        points, label_at = _route(chain, centre, sizes, rank, lefts, widths)
        curves.append(Curve(s, d, label, tuple(points), label_at if label else None))
    width = (lefts[-1] + widths[-1] + PAD) if columns else 2 * PAD
    return Layout(width, tallest + 2 * PAD, placed, tuple(curves), "layered")


def _route(chain, centre, sizes, rank, lefts, widths) -> tuple[list[Point], Point]:
    """The edge through its waypoints as cubic pieces: straight within a column, a curve with
    level ends between columns."""
    s, d = chain[0], chain[-1]
    sx, sy = centre[s]
    points: list[Point] = [(sx + sizes[s][0] / 2, sy)]

    def straight(to: Point) -> None:
        (x0, y0), (x1, y1) = points[-1], to
        if x1 - x0 > 0.01:
            points.extend([(x0 + (x1 - x0) / 3, y0), (x0 + 2 * (x1 - x0) / 3, y1), to])

    def across(to: Point) -> None:
        (x0, y0), (x1, y1) = points[-1], to
        mid = (x0 + x1) / 2
        points.extend([(mid, y0), (mid, y1), to])

    straight((lefts[rank[s]] + widths[rank[s]], sy))
    label_at: Point | None = None
    for k in chain[1:]:
        c = rank[k]
        y = centre[k][1]
        before = points[-1]
        across((lefts[c], y))
        if label_at is None:
            label_at = ((before[0] + lefts[c]) / 2, (before[1] + y) / 2 - 4)
        if k == d:
            straight((centre[d][0] - sizes[d][0] / 2, y))
        else:
            straight((lefts[c] + widths[c], y))
    return points, label_at or points[0]
