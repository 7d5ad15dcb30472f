"""The geometry of every example's DAG drawing: no edge passes through a box that is not one of
its ends, no label sits on a box, no two boxes overlap. Checked on the SVG itself, for gp's
layered layout and, where Graphviz is installed, for dot's (the notebook and the UI share it)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

import gp
from gp.external.graphviz import find_dot
from gp.render import svg
from gp.render.graph import Dag, dags_for
from gp.render.layout import Layouts

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted(p.parent.name for p in (REPO / "examples").glob("*/main.gp.hcl"))
NS = "{http://www.w3.org/2000/svg}"
ENGINES = ["layered"] + (["dot"] if find_dot() else [])


def _cubic(p0, p1, p2, p3, steps: int = 32):
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        yield (
            a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
        )


def _points(d: str):
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
    start = pairs[0]
    for i in range(1, len(pairs) - 2, 3):
        yield from _cubic(start, pairs[i], pairs[i + 1], pairs[i + 2])
        start = pairs[i + 2]


def _inside(point, box, margin: float = 1.0) -> bool:
    x, y, w, h = box
    return x + margin < point[0] < x + w - margin and y + margin < point[1] < y + h - margin


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _failover(versions: int) -> Dag:
    """A longer Sen2Cor fail-over: each version after the one before failed, and finalize after
    any of them succeeded: edges that skip columns full of boxes."""
    chain = [f"sen2cor-{i}" for i in range(versions)]
    edges = [("preprocess", chain[0], "")]
    edges += [(a, b, "Failed") for a, b in itertools.pairwise(chain)]
    edges += [(c, "finalize", "Succeeded") for c in chain] + [(chain[-1], "all-failed", "Failed")]
    return Dag("synthetic", "main", ["preprocess", *chain, "all-failed", "finalize"], edges)


def drawings(engine: str):
    for versions in (3, 6):
        nodes, edges = svg.nodes_of(_failover(versions))
        layouts = Layouts(use_dot=engine == "dot")
        yield f"failover-{versions}", svg.draw(nodes, edges, "main", layouts)
    for name in EXAMPLES:
        for dag in dags_for(gp.Stack(REPO / "examples" / name).compile().objects):
            nodes, edges = svg.nodes_of(dag)
            layouts = Layouts(use_dot=engine == "dot")
            yield f"{name}/{dag.template}", svg.draw(nodes, edges, dag.template, layouts)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_edge_crosses_a_box_and_no_label_sits_on_one(engine: str) -> None:
    checked = 0
    for where, picture in drawings(engine):
        root = ElementTree.fromstring(picture)
        assert root.get("data-layout") == engine
        boxes = {}
        for g in root.iter(f"{NS}g"):
            rect = g.find(f"{NS}rect")
            if g.get("data-task") is not None and rect is not None:
                boxes[g.get("data-task")] = tuple(
                    float(rect.get(k)) for k in ("x", "y", "width", "height")
                )
        for a in boxes:
            for b in boxes:
                assert a == b or not _overlap(boxes[a], boxes[b]), (where, a, b)
        for g in root.iter(f"{NS}g"):
            source, target = g.get("data-source"), g.get("data-target")
            if source is None:
                continue
            path = g.find(f"{NS}path")
            for point in _points(path.get("d")):
                for task, box in boxes.items():
                    if task not in (source, target):
                        assert not _inside(point, box), (
                            f"{where}: {source} -> {target} crosses {task}"
                        )
            checked += 1
            label = g.find(f"{NS}text")
            if label is not None:
                x, y = float(label.get("x")), float(label.get("y"))
                width = len(label.text or "") * 6.0
                shape = (x - width / 2, y - 9, width, 10)
                for task, box in boxes.items():
                    assert not _overlap(shape, box), f"{where}: label {label.text!r} on {task}"
    expected = sum(
        len(dag.edges)
        for name in EXAMPLES
        for dag in dags_for(gp.Stack(REPO / "examples" / name).compile().objects)
    )
    expected += sum(len(_failover(v).edges) for v in (3, 6))
    assert checked == expected > 10  # every example's edges, not an empty loop


def test_the_notebook_and_the_ui_use_one_layout() -> None:
    """gp.Stack.graph draws with the UI's layout: dot where installed."""
    graph = gp.Stack(REPO / "examples" / "sen2cor").graph()
    html = graph._repr_html_()
    assert f'data-layout="{"dot" if find_dot() else "layered"}"' in html
