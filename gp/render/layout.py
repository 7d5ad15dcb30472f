"""Where the boxes and edges of a DAG drawing go: one layout for the UI and the notebook.

Graphviz's ``dot`` places them where it is installed (gp/external/graphviz.py runs it): ranks,
crossing reduction and splines routed around the boxes. Without it, a layered layout of gp's
own (gp/render/layered.py) does the same job in the same shape: columns by rank, long edges
routed through the gaps between the boxes of the columns they cross. Either way no edge is drawn
through a box that is not one of its ends. Layouts are cached by the graph's shape, so a page
shown again, or a run's DAG redrawn with new phases, does not lay out again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock

from gp.errors import GPError
from gp.external.graphviz import dot_json, find_dot

POINTS = 72.0  # dot's unit: points, 72 an inch
CHAR_W = 7.2  # the width of one character of the boxes' 12px font, in points (generous)
LINE_H = 16.0
NODESEP, RANKSEP = 18.0, 40.0  # between boxes of a column, between columns (dot's points)


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
    points: tuple[tuple[float, float], ...]  # cubic bezier: a start, then 3 points a piece
    label_at: tuple[float, float] | None


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    boxes: dict[str, Placed]
    curves: tuple[Curve, ...]
    engine: str = "dot"  # "dot" or "layered": which placed it


Edges = Sequence[tuple[str, str, str]]  # (source, target, label)


class Layouts:
    """The layout of a drawing, with a small cache of recent ones (the UI holds one; a notebook
    makes one per picture; there is no global). ``dot`` is the path of Graphviz's dot; found on
    the PATH when not given; ``use_dot=False`` takes the layered layout whatever is installed."""

    def __init__(self, size: int = 256, dot: str | None = None, use_dot: bool = True) -> None:
        self._cache: OrderedDict[str, Layout] = OrderedDict()
        self._size = size
        self._lock = Lock()
        self._dot = (dot or find_dot()) if use_dot else None

    @property
    def engine(self) -> str:
        return "dot" if self._dot else "layered"

    def layout(self, boxes: Sequence[Box], edges: Edges) -> Layout:
        source = _dot_source(boxes, edges)
        key = hashlib.sha256(f"{self.engine}\n{source}".encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = self._run(source, boxes, edges)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found

    def _run(self, source: str, boxes: Sequence[Box], edges: Edges) -> Layout:
        if self._dot:
            try:
                return _parse(dot_json(source, self._dot), [b.key for b in boxes], edges)
            except GPError:
                pass  # a dot that fails (killed, broken) leaves the drawing to gp's own layout
        from gp.render.layered import layered

        return layered(boxes, edges)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_source(boxes: Sequence[Box], edges: Edges) -> str:
    # Node ids are numbers: task names may hold anything, and the json output keeps the order.
    ids = {b.key: f"n{i}" for i, b in enumerate(boxes)}
    lines = [
        "digraph g {",
        f"  rankdir=LR; nodesep={NODESEP / POINTS:.2f}; ranksep={RANKSEP / POINTS:.2f};",
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


def _parse(doc: dict, keys: list[str], edges: Edges) -> Layout:
    _, _, width, height = (float(v) for v in doc["bb"].split(","))

    def flip(x: str | float, y: str | float) -> tuple[float, float]:
        return float(x), height - float(y)  # dot's y grows upwards

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
    return Layout(width, height, boxes, tuple(curves), "dot")
