"""Rich display: plans, results, diagnostics and DAGs render as HTML (SVG for DAGs) and
markdown, and a sensitive value never appears in any of them nor in a Change."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

from api_helpers import TEMPLATE, write_module

import gp

SECRET = "hunter2-very-secret"
SENSITIVE = f"""
variable "token" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}

workflow_template "secretive" {{
  step "use" {{
    container {{
      image   = "busybox:1.36"
      command = ["echo"]
      env = {{ TOKEN = var.token }}
    }}
  }}
}}
"""


def _svgs(html: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(m) for m in re.findall(r"<svg.*?</svg>", html, re.S)]


def test_the_plan_renders_as_a_table_and_as_markdown(workspace: Path):
    plan = gp.Stack(workspace / "examples" / "sen2cor").plan()
    html = plan._repr_html_()
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in html
    assert "<table" in html and "module.sen2cor.workflow_template.chain" in html
    assert "gp will perform the following actions" in html  # the CLI's text, folded
    assert plan._repr_markdown_() == plan.markdown()
    assert "**Plan: 1 to add, 0 to change, 0 to destroy.**" in plan.markdown()
    assert str(plan) == plan.text() and "\x1b[" not in plan.text()
    assert plan.to_dict()["summary"] == plan.summary


def test_a_changed_dag_is_drawn_with_its_changes(workspace: Path):
    root = workspace / "examples" / "sen2cor"
    gp.Stack(root).apply()
    main = root / "main.gp.hcl"
    main.write_text(main.read_text().replace('"2.9.0", "2.8.0", "2.5.5"', '"2.9.1", "2.8.0"'))
    plan = gp.Stack(root).plan()
    assert plan.summary == {"add": 0, "change": 1, "destroy": 0}
    [picture] = _svgs(plan._repr_html_())
    statuses = {
        g.get("data-task"): g.get("data-status")
        for g in picture.iter("{http://www.w3.org/2000/svg}g")
    }
    assert statuses["sen2cor-291"] in ("added", "renamed")
    assert statuses["sen2cor-255"] == "removed"
    assert statuses["preprocess"] == "unchanged"


def test_sensitive_values_are_masked_everywhere(tmp_path: Path):
    root = write_module(tmp_path / "m", SENSITIVE)
    stack = gp.Stack(root)
    plan = stack.plan()
    [change] = plan.changes
    shown = (
        json.dumps(change.after) + plan.text() + plan.markdown() + plan._repr_html_() + repr(plan)
    )
    assert SECRET not in shown and "(sensitive value)" in json.dumps(change.after)
    result = stack.apply(plan)
    assert SECRET not in result.text() + result._repr_html_() + result._repr_markdown_()
    # What apply writes (and objects()) holds the real value: only what is shown is masked.
    assert SECRET in json.dumps(stack.objects())
    main = root / "main.gp.hcl"
    main.write_text(main.read_text().replace('command = ["echo"]', 'command = ["printf"]'))
    update = gp.Stack(root).plan()
    saved = gp.Plan.load(update.save(tmp_path / "p.json"))
    for p in (update, saved):
        text = json.dumps(
            [
                (c.before, c.after, [(f.path, f.before, f.after) for f in c.fields])
                for c in p.changes
            ]
        )
        assert SECRET not in text + p._repr_html_() + p.markdown()


def test_diagnostics_render_with_their_positions(tmp_path: Path):
    root = write_module(tmp_path / "m", TEMPLATE.replace("var.image", "var.imag"))
    found = gp.Stack(root).validate()
    html, md = found._repr_html_(), found._repr_markdown_()
    where = f"{found[0].file}:{found[0].line}:{found[0].column}"
    assert "1 error" in html and where in html and where in md
    clean = gp.Stack(write_module(tmp_path / "ok", TEMPLATE)).validate()
    assert "The module is valid (1 object)" in clean._repr_html_()


def test_the_dag_is_an_svg_with_every_task_and_edge(workspace: Path):
    graph = gp.Stack(workspace / "examples" / "sen2cor").graph(
        "module.sen2cor.workflow_template.chain"
    )
    [picture] = _svgs(graph._repr_html_())
    ns = "{http://www.w3.org/2000/svg}"
    tasks = {g.get("data-task") for g in picture.iter(f"{ns}g") if g.get("data-task")}
    assert tasks == set(graph.tasks["main"])
    assert len(list(picture.iter(f"{ns}path"))) == len(graph.edges["main"]) + 1  # + the arrowhead
    labels = {t.text for t in picture.iter(f"{ns}text")}
    assert "Failed" in labels  # the fail-over edges are labelled with their condition
    boxes = [(float(r.get("x")), float(r.get("y"))) for r in picture.iter(f"{ns}rect")]
    assert len(set(boxes)) == len(boxes), "no two tasks drawn at one place"
    assert graph._repr_markdown_().startswith("```mermaid\nflowchart LR")


def test_the_layout_puts_each_task_right_of_what_it_waits_for(workspace: Path):
    from gp.render import svg
    from gp.render.graph import dags_for

    for name in ("sen2cor", "whalesay-diamond", "tiles", "nightly"):
        for dag in dags_for(gp.Stack(workspace / "examples" / name).compile().objects):
            nodes, edges = svg.nodes_of(dag)
            boxes = svg.layout(nodes, edges).boxes
            for e in edges:
                if e.source in boxes and e.source != e.target:
                    assert boxes[e.source].x < boxes[e.target].x, (name, e)
