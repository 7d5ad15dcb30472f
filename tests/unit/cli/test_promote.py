"""`gp promote ENV` on the directory provider, in a git repository: it plans ENV with the
module as it was at the commit last applied to the environment it promotes from, never
touching the user's tree, and refuses what should not be promoted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cli_helpers import GP
from env_helpers import commit, edit, git, record, repository

WT = "deploy-{env}/{ns}/workflowtemplate/sen2cor.yaml"


@pytest.fixture
def module(tmp_path: Path) -> Path:
    return repository(tmp_path / "repo")


def applied(gp: GP, module: Path, env: str) -> str:
    run = gp("apply", "-C", module, "--env", env, "--auto-approve", "--no-color")
    assert run.code == 0, run
    return run.out


def image(module: Path, env: str) -> str:
    ns = "pipeline-dev" if env == "dev" else "pipeline"
    manifest = yaml.safe_load((module / WT.format(env=env, ns=ns)).read_text())
    return manifest["spec"]["templates"][1]["container"]["image"]


def bumped(gp: GP, module: Path, version: str) -> str:
    """A new image committed and applied to dev; its commit."""
    main = module / "main.gp.hcl"
    edit(main, main.read_text().split('image = "')[1].split('"')[0], f"geo/sen2cor:{version}")
    head = commit(module.parent, f"sen2cor {version}")
    applied(gp, module, "dev")
    return head


def test_promote_plans_the_commit_dev_runs_and_leaves_the_users_tree_alone(
    gp: GP, module: Path, tmp_path: Path
) -> None:
    applied(gp, module, "dev")
    assert gp("promote", "prod", "-C", module, "--auto-approve").code == 0
    first = record(module, "prod")["commit"]
    head = bumped(gp, module, "2.10.0")
    # Work in progress in the user's tree: not committed, so not promoted, and left as it is.
    edit(module / "main.gp.hcl", "geo/sen2cor:2.10.0", "geo/sen2cor:3.0.0-rc")
    status_before = git(module.parent, "status", "--porcelain")

    out = tmp_path / "promote.plan"
    run = gp("promote", "prod", "-C", module, "--out", out, "--no-color")
    assert run.code == 0, run
    assert f"Promoting dev's commit {head[:12]} to prod" in run.out
    assert f"1 commit since prod's {first[:12]}:" in run.out
    assert f"  {head[:7]} sen2cor 2.10.0" in run.out
    assert '~ container.image = "geo/sen2cor:2.9.0" -> "geo/sen2cor:2.10.0"' in run.out
    assert "3.0.0-rc" not in run.out
    assert git(module.parent, "status", "--porcelain") == status_before
    assert len(git(module.parent, "worktree", "list").splitlines()) == 1  # the checkout is gone

    # Applied as any saved plan: by its own environment only.
    wrong = gp("apply", "-C", module, "--env", "dev", out)
    assert wrong.code == 1 and "made for environment 'prod'" in wrong.err, wrong
    assert gp("apply", "-C", module, out).code == 0
    assert image(module, "prod") == "geo/sen2cor:2.10.0"
    assert (record(module, "prod")["commit"], record(module, "prod")["dirty"]) == (head, False)
    stale = gp("apply", "-C", module, out)
    assert stale.code == 1 and "stale" in stale.err, stale
    envs = gp("envs", "-C", module, "--no-color").out
    assert "from dev: up to date" in envs


def test_relative_target_paths_start_from_the_users_module_folder(gp: GP, module: Path) -> None:
    applied(gp, module, "dev")
    assert gp("promote", "prod", "-C", module, "--auto-approve").code == 0
    assert (module / "deploy-prod" / ".gp" / "geo-prod.json").is_file()


def test_promote_refuses_a_dirty_source(gp: GP, module: Path) -> None:
    edit(module / "main.gp.hcl", "2.9.0", "2.9.1")
    applied(gp, module, "dev")  # from a tree with uncommitted changes
    run = gp("promote", "prod", "-C", module, "--force")
    assert run.code == 1
    assert 'environment "dev" was last applied from a tree with uncommitted changes' in run.err
    assert not (module / "deploy-prod").exists()


def test_promote_refuses_drift_in_the_source_unless_forced(gp: GP, module: Path) -> None:
    applied(gp, module, "dev")
    edit(module / WT.format(env="dev", ns="pipeline-dev"), "2.9.0", "2.9.9-hotfix")
    run = gp("promote", "prod", "-C", module, "--auto-approve")
    assert run.code == 1
    assert 'environment "dev" has drift (workflow_template.sen2cor)' in run.err, run
    assert "or promote with --force" in run.err
    run = gp("promote", "prod", "-C", module, "--auto-approve", "--force", "--no-color")
    assert run.code == 0, run
    assert 'Warning: promoted with --force although environment "dev" has drift' in run.out
    assert image(module, "prod") == "geo/sen2cor:2.9.0"  # the commit's, not the hand edit's


def test_promote_needs_a_source_with_a_commit(gp: GP, module: Path) -> None:
    run = gp("promote", "prod", "-C", module)
    assert run.code == 1
    assert 'environment "dev" has no commit on record' in run.err
    run = gp("promote", "dev", "-C", module)
    assert run.code == 1
    assert 'environment "dev" promotes from nothing: set promote_from' in run.err


def test_promote_through_the_api(module: Path) -> None:
    import gp as gp_api

    gp_api.Stack(module, env="dev").apply()
    plan = gp_api.Stack(module, env="prod").promote()
    assert plan.environment == "prod" and plan.summary == {"add": 2, "change": 0, "destroy": 0}
    result = gp_api.Stack(module, env="prod").apply(plan)
    assert result.ok
