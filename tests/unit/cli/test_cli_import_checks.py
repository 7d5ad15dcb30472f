"""`gp import --generate-config` tells what became of a Workflow, and writes nothing it cannot prove."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import GP, module

WORKFLOW = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
  - name: main
    container:
      image: busybox
"""


def test_a_workflow_comes_with_a_note(gp: GP, tmp_path: Path) -> None:
    (tmp_path / "wf.yaml").write_text(WORKFLOW)
    root = module(tmp_path, "")
    run = gp("import", "-C", root, "--generate-config", "wf.gp.hcl", tmp_path / "wf.yaml")
    assert run.code == 0, run
    assert run.err.startswith(
        f"Note: {tmp_path / 'wf.yaml'}: a Workflow is one run: its spec is declared as the "
        'WorkflowTemplate "hello" (from its generateName "hello-"); run it with: argo submit '
        "--from workflowtemplate/hello\n"
    ), run
    assert "# a Workflow is one run" in (root / "wf.gp.hcl").read_text()
    assert gp("validate", "-C", root).code == 0


def test_what_gp_cannot_express_fails_and_writes_nothing(gp: GP, tmp_path: Path) -> None:
    (tmp_path / "wf.yaml").write_text(
        WORKFLOW.replace("image: busybox", "image: busybox\n      imagePolicy: x")
    )
    root = module(tmp_path, "")
    run = gp("import", "-C", root, "--generate-config", "wf.gp.hcl", tmp_path / "wf.yaml")
    assert run.code == 1, run
    assert run.err == (
        f"Error: {tmp_path / 'wf.yaml'}: Workflow hello: spec.templates[0].container.imagePolicy: "
        '"imagePolicy" is not a field of Argo\'s Container (did you mean "imagePullPolicy"?); '
        "gp cannot express it\n"
    ), run
    assert not (root / "wf.gp.hcl").exists()
