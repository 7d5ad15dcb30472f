"""examples/ci's workflows move files by path: the plan gp writes is the one uploaded, the one
the pull request's comment shows and the one the apply job applies. Their steps are played here
on a workspace, with gp's own -C rule (gp.cli.main.chdir_from) resolving every path gp reads or
writes, so a path that misses is a failure, not upload-artifact's warning."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
import yaml

from gp.cli.main import chdir_from

CI = Path(__file__).parents[3] / "examples" / "ci"


def _commands(script: str) -> list[list[str]]:
    """Shell lines as argument lists (continuations joined); lines that are not gp's, gh's or
    the comment script's are skipped."""
    joined = script.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith(("gp ", "gh run download", "python3 pr_comment.py")):
            out.append(shlex.split(line.split(" #", 1)[0]))
    return out


def _gp_path(workspace: Path, args: list[str], path: str) -> str:
    """Where gp, run from the workspace with ``args``, finds ``path`` (relative to the
    workspace)."""
    saved = os.getcwd()
    os.chdir(workspace)
    try:
        chdir_from(args)
        return os.path.relpath(Path(path).resolve(), workspace.resolve())
    finally:
        os.chdir(saved)


def _option(args: list[str], *names: str) -> str | None:
    for i, arg in enumerate(args):
        if arg in names and i + 1 < len(args):
            return args[i + 1]
    return None


class Job:
    """A job's workspace: the files that exist, as its steps make and need them."""

    def __init__(self, workspace: Path, artifacts: dict[str, list[str]]):
        self.root = workspace
        self.files: set[str] = set()
        self.artifacts = artifacts
        self.problems: list[str] = []

    def need(self, path: str, who: str) -> None:
        if path not in self.files:
            self.problems.append(f"{who} reads {path}, which no step wrote")

    def gp(self, args: list[str]) -> None:
        command = args[1]
        redirect = args[args.index(">") + 1] if ">" in args else None
        args = args[: args.index(">")] if redirect else args
        if command == "plan" and _option(args, "--out"):
            self.files.add(_gp_path(self.root, args, _option(args, "--out")))
        if command in ("show", "apply") and len(args) > 2 and not args[2].startswith("-"):
            self.need(_gp_path(self.root, args, args[2]), f"gp {command}")
        if redirect:
            self.files.add(os.path.normpath(redirect))

    def step(self, step: dict) -> None:
        uses = step.get("uses", "")
        if uses.startswith("actions/upload-artifact"):
            path = os.path.normpath(step["with"]["path"])
            self.need(path, "upload-artifact")
            # A single file is stored under its own name at the artifact's root.
            self.artifacts[step["with"]["name"]] = [os.path.basename(path)]
        for args in _commands(step.get("run", "")):
            if args[0] == "gp":
                self.gp(args)
            elif args[:3] == ["gh", "run", "download"]:
                name, folder = _option(args, "--name", "-n"), _option(args, "--dir", "-D") or "."
                for f in self.artifacts.get(name or "", []):
                    self.files.add(os.path.normpath(os.path.join(folder, f)))
            elif args[:2] == ["python3", "pr_comment.py"]:
                self.need(os.path.normpath(_option(args, "--body-file") or ""), "pr_comment.py")


def _play(name: str, workspace: Path, artifacts: dict) -> list[str]:
    doc = yaml.safe_load((CI / name).read_text())
    problems = []
    for job in doc["jobs"].values():
        played = Job(workspace, artifacts)
        for step in job["steps"]:
            played.step(step)
        problems += played.problems
    return problems


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pipelines").mkdir()
    return tmp_path


def test_the_reviewed_plan_is_uploaded_and_is_the_one_applied(workspace):
    artifacts: dict[str, list[str]] = {}
    assert _play("plan.yaml", workspace, artifacts) == []
    assert artifacts, "plan.yaml uploads the plan"
    assert _play("apply.yaml", workspace, artifacts) == []


def test_the_drift_check_reads_what_it_wrote(workspace):
    assert _play("drift.yaml", workspace, {}) == []


def test_a_path_that_misses_is_found(workspace):
    job = Job(workspace, {})
    job.gp(["gp", "plan", "-C", "pipelines", "--out", "plan.json"])
    job.step({"uses": "actions/upload-artifact@v4", "with": {"name": "p", "path": "plan.json"}})
    assert job.problems == ["upload-artifact reads plan.json, which no step wrote"]
