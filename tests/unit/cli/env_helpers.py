"""A module with two environments on the directory provider, in a git repository of its own,
for the environment and promotion tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ENVS = """\
gp {
  stack = "geo"
}

environment "dev" {
  provider "directory" {
    path      = "deploy-dev"
    namespace = "pipeline-dev"
  }
  variables = { schedule = "*/15 * * * *" }
}

environment "prod" {
  provider "directory" {
    path      = "deploy-prod"
    namespace = "pipeline"
  }
  promote_from = "dev"
}

variable "schedule" {
  type    = string
  default = "0 2 * * *"
}

workflow_template "sen2cor" {
  step "correct" {
    container {
      image = "geo/sen2cor:2.9.0"
    }
  }
}

cron_workflow "nightly" {
  schedules         = [var.schedule]
  workflow_template = workflow_template.sen2cor
}
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def repository(root: Path, main: str = ENVS) -> Path:
    """``root`` as a git repository holding the module in ``root/pipelines``, committed."""
    module = root / "pipelines"
    module.mkdir(parents=True)
    (module / "main.gp.hcl").write_text(main)
    (root / ".gitignore").write_text("deploy-*/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "ci@example.com")
    git(root, "config", "user.name", "CI")
    commit(root, "First pipelines")
    return module


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new))


def record(module: Path, env: str) -> dict:
    return json.loads((module / f"deploy-{env}" / ".gp" / f"geo-{env}.json").read_text())
