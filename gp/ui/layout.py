"""Graph layout by Graphviz's `dot`: where each box and each edge's curve go.

gp draws the SVG itself (so that boxes carry the classes and data attributes the pages style and
update live), but the placement is dot's: ranks, crossing reduction and splines are what a
hand-written layout would get wrong. Layouts are cached by the graph's shape, so a page shown
again, or a run's DAG redrawn with new phases, does not lay out again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock

from gp.external.graphviz import dot_json, find_dot

POINTS = 72.0  # dot's unit: points, 72 an inch
CHAR_W = 7.2  # the width of one character of the boxes' 12px font, in points (generous)
LINE_H = 16.0


@dataclass(frozen=True)
class Box:
    """A node to place: its size comes from its lines of text."""

    key: str
    lines: tuple[str, ...]

    @property
    def size(self) -> tuple[float, float]:
        longest = max((len(line) for line in self.lines), default=4)
        return max(90.0, longest * CHAR_W + 24), max(34.0, len(self.lines) * LINE_H + 12)


@dataclass(frozen=True)
class Placed:
    key: str
    x: float  # centre, y down
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Curve:
    source: str
    target: str
    label: str
    points: tuple[tuple[float, float], ...]  # cubic bezier control points, y down
    label_at: tuple[float, float] | None


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: dict[str, Placed]
    curves: tuple[Curve, ...]


class Layouts:
    """dot, with a small cache of recent layouts (the UI holds one; there is no global)."""

    def __init__(self, size: int = 256, dot: str | None = None) -> None:
        self._cache: OrderedDict[str, Layout] = OrderedDict()
        self._size = size
        self._lock = Lock()
        self._dot = dot or find_dot()

    def layout(self, boxes: Sequence[Box], edges: Sequence[tuple[str, str, str]]) -> Layout:
        source = _dot_source(boxes, edges)
        key = hashlib.sha256(source.encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = self._run(source, [b.key for b in boxes], edges)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found

    def _run(self, source: str, keys: list[str], edges) -> Layout:
        return _parse(dot_json(source, self._dot), keys, edges)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_source(boxes: Sequence[Box], edges: Sequence[tuple[str, str, str]]) -> str:
    # Node ids are numbers: task names may hold anything, and the json output keeps the order.
    ids = {b.key: f"n{i}" for i, b in enumerate(boxes)}
    lines = [
        "digraph g {",
        "  rankdir=LR; nodesep=0.25; ranksep=0.55;",
        '  node [shape=box fixedsize=true label=""]; edge [arrowhead=none];',
    ]
    for b in boxes:
        w, h = b.size
        lines.append(f"  {ids[b.key]} [width={w / POINTS:.3f} height={h / POINTS:.3f}];")
    for i, (src, dst, label) in enumerate(edges):
        if src in ids and dst in ids:
            # The label's text is sized like a box's so that dot leaves room for it.
            attrs = f' [label={_q(label)} fontsize=10 id="e{i}"]' if label else f' [id="e{i}"]'
            lines.append(f"  {ids[src]} -> {ids[dst]}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _parse(doc: dict, keys: list[str], edges) -> Layout:
    _, _, width, height = (float(v) for v in doc["bb"].split(","))
    flip = lambda x, y: (float(x), height - float(y))  # noqa: E731 - dot's y grows upwards
    boxes: dict[str, Placed] = {}
    for obj in doc.get("objects") or []:
        name = obj.get("name", "")
        if not name.startswith("n") or "pos" not in obj:
            continue
        key = keys[int(name[1:])]
        x, y = flip(*obj["pos"].split(","))
        boxes[key] = Placed(key, x, y, float(obj["width"]) * POINTS, float(obj["height"]) * POINTS)
    curves = []
    for e in doc.get("edges") or []:
        index = int(str(e.get("id", "e-1"))[1:])
        if index < 0:
            continue
        src, dst, label = edges[index]
        points: tuple[tuple[float, float], ...] = ()
        for op in e.get("_draw_") or []:
            if op.get("op") in ("b", "B"):
                points = tuple(flip(*p) for p in op["points"])
        label_at = flip(*e["lp"].split(",")) if e.get("lp") else None
        curves.append(Curve(src, dst, label, points, label_at))
    return Layout(width, height, boxes, tuple(curves))
