"""The offline commands end to end: fmt, render, graph, init, import --generate-config."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from cli_helpers import GP, TEMPLATE, Run, files_under, module

UGLY = 'variable "x" {\n      type = string\n  default="a"\n}\n'


def test_fmt_check_diff_and_rewrite(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    ugly = root / "vars.gp.hcl"
    ugly.write_text(UGLY)
    run = gp("fmt", "-C", root, "--check")
    assert run.code == 3 and run.out.strip().endswith("vars.gp.hcl"), run
    assert ugly.read_text() == UGLY

    run = gp("fmt", "-C", root, "--check", "--diff")
    assert run.code == 3
    assert "-      type = string\n" in run.out and '+  default = "a"\n' in run.out, run
    assert ugly.read_text() == UGLY

    assert gp("fmt", "-C", root).code == 0
    assert ugly.read_text() == 'variable "x" {\n  type    = string\n  default = "a"\n}\n'
    assert gp("fmt", "-C", root, "--check") == Run(0, "", "")


def test_render_is_byte_identical_and_writes_files(gp: GP, workspace: Path, tmp_path: Path) -> None:
    sen2cor = workspace / "examples" / "sen2cor"
    for fmt in ("yaml", "json"):
        first = gp("render", "-C", sen2cor, "--format", fmt)
        assert first.code == 0 and first.out, first
        assert gp("render", "-C", sen2cor, "--format", fmt).out == first.out
    docs = list(yaml.safe_load_all(gp("render", "-C", sen2cor).out))
    assert [d["kind"] for d in docs] == ["WorkflowTemplate"]
    assert json.loads(gp("render", "-C", sen2cor, "--format", "json").out) in (docs, docs[0])

    out = tmp_path / "rendered"
    run = gp("render", "-C", sen2cor, "--out", out)
    assert run.code == 0 and str(out) in run.err, run
    written = files_under(out)
    assert len(written) == 1 and written[0].endswith(".yaml")
    assert yaml.safe_load((out / written[0]).read_text()) == docs[0]


def test_graph_formats(gp: GP, workspace: Path) -> None:
    diamond = workspace / "examples" / "whalesay-diamond"
    text = gp("graph", "-C", diamond)
    assert text.code == 0 and "D <- B, C" in text.out.replace("D <- C, B", "D <- B, C"), text
    dot = gp("graph", "-C", diamond, "--format", "dot").out
    assert dot.startswith("digraph") and dot.count("->") == 4
    mermaid = gp("graph", "-C", diamond, "--format", "mermaid").out
    assert mermaid.startswith("flowchart") and mermaid.count("-->") == 4
    run = gp("graph", "-C", diamond, "workflow_template.nope")
    assert run.code == 1 and "workflow_template.nope" in run.err, run


def test_init_writes_a_module_that_validates_and_plans(gp: GP, tmp_path: Path) -> None:
    run = gp("init", "-C", tmp_path, "starter")
    assert run.code == 0, run
    root = tmp_path / "starter"
    assert gp("validate", "-C", root).out.startswith("Success!")
    plan = gp("plan", "-C", root, "--detailed-exitcode")
    assert plan.code == 2 and "Plan: 2 to add, 0 to change, 0 to destroy." in plan.out, plan
    assert gp("fmt", "-C", root, "--check").code == 0

    before = (root / "main.gp.hcl").read_text()
    again = gp("init", "-C", tmp_path, "starter")
    assert again.code == 1 and "never overwrites" in again.err, again
    assert (root / "main.gp.hcl").read_text() == before


HANDMADE = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: hello
  namespace: pipeline
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: say
        template: say
      - name: done
        template: say
        depends: say
  - name: say
    container:
      image: busybox:1.36
      command: [echo, hi]
"""


def test_import_generate_config_renders_back_to_the_yaml(gp: GP, tmp_path: Path) -> None:
    source = tmp_path / "hello.yaml"
    source.write_text(HANDMADE)
    root = module(tmp_path, "")
    run = gp("import", "-C", root, "--generate-config", "hello.gp.hcl", source)
    assert run.code == 0, run
    assert (root / "hello.gp.hcl").exists()
    assert gp("validate", "-C", root).code == 0

    rendered = yaml.safe_load(gp("render", "-C", root).out)
    meta = rendered["metadata"]
    assert meta.pop("labels") == {"app.kubernetes.io/managed-by": "gp", "gp.dev/stack": "errs"}
    assert meta.pop("annotations") == {"gp.dev/address": "workflow_template.hello"}
    assert rendered == yaml.safe_load(HANDMADE)

    again = gp("import", "-C", root, "--generate-config", "hello.gp.hcl", source)
    assert again.code == 1 and "already exists" in again.err, again
