"""`gp cron suspend` and `gp cron resume` on the directory provider, as a user types them: the
override is written to the cron and recorded (who, when, why), later plans show it as a note
(`--detailed-exitcode` stays 0), apply keeps it until resumed or the module sets `suspend`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import GP, edit, load

CRON = "deploy/pipeline/cronworkflow/nightly-sen2cor.yaml"
ADDR = "cron_workflow.nightly-sen2cor"


@pytest.fixture
def nightly(workspace: Path, gp: GP) -> Path:
    root = workspace / "examples" / "nightly"
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    return root


def _record(root: Path) -> dict:
    return json.loads((root / "deploy/.gp/nightly.json").read_text())


def test_suspend_is_kept_by_plan_and_apply_until_resumed(gp: GP, nightly: Path) -> None:
    run = gp("cron", "suspend", ADDR, "--reason", "disk full on the archive", "-C", nightly)
    assert run.code == 0, run
    assert load(nightly / CRON)["spec"]["suspend"] is True
    (override,) = _record(nightly)["overrides"]
    assert (override["address"], override["path"], override["value"]) == (
        ADDR,
        "spec.suspend",
        True,
    )
    assert override["reason"] == "disk full on the archive" and override["by"] and override["at"]

    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 0, run  # a note, not a change
    assert (
        f"Note: {ADDR}: suspended by {override['by']} since {override['at']}: disk full on the "
        "archive (override, kept)"
    ) in run.out
    assert "No changes." in run.out

    # A change of the cron elsewhere is applied; the suspension stays.
    edit(
        nightly / "main.gp.hcl",
        'concurrency_policy            = "Forbid"',
        'concurrency_policy = "Replace"',
    )
    run = gp("apply", "-C", nightly, "--auto-approve")
    assert run.code == 0, run
    assert "suspend" not in "".join(
        line for line in run.out.splitlines() if line.strip().startswith(("~", "-", "+"))
    )
    spec = load(nightly / CRON)["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"]) == ("Replace", True)
    assert len(_record(nightly)["overrides"]) == 1

    run = gp("cron", "resume", ADDR, "-C", nightly)
    assert run.code == 0, run
    assert "suspend" not in load(nightly / CRON)["spec"]
    assert "overrides" not in _record(nightly)
    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 0 and "Note:" not in run.out, run


def test_the_module_setting_suspend_ends_the_override(gp: GP, nightly: Path) -> None:
    assert gp("cron", "suspend", ADDR, "-C", nightly).code == 0
    edit(nightly / "main.gp.hcl", "  timezone ", "  suspend = false\n  timezone ")
    run = gp("plan", "-C", nightly, "--detailed-exitcode")
    assert run.code == 2, run
    assert "(override ends: the module now sets suspend = false)" in run.out
    assert "suspend" in run.out and "true -> false" in run.out
    assert gp("apply", "-C", nightly, "--auto-approve").code == 0
    assert load(nightly / CRON)["spec"]["suspend"] is False
    assert "overrides" not in _record(nightly)


def test_what_cannot_be_suspended_or_resumed_is_said(gp: GP, nightly: Path) -> None:
    run = gp("cron", "suspend", "cron_workflow.nightly", "-C", nightly)
    assert run.code == 1
    assert 'did you mean "cron_workflow.nightly-sen2cor"?' in run.err
    run = gp("cron", "suspend", "workflow_template.sen2cor-nightly", "-C", nightly)
    assert (
        "is not a cron_workflow of this stack; its crons: cron_workflow.nightly-sen2cor" in run.err
    )
    run = gp("cron", "resume", ADDR, "-C", nightly)
    assert (run.code, run.err.strip()) == (1, f"Error: {ADDR} is not suspended")
    # Suspended by hand (the Argo UI would do the same): drift, which apply undoes.
    edit(nightly / CRON, "spec:\n", "spec:\n  suspend: true\n")
    run = gp("cron", "resume", ADDR, "-C", nightly)
    assert "was suspended outside gp, not by gp cron suspend" in run.err


def test_a_cron_not_applied_yet_cannot_be_suspended(gp: GP, workspace: Path) -> None:
    root = workspace / "examples" / "nightly"
    run = gp("cron", "suspend", ADDR, "-C", root)
    assert (run.code, run.err.strip()) == (1, f"Error: {ADDR} is not applied (run gp apply first)")
