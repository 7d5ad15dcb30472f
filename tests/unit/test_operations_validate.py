"""gp validate reports evaluation errors and Argo checks together, without echoes."""

from __future__ import annotations

from pathlib import Path

from gp import operations

MODULE = """\
provider "directory" {
  path = "deploy"
}
workflow_template "etl" {
  activ_deadline_seconds = 10
  entrypoint = local.nope
  step "extract" {
    template = var.nope
  }
  step "load" {
    depends = "extrct.Succeeded"
    container { image = "busybox" }
  }
}
cron_workflow "etl-nightly" {
  schedule = "0 25 * * *"
  workflow_template = workflow_template.etll
}
"""


def test_all_errors_at_once_without_echoes(tmp_path: Path):
    (tmp_path / "main.gp.hcl").write_text(MODULE)
    count, diags = operations.validate(operations.Inputs(tmp_path))
    f = str(tmp_path / "main.gp.hcl")
    assert count == 2
    assert [str(d) for d in diags] == [
        f'{f}:5:3: unknown field "activ_deadline_seconds" in workflow_template "etl"; '
        'did you mean "active_deadline_seconds"?',
        f'{f}:6:16: Unknown local value "local.nope"',
        f'{f}:8:16: Unknown variable "var.nope"',
        f'{f}:11:5: task "load" depends on unknown task "extrct"; did you mean "extract"?',
        f'{f}:16:3: invalid schedule "0 25 * * *": the hour field "25" is not valid (allowed: 0-23)',
        f'{f}:17:23: Unknown workflow_template "workflow_template.etll"; '
        'did you mean "workflow_template.etl"?',
    ]


def test_valid_module_has_no_diagnostics(tmp_path: Path):
    (tmp_path / "main.gp.hcl").write_text(
        'provider "directory" {\n  path = "d"\n}\n'
        'workflow_template "t" {\n  step "a" {\n    container { image = "busybox" }\n  }\n}\n'
    )
    assert operations.validate(operations.Inputs(tmp_path)) == (1, [])
