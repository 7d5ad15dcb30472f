"""`gp state list | show | mv | rm | restore` on the directory provider: the record and the
objects' marks change together, each change keeps a backup beside the record, and unknown
addresses are named with the closest one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cli_helpers import GP
from record_helpers import addresses, template, write

import gp as gp_api

FILE = "deploy/pipeline/workflowtemplate/{}.yaml"
BACKUP = "deploy/.gp/moves.backup.json"


@pytest.fixture
def stack(gp: GP, tmp_path: Path) -> Path:
    body = (
        template("a", name="a")
        + template("b", name="b")
        + """
module "geo" {
  source = "./geo"
}
"""
    )
    root = write(tmp_path / "m", body, {"geo": template("t", name="t")})
    assert gp("apply", "-C", root, "--auto-approve").code == 0
    return root


def mark(root: Path, name: str) -> dict:
    meta = yaml.safe_load((root / FILE.format(name)).read_text())["metadata"]
    return {**(meta.get("labels") or {}), **(meta.get("annotations") or {})}


def test_list_and_show(gp: GP, stack: Path) -> None:
    run = gp("state", "list", "-C", stack)
    assert run.out.splitlines() == [
        "module.geo.workflow_template.t",
        "workflow_template.a",
        "workflow_template.b",
    ]
    assert gp("state", "list", "-C", stack, "module.geo").out.splitlines() == [
        "module.geo.workflow_template.t"
    ]
    run = gp("state", "show", "-C", stack, "workflow_template.a")
    assert run.out.startswith("# workflow_template.a: WorkflowTemplate pipeline/a\n"), run
    assert "image: geo/sen2cor:2.9.0" in run.out
    shown = json.loads(
        gp("state", "show", "-C", stack, "workflow_template.a", "--format", "json").out
    )
    assert (shown["kind"], shown["name"], shown["applied"]["metadata"]["name"]) == (
        "WorkflowTemplate",
        "a",
        "a",
    )


def test_unknown_addresses_are_named_with_the_closest(gp: GP, stack: Path) -> None:
    for args in (
        ("show", "workflow_template.aa"),
        ("mv", "workflow_template.aa", "workflow_template.c"),
        ("rm", "workflow_template.aa"),
        ("list", "workflow_template.aa"),
    ):
        run = gp("state", *args, "-C", stack)
        assert run.code == 1, run
        assert run.err.strip() == (
            "Error: workflow_template.aa is not in the record of stack 'moves'; "
            'did you mean "workflow_template.a"?'
        ), run
    assert not (stack / BACKUP).exists()  # nothing changed, nothing backed up


def test_mv_changes_record_and_mark_then_the_plan_is_clean(gp: GP, stack: Path) -> None:
    run = gp("state", "mv", "-C", stack, "workflow_template.a", "workflow_template.c")
    assert run.code == 0, run
    assert "Moved workflow_template.a to workflow_template.c." in run.out
    assert mark(stack, "a")["gp.dev/address"] == "workflow_template.c"
    assert (stack / BACKUP).exists()
    main = stack / "main.gp.hcl"
    main.write_text(main.read_text().replace('workflow_template "a"', 'workflow_template "c"'))
    assert gp("plan", "-C", stack, "--detailed-exitcode").code == 0
    # A module's every object moves with it.
    run = gp("state", "mv", "-C", stack, "module.geo", "module.eo")
    assert "Moved module.geo.workflow_template.t to module.eo.workflow_template.t." in run.out
    taken = gp("state", "mv", "-C", stack, "workflow_template.b", "workflow_template.c")
    assert taken.code == 1 and "already holds workflow_template.c" in taken.err


def test_rm_forgets_and_restore_undoes_it(gp: GP, stack: Path) -> None:
    run = gp("state", "rm", "-C", stack, "workflow_template.b")
    assert run.code == 0, run
    assert "the object stays, without gp's marks" in run.out
    assert "gp.dev/stack" not in mark(stack, "b")
    assert (stack / FILE.format("b")).exists()
    assert addresses(stack) == ["module.geo.workflow_template.t", "workflow_template.a"]
    # The configuration still declares it: gp will not take it back silently.
    plan = gp("plan", "-C", stack)
    assert "exists and is not managed by this stack; use gp import" in plan.err

    run = gp("state", "restore", "-C", stack)
    assert run.code == 0, run
    assert "Restored the record of stack moves from its backup (3 objects)" in run.out
    assert mark(stack, "b")["gp.dev/stack"] == "moves"
    assert gp("plan", "-C", stack, "--detailed-exitcode").code == 0
    # The record restore replaced is the backup now: restoring again redoes the rm.
    gp("state", "restore", "-C", stack)
    assert addresses(stack) == ["module.geo.workflow_template.t", "workflow_template.a"]


def test_restore_without_a_backup_says_so(gp: GP, stack: Path) -> None:
    run = gp("state", "restore", "-C", stack)
    assert run.code == 1
    assert "has no backup of its record" in run.err


def test_state_commands_wait_for_the_lock(gp: GP, stack: Path) -> None:
    with gp_api.Stack(stack).lock():
        run = gp("state", "rm", "-C", stack, "workflow_template.b")
        assert run.code == 1
        assert "lock" in run.err.lower(), run
    assert "workflow_template.b" in addresses(stack)


def test_the_api_does_what_the_commands_do(stack: Path) -> None:
    api = gp_api.Stack(stack)
    assert api.state().list() == addresses(stack)
    change = api.state().mv("workflow_template.a", "workflow_template.z")
    assert change.moved == (("workflow_template.a", "workflow_template.z"),)
    assert api.state().show("workflow_template.z")["name"] == "a"
    api.state().restore()
    assert "workflow_template.a" in api.state().list()
