"""Environments on the directory provider: one module, two targets, each its own stack; how
one is chosen, what validate checks, `gp envs`, `gp plan --all-envs` and saved plans."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from cli_helpers import GP
from env_helpers import ENVS, commit, edit, git, record, repository

import gp as gp_api
from gp.render.markdown import LIMIT

CRON = "deploy-{env}/{ns}/cronworkflow/nightly.yaml"


@pytest.fixture
def module(tmp_path: Path) -> Path:
    return repository(tmp_path / "repo")


def applied(gp: GP, module: Path, env: str, *extra: str) -> str:
    run = gp("apply", "-C", module, "--env", env, "--auto-approve", "--no-color", *extra)
    assert run.code == 0, run
    return run.out


def test_each_environment_is_its_own_stack_with_its_own_variables(gp: GP, module: Path) -> None:
    applied(gp, module, "dev")
    applied(gp, module, "prod", "--var", "schedule=0 4 * * *")
    dev = yaml.safe_load((module / CRON.format(env="dev", ns="pipeline-dev")).read_text())
    prod = yaml.safe_load((module / CRON.format(env="prod", ns="pipeline")).read_text())
    assert dev["spec"]["schedules"] == ["*/15 * * * *"]  # the environment's variables
    assert prod["spec"]["schedules"] == ["0 4 * * *"]  # --var still wins
    assert dev["metadata"]["labels"]["gp.dev/stack"] == "geo-dev"
    assert prod["metadata"]["labels"]["gp.dev/stack"] == "geo-prod"
    head = git(module.parent, "rev-parse", "HEAD")
    assert (record(module, "dev")["commit"], record(module, "dev")["dirty"]) == (head, False)
    assert gp("plan", "-C", module, "--env", "dev", "--detailed-exitcode").code == 0
    # A dirty tree is recorded as such.
    edit(module / "main.gp.hcl", "2.9.0", "2.9.1")
    applied(gp, module, "dev")
    assert record(module, "dev")["dirty"] is True


def test_an_environment_is_chosen_by_flag_variable_or_default(
    gp: GP, module: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = gp("plan", "-C", module, "--no-color")
    assert run.code == 1
    assert "this module declares the environments dev, prod: choose one with --env NAME" in (
        run.err
    ), run
    monkeypatch.setenv("GP_ENV", "prod")
    assert "pipeline/nightly" in gp("plan", "-C", module, "--no-color").out
    monkeypatch.delenv("GP_ENV")
    run = gp("plan", "-C", module, "--env", "prd")
    assert run.err.strip() == (
        'Error: unknown environment "prd"; this module declares dev, prod; did you mean "prod"?'
    ), run
    edit(module / "main.gp.hcl", 'promote_from = "dev"', 'promote_from = "dev"\n  default = true')
    assert "pipeline/nightly" in gp("plan", "-C", module, "--no-color").out
    assert gp_api.Stack(module).plan().raw.environment == "prod"
    assert gp_api.Stack(module, env="dev").plan().raw.environment == "dev"


def test_env_on_a_module_without_environments_is_an_error(gp: GP, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "main.gp.hcl").write_text(
        'provider "directory" {\n  path = "deploy"\n}\n'
        + ENVS[ENVS.index('workflow_template "sen2cor"') :].replace("var.schedule", '"0 1 * * *"')
    )
    run = gp("plan", "-C", root, "--env", "dev")
    assert run.code == 1
    assert "--env dev: this module declares no environments" in run.err


def errors(gp: GP, root: Path) -> list[str]:
    run = gp("validate", "-C", root, "--no-color")
    assert run.code == 1, run
    return re.findall(r"^Error: (.*)$", run.err, flags=re.M)


def line(root: Path, needle: str) -> int:
    text = (root / "main.gp.hcl").read_text().splitlines()
    return next(i for i, t in enumerate(text, start=1) if needle in t)


def test_validate_checks_environments(gp: GP, module: Path) -> None:
    main = module / "main.gp.hcl"
    edit(main, 'path      = "deploy-prod"', 'path      = "deploy-dev"')
    edit(main, 'promote_from = "dev"', 'promote_from = "staging"\n  default = true')
    edit(main, "variables = {", "default = true\n  variables = { nope = 1,")
    main.write_text(
        main.read_text() + '\nprovider "directory" {\n  path = "elsewhere"\n}\n'
        '\nmodule "child" {\n  source = "./child"\n}\n'
    )
    (module / "child").mkdir()
    (module / "child" / "main.gp.hcl").write_text(
        'environment "x" {\n  provider "directory" {\n    path = "x"\n  }\n}\n'
    )
    found = errors(gp, module)
    prod = line(module, 'environment "prod"')
    expected = [
        f'main.gp.hcl:{prod}:1: environments "dev" and "prod" have the same target (the '
        f"folder {(module / 'deploy-dev').resolve()}): each environment needs its own",
        f'main.gp.hcl:{prod}:1: environment "prod": promote_from names no environment: "staging"',
        f'main.gp.hcl:{prod}:1: environment "prod": only one environment can be the default; '
        '"dev" is already',
    ]
    assert expected[0] in found, found
    assert expected[1] in found, found
    assert expected[2] in found, found
    outside = [t for t in found if "has its provider blocks inside them" in t]
    block = line(module, 'path = "elsewhere"') - 1
    assert outside and outside[0].startswith(f"main.gp.hcl:{block}:1:"), found
    assert any(
        t.startswith("child/main.gp.hcl:1:1: An environment block is only allowed in the root")
        for t in found
    ), found
    assert any('sets the variable "nope", which the module does not declare' in t for t in found)


def test_validate_without_an_environment_checks_each(gp: GP, module: Path) -> None:
    assert gp("validate", "-C", module).code == 0
    # Only dev's value breaks the cron's schedule: validate finds it without --env.
    edit(module / "main.gp.hcl", '"*/15 * * * *"', '"every quarter hour"')
    run = gp("validate", "-C", module, "--no-color")
    assert run.code == 1 and "every quarter hour" in run.err, run
    assert gp("validate", "-C", module, "--env", "prod").code == 0


def test_gp_envs_lists_each_environment(gp: GP, module: Path) -> None:
    applied(gp, module, "dev")
    run = gp("envs", "-C", module, "--no-color")
    assert run.code == 0, run
    lines = run.out.splitlines()
    assert lines[0].split() == [
        "ENV",
        "TARGET",
        "LAST",
        "APPLY",
        "DRIFT",
        "LAST",
        "RUNS",
        "PROMOTION",
    ]
    head = git(module.parent, "rev-parse", "--short=7", "HEAD")
    assert lines[1].startswith("dev ") and head in lines[1] and "(no engine)" in lines[1]
    assert lines[2].startswith("prod ") and "never" in lines[2] and "from dev" in lines[2]
    doc = json.loads(gp("envs", "-C", module, "--format", "json").out)
    dev, prod = doc["environments"]
    assert (dev["name"], dev["stack"], dev["drift"], dev["objects"]) == ("dev", "geo-dev", "no", 2)
    assert dev["target"]["provider"] == "directory" and dev["runs"] is None
    assert (prod["promote_from"], prod["applied_at"]) == ("dev", None)
    # A hand edit in dev's folder is drift.
    edit(module / CRON.format(env="dev", ns="pipeline-dev"), "*/15", "*/5")
    doc = json.loads(gp("envs", "-C", module, "--format", "json").out)
    assert doc["environments"][0]["drift"] == "yes"


def test_plan_all_envs_in_markdown_has_a_section_each(gp: GP, module: Path) -> None:
    applied(gp, module, "dev")
    run = gp("plan", "-C", module, "--all-envs", "--format", "markdown", "--detailed-exitcode")
    assert run.code == 2, run
    sections = run.out.split("\n---\n")
    assert len(sections) == 2 and len(run.out) <= LIMIT
    assert sections[0].startswith("## gp plan for environment `dev` (stack `geo-dev`)")
    assert "No changes." in sections[0]
    assert "## gp plan for environment `prod` (stack `geo-prod`)" in sections[1]
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in sections[1]


def test_a_saved_plan_names_its_environment(gp: GP, module: Path, tmp_path: Path) -> None:
    out = tmp_path / "dev.plan"
    assert gp("plan", "-C", module, "--env", "dev", "--out", out).code == 0
    run = gp("apply", "-C", module, "--env", "prod", out)
    assert run.code == 1
    assert "the plan was made for environment 'dev', not environment 'prod'; apply it with " in (
        run.err
    )
    assert gp("apply", "-C", module, out).code == 0  # the plan's own environment
    assert record(module, "dev")["objects"]


def test_a_commit_that_changes_nothing_is_still_recorded(gp: GP, module: Path) -> None:
    applied(gp, module, "dev")
    (module.parent / "README").write_text("docs\n")
    head = commit(module.parent, "Docs only")
    run = gp("plan", "-C", module, "--env", "dev", "--detailed-exitcode")
    assert run.code == 0, run  # not a change
    out = applied(gp, module, "dev")
    assert f"The stack's record now names commit {head[:12]}." in out
    assert record(module, "dev")["commit"] == head


@pytest.mark.parametrize(
    "command",
    [
        ("plan",),
        ("apply",),
        ("destroy",),
        ("show",),
        ("state", "list"),
        ("state", "mv"),
        ("state", "rm"),
        ("state", "restore"),
        ("state", "show"),
        ("import",),
        ("unlock",),
        ("run",),
        ("watch",),
        ("runs",),
        ("logs",),
        ("stop",),
        ("resubmit",),
        ("ui",),
        ("test",),
        ("validate",),
        ("render",),
        ("graph",),
        ("envs",),
        ("promote",),
    ],
)
def test_every_command_that_reaches_a_target_takes_env(gp: GP, command: tuple[str, ...]) -> None:
    run = gp(*command, "--help")
    assert run.code == 0, run
    assert "--env NAME" in run.out and "GP_ENV" in run.out, run.out
