"""The README's quick start, as a process: `gp plan`, `gp apply`, `gp plan` on examples/sen2cor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_helpers import files_under


def gp_process(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GP_DEBUG", "NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "gp", *map(str, argv)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_readme_quick_start_plans_applies_and_converges(workspace: Path) -> None:
    run = gp_process("plan", "-C", "examples/sen2cor", cwd=workspace)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith("Plan: 1 to add, 0 to change, 0 to destroy."), run.stdout
    assert run.stderr == ""

    run = gp_process("apply", "-C", "examples/sen2cor", "--auto-approve", cwd=workspace)
    assert run.returncode == 0, run.stderr
    assert "Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in run.stdout
    deploy = workspace / "examples" / "sen2cor" / "deploy"
    assert files_under(deploy) == [".gp/sen2cor.json", "pipeline/workflowtemplate/sen2cor.yaml"]

    run = gp_process("plan", "-C", "examples/sen2cor", "--detailed-exitcode", cwd=workspace)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "No changes. Your pipelines match the configuration."
