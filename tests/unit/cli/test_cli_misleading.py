"""Errors that must say what is wrong and what to do, not mislead (a typo is not "No changes",
a user's mistake is not an "internal error")."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import GP, TEMPLATE, module


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve")])
def test_a_target_that_matches_nothing_fails_with_the_closest_address(gp: GP, tmp_path: Path, command) -> None:
    root = module(tmp_path, TEMPLATE + TEMPLATE.replace('"t"', '"other"'))
    assert gp("apply", "--auto-approve", "-C", root).code == 0
    run = gp(*command, "-C", root, "--target", "workflow_template.tt")
    assert run.code == 1, run
    assert 'Error: --target "workflow_template.tt" matches no object of this stack; did you mean ' \
           '"workflow_template.t"?' in run.err
    assert "No changes" not in run.out


def test_a_module_target_that_matches_nothing_fails(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    run = gp("plan", "-C", root, "--target", "module.nope")
    assert run.code == 1, run
    assert 'Error: --target "module.nope" matches no object of this stack' in run.err


@pytest.mark.parametrize("address", ["workflow_template", "template.t", "workflow_template.t[",
                                     "workflow_template.t.extra", "", "module"])
def test_a_malformed_target_is_a_usage_error(gp: GP, tmp_path: Path, address: str) -> None:
    root = module(tmp_path, TEMPLATE)
    run = gp("plan", "-C", root, "--target", address)
    assert run.code == 1, run
    assert "Invalid value for '--target'" in run.err and "is not an address" in run.err
    assert "Usage: gp plan" in run.err
    assert not (root / "deploy").exists()


@pytest.mark.parametrize("address", ['workflow_template.t', 'module.m["a"].cron_workflow.c[0]', "module.m",
                                     'manifest.x["k.y"]'])
def test_well_formed_targets_are_accepted(address: str) -> None:
    from gp.planner.targets import address_problem

    assert address_problem(address) is None


def test_an_object_of_another_stack_names_that_stack(gp: GP, tmp_path: Path) -> None:
    first = module(tmp_path, TEMPLATE, name="first")
    second = module(tmp_path, TEMPLATE, name="second")
    text = (second / "main.gp.hcl").read_text()
    (second / "main.gp.hcl").write_text(text.replace('"errs"', '"other"').replace('"deploy"', '"../first/deploy"'))
    assert gp("apply", "--auto-approve", "-C", first).code == 0
    run = gp("plan", "-C", second)
    assert run.code == 1, run
    assert ("WorkflowTemplate pipeline/t exists and belongs to the stack 'errs': remove it from that "
            "stack's configuration") in run.err
    assert "gp import" not in run.err
    run = gp("import", "-C", second, "workflow_template.t", "pipeline/t")
    assert run.code == 1 and "already belongs to the stack 'errs'" in run.err, run
