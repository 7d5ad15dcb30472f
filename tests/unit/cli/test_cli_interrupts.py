"""Ctrl-C and a lost lock during `gp apply` / `gp destroy`, in-process on the directory provider.

The signal is real (os.kill of this process) and arrives at a chosen point: a progress hook
that runs after the k-th write finished and before the next one starts.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from cli_helpers import GP

from gp.cli import output
from gp.cli.interrupts import StopOnInterrupt
from gp.providers.directory import DirectoryProvider

N = 8

MODULE = f"""
gp {{
  stack = "many"
}}

provider "directory" {{
  path      = "deploy"
  namespace = "pipeline"
}}

workflow_template "t" {{
  count = {N}
  name  = "t-${{count.index}}"
  step "a" {{
    container {{
      image   = "busybox"
      command = ["true"]
    }}
  }}
}}
"""


@pytest.fixture
def many(tmp_path: Path) -> Path:
    root = tmp_path / "many"
    root.mkdir()
    (root / "main.gp.hcl").write_text(MODULE)
    return root


def _after(monkeypatch, k: int, act) -> None:
    """Run ``act`` once the k-th object is written (the CLI's progress hook)."""
    done: list[str] = []

    def hook(change, error):
        done.append(change.address)
        if len(done) == k:
            act()

    monkeypatch.setattr(output, "apply_progress", lambda no_color: hook)


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def _files(root: Path) -> set[str]:
    return {p.stem for p in (root / "deploy" / "pipeline" / "workflowtemplate").glob("*.yaml")}


def _recorded(root: Path) -> set[str]:
    path = root / "deploy" / ".gp" / "many.json"
    if not path.exists():
        return set()
    return {o["name"] for o in json.loads(path.read_text())["objects"].values()}


def _honest_plan(gp: GP, root: Path, add: int, destroy: int = 0) -> None:
    run = gp("plan", "-C", root, "--no-color")
    assert run.code == 0, run
    assert f"Plan: {add} to add, 0 to change, {destroy} to destroy." in run.out, run
    assert "outside" not in run.out, "no false drift"
    assert "not managed" not in run.out and "gp import" not in run.out, run


def test_ctrl_c_during_apply_saves_the_record_reports_and_exits_130(gp: GP, many, monkeypatch):
    _after(monkeypatch, 3, _ctrl_c)
    run = gp("apply", "-C", many, "--auto-approve", "--no-color")
    assert run.code == 130, run
    assert "Interrupt received: no new write will start" in run.err
    assert "Apply stopped: interrupted (Ctrl-C)." in run.err
    assert "Applied:" in run.err and "Not attempted:" in run.err
    assert (
        f"3 added, 0 changed, 0 destroyed before stopping; 0 failed, {N - 3} not attempted"
        in run.err
    )
    assert "Error: aborted" not in run.err
    assert _files(many) == _recorded(many) == {"t-0", "t-1", "t-2"}
    assert not (many / "deploy" / ".gp" / "many.lock").exists(), "the lock is released"
    shown = gp("show", "-C", many, "--no-color")
    # By object name: the output also holds the temp path, whose pytest-NNN may contain "t-3".
    assert (
        all(f"pipeline/t-{i}" in shown.out for i in range(3)) and "pipeline/t-3" not in shown.out
    ), shown
    _honest_plan(gp, many, add=N - 3)
    monkeypatch.setattr(output, "apply_progress", lambda no_color: None)
    assert gp("apply", "-C", many, "--auto-approve").code == 0
    assert _files(many) == _recorded(many) == {f"t-{i}" for i in range(N)}


def test_ctrl_c_during_destroy_keeps_what_is_left_in_the_record(gp: GP, many, monkeypatch):
    assert gp("apply", "-C", many, "--auto-approve").code == 0
    _after(monkeypatch, 5, _ctrl_c)
    run = gp("destroy", "-C", many, "--auto-approve", "--no-color")
    assert run.code == 130, run
    assert "0 added, 0 changed, 5 destroyed before stopping" in run.err, run
    assert len(_files(many)) == N - 5 and _files(many) == _recorded(many)
    _honest_plan(gp, many, add=5)
    # A destroy plan now names exactly what is left.
    run = gp("plan", "-C", many, "--destroy", "--no-color")
    assert f"Plan: 0 to add, 0 to change, {N - 5} to destroy." in run.out, run


def test_a_lock_lost_during_apply_stops_it_and_says_so(gp: GP, many, monkeypatch):
    def unlock_behind_its_back():
        lock = json.loads((many / "deploy" / ".gp" / "many.lock").read_text())
        DirectoryProvider(many / "deploy", "pipeline").unlock("many", lock["lock_id"])

    _after(monkeypatch, 2, unlock_behind_its_back)
    run = gp("apply", "-C", many, "--auto-approve", "--no-color")
    assert run.code == 1, run
    assert "Apply stopped: the stack's lock was lost: the lock" in run.err
    assert "was released while this run held it" in run.err
    assert f"{N - 2} not attempted" in run.err and "run gp plan before applying again" in run.err
    assert "Apply complete" not in run.out + run.err
    assert _files(many) == _recorded(many) == {"t-0", "t-1"}
    _honest_plan(gp, many, add=N - 2)


def test_ctrl_c_outside_the_writes_exits_130_not_aborted(gp: GP, many, monkeypatch):
    """Before any write (here while reading the target) Ctrl-C is click's Abort: still 130."""
    from gp import operations

    def interrupted_read(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(operations, "plan", interrupted_read)
    run = gp("apply", "-C", many, "--auto-approve")
    assert run.code == 130 and "Error: interrupted" in run.err, run
    assert not (many / "deploy").exists(), "nothing written, the lock released"


def test_a_second_ctrl_c_exits_at_once_and_says_what_may_be_left():
    said, exits = [], []
    stop = StopOnInterrupt("abc-123", say=said.append, exit_now=exits.append)
    stop.handle()
    assert stop.interrupted() and not exits
    stop.handle()
    assert exits == [130]
    assert "may still take effect without the stack's record knowing" in said[-1]
    assert "gp unlock abc-123" in said[-1] and "gp plan" in said[-1]


def test_the_handler_is_only_installed_while_writing():
    before = signal.getsignal(signal.SIGINT)
    with StopOnInterrupt("x") as stop:
        assert signal.getsignal(signal.SIGINT) == stop.handle
    assert signal.getsignal(signal.SIGINT) == before
