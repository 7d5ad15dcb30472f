"""Errors that must say what is wrong and what to do, not mislead (a typo is not "No changes",
a user's mistake is not an "internal error")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import GP, TEMPLATE, module


@pytest.mark.parametrize(
    "command", [("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve")]
)
def test_a_target_that_matches_nothing_fails_with_the_closest_address(
    gp: GP, tmp_path: Path, command
) -> None:
    root = module(tmp_path, TEMPLATE + TEMPLATE.replace('"t"', '"other"'))
    assert gp("apply", "--auto-approve", "-C", root).code == 0
    run = gp(*command, "-C", root, "--target", "workflow_template.tt")
    assert run.code == 1, run
    assert (
        'Error: --target "workflow_template.tt" matches no object of this stack; did you mean '
        '"workflow_template.t"?' in run.err
    )
    assert "No changes" not in run.out


def test_a_module_target_that_matches_nothing_fails(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    run = gp("plan", "-C", root, "--target", "module.nope")
    assert run.code == 1, run
    assert 'Error: --target "module.nope" matches no object of this stack' in run.err


@pytest.mark.parametrize(
    "address",
    [
        "workflow_template",
        "template.t",
        "workflow_template.t[",
        "workflow_template.t.extra",
        "",
        "module",
    ],
)
def test_a_malformed_target_is_a_usage_error(gp: GP, tmp_path: Path, address: str) -> None:
    root = module(tmp_path, TEMPLATE)
    run = gp("plan", "-C", root, "--target", address)
    assert run.code == 1, run
    assert "Invalid value for '--target'" in run.err and "is not an address" in run.err
    assert "Usage: gp plan" in run.err
    assert not (root / "deploy").exists()


@pytest.mark.parametrize(
    "address",
    ["workflow_template.t", 'module.m["a"].cron_workflow.c[0]', "module.m", 'manifest.x["k.y"]'],
)
def test_well_formed_targets_are_accepted(address: str) -> None:
    from gp.planner.targets import address_problem

    assert address_problem(address) is None


def test_an_object_of_another_stack_names_that_stack(gp: GP, tmp_path: Path) -> None:
    first = module(tmp_path, TEMPLATE, name="first")
    second = module(tmp_path, TEMPLATE, name="second")
    text = (second / "main.gp.hcl").read_text()
    (second / "main.gp.hcl").write_text(
        text.replace('"errs"', '"other"').replace('"deploy"', '"../first/deploy"')
    )
    assert gp("apply", "--auto-approve", "-C", first).code == 0
    run = gp("plan", "-C", second)
    assert run.code == 1, run
    assert (
        "WorkflowTemplate pipeline/t exists and belongs to the stack 'errs': remove it from that "
        "stack's configuration"
    ) in run.err
    assert "gp import" not in run.err
    run = gp("import", "-C", second, "workflow_template.t", "pipeline/t")
    assert run.code == 1 and "already belongs to the stack 'errs'" in run.err, run


def test_ignore_changes_paths_are_checked_against_the_schema(gp: GP, tmp_path: Path) -> None:
    paths = [
        'spec.templates["main"].container.image',
        '"spec.retry_strategy"',
        "spec.tmplates",
        "spec.entrypoint.x",
        'metadata.labels["team"]',
        "spec.arguments.parameters[0].value",
        'spec.templates["a"].steps[0][1].arguments',
        "spec.templates[0][1]",
    ]
    body = TEMPLATE.replace(
        'workflow_template "t" {',
        'workflow_template "t" {\n  lifecycle {\n'
        "    ignore_changes = [\n" + "".join(f"      {p},\n" for p in paths) + "    ]\n  }",
    )
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


def test_a_malformed_ignore_changes_path_is_an_error_where_it_is_written(
    gp: GP, tmp_path: Path
) -> None:
    body = TEMPLATE.replace(
        'workflow_template "t" {',
        'workflow_template "t" {\n  lifecycle {\n    ignore_changes = ["spec..x"]\n  }',
    )
    root = module(tmp_path, body)
    run = gp("validate", "-C", root)
    line = (root / "main.gp.hcl").read_text().splitlines().index(
        '    ignore_changes = ["spec..x"]'
    ) + 1
    assert run.code == 1, run
    assert run.err.splitlines() == [
        f"Error: main.gp.hcl:{line}:23: ignore_changes: invalid path 'spec..x' at character 5; write a path "
        'such as spec.templates["main"].container.image'
    ]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["changes"][0].update(address=5),
            "changes[0].address must be a string, not a number",
        ),
        (
            lambda d: d["changes"][0].update(after="x"),
            "changes[0].after must be an object, not a string",
        ),
        (
            lambda d: d["changes"][0]["ref"].update(name=["t"]),
            "changes[0].ref.name must be a string, not a list",
        ),
        (
            lambda d: d["changes"][0].update(fields={}),
            "changes[0].fields must be a list, not an object",
        ),
        (
            lambda d: d["changes"][0].update(action="explode"),
            "changes[0].action is 'explode', not one of",
        ),
        (lambda d: d.update(sensitive=[1]), "sensitive[0] must be a string, not a number"),
        (
            lambda d: d["objects"][0]["lifecycle"].update(prevent_destroy="no"),
            "objects[0].lifecycle.prevent_destroy must be true or false, not a string",
        ),
        (
            lambda d: d["objects"][0].update(pos=["f", "x", 1]),
            "objects[0].pos must be [file, line, column]",
        ),
        (lambda d: d.update(target=[]), "target must be an object, not a list"),
    ],
)
def test_a_plan_file_field_of_the_wrong_type_is_named(
    gp: GP, tmp_path: Path, mutate, message: str
) -> None:
    import json

    root = module(tmp_path, TEMPLATE)
    saved = tmp_path / "plan.json"
    assert gp("plan", "-C", root, "--out", saved).code == 0
    doc = json.loads(saved.read_text())
    mutate(doc)
    saved.write_text(json.dumps(doc))
    for command in (
        ("show", saved),
        ("show", "--format", "json", saved),
        ("apply", "-C", root, saved),
    ):
        run = gp(*command)
        assert run.code == 1, run
        assert run.err.startswith(f"Error: {saved}: plan file is damaged: {message}"), run
    assert not (root / "deploy").exists()


def test_out_into_a_missing_folder_fails_before_planning(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, TEMPLATE)
    run = gp("plan", "-C", root, "--out", "plans/next.json")
    assert run.code == 1, run
    assert (
        run.err
        == 'Error: --out plans/next.json: the folder "plans" does not exist; create it first\n'
    ), run
    assert run.out == ""  # refused before the plan was made and printed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("garbage", "is not a kubeconfig: expected a mapping with clusters, contexts and users"),
        (
            "[1,2",
            "is not valid YAML: expected ',' or ']', but got '<stream end>' (line 1, column 5)",
        ),
        ("clusters: 5", "is malformed: a field has the wrong type or shape (TypeError: "),
        (
            "apiVersion: v1\nclusters:\n- cluster: {server: 5}\n  name: x\ncontexts: [{name: c, context: "
            "{cluster: x, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n",
            "is malformed: a field has the wrong type or shape (AttributeError: ",
        ),
    ],
)
def test_a_garbage_kubeconfig_is_named(gp: GP, tmp_path: Path, content: str, message: str) -> None:
    root = tmp_path / "mod"
    root.mkdir()
    (root / "main.gp.hcl").write_text(
        'provider "kubernetes" {\n  kubeconfig = "kc"\n}\n' + TEMPLATE
    )
    (root / "kc").write_text(content)
    run = gp("plan", "-C", root)
    assert run.code == 1, run
    assert run.err.startswith(f"Error: the kubeconfig {root / 'kc'} {message}"), run
    assert "internal error" not in run.err


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "[" * 300 + "]" * 300,
        "x = " + "+".join(["1"] * 2000),
        "x = jsonencode(" + "{a = " * 400 + "1" + "}" * 400 + ")",
    ],
)
def test_nesting_past_the_limit_is_an_error_at_its_place(
    gp: GP, tmp_path: Path, source: str
) -> None:
    root = module(tmp_path, "locals {\n  " + source + "\n}\n")
    for command in ("validate", "plan"):
        run = gp(command, "-C", root)
        assert run.code == 1, run
        assert re.fullmatch(
            r"Error: main\.gp\.hcl:10:\d+: Nested too deeply: gp reads at most 100 levels "
            r"of brackets, calls, operators and blocks inside one another; move inner parts "
            r"into locals\n",
            run.err,
        ), run


def test_nesting_below_the_limit_works(gp: GP, tmp_path: Path) -> None:
    root = module(tmp_path, "locals {\n  x = " + "[" * 95 + "]" * 95 + "\n}\n" + TEMPLATE)
    assert gp("validate", "-C", root).code == 0
    assert gp("plan", "-C", root).code == 0
