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


def test_ignore_changes_paths_are_checked_against_the_schema(gp: GP, tmp_path: Path) -> None:
    paths = ['spec.templates["main"].container.image', '"spec.retry_strategy"', "spec.tmplates",
             "spec.entrypoint.x", 'metadata.labels["team"]', "spec.arguments.parameters[0].value",
             'spec.templates["a"].steps[0][1].arguments', "spec.templates[0][1]"]
    body = TEMPLATE.replace('workflow_template "t" {', 'workflow_template "t" {\n  lifecycle {\n'
                            '    ignore_changes = [\n' + "".join(f"      {p},\n" for p in paths) + "    ]\n  }")
    root = module(tmp_path, body)
    run = gp("validate", "-C", root)
    lines = (root / "main.gp.hcl").read_text().splitlines()

    def at(needle: str) -> str:
        number = next(i for i, line in enumerate(lines, 1) if line.strip() == needle + ",")
        return f"main.gp.hcl:{number}:7"

    assert run.code == 1, run
    assert run.err.splitlines() == [
        f'Error: {at(paths[1])}: ignore_changes "spec.retry_strategy": "retry_strategy" is not a field of '
        'spec (WorkflowSpec); did you mean "retryStrategy"?',
        f'Error: {at(paths[2])}: ignore_changes "spec.tmplates": "tmplates" is not a field of spec '
        '(WorkflowSpec); did you mean "templates"?',
        f'Error: {at(paths[3])}: ignore_changes "spec.entrypoint.x": spec.entrypoint is a value; it has '
        'no field "x"',
        f'Error: {at(paths[7])}: ignore_changes "spec.templates[0][1]": spec.templates[0] (Template) has '
        "fields, not entries: expected a field name, not [1]",
    ], run


def test_a_malformed_ignore_changes_path_is_an_error_where_it_is_written(gp: GP, tmp_path: Path) -> None:
    body = TEMPLATE.replace('workflow_template "t" {', 'workflow_template "t" {\n  lifecycle {\n'
                            '    ignore_changes = ["spec..x"]\n  }')
    root = module(tmp_path, body)
    run = gp("validate", "-C", root)
    line = (root / "main.gp.hcl").read_text().splitlines().index('    ignore_changes = ["spec..x"]') + 1
    assert run.code == 1, run
    assert run.err.splitlines() == [
        f"Error: main.gp.hcl:{line}:23: ignore_changes: invalid path 'spec..x' at character 5; write a path "
        'such as spec.templates["main"].container.image']
