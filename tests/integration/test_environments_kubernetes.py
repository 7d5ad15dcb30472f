"""Two namespaces of the dev cluster as two environments of one module, with Argo's engine:
apply and run in dev, promote to prod (refused while dev's last run of the changed pipeline
failed), run in prod, and `gp envs` showing both."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from kubernetes import client
from life_helpers import Cluster

from gp.cli.main import main
from gp.devcluster.scenario import SCENARIO_ANNOTATION, EngineScenario

pytestmark = [pytest.mark.integration, pytest.mark.engine]

MODULE = """\
gp {{
  stack = "etl"
}}

environment "dev" {{
  provider "kubernetes" {{
    kubeconfig = "{kubeconfig}"
    namespace  = "{dev}"
  }}
  variables = {{ schedule = "*/15 * * * *" }}
}}

environment "prod" {{
  provider "kubernetes" {{
    kubeconfig = "{kubeconfig}"
    namespace  = "{prod}"
  }}
  promote_from = "dev"
}}

variable "schedule" {{
  type    = string
  default = "0 2 * * *"
}}

workflow_template "etl" {{
  step "extract" {{
    container {{
      image   = "alpine:3.20"
      command = ["echo", "extract"]
    }}
  }}
}}

cron_workflow "nightly" {{
  schedules         = [var.schedule]
  workflow_template = workflow_template.etl
}}
"""
ADDR = "workflow_template.etl"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def prod_namespace(kube) -> str:
    name = f"prod-{uuid.uuid4().hex[:6]}"
    client.CoreV1Api(kube).create_namespace({"metadata": {"name": name}})
    return name


@pytest.fixture
def repo(tmp_path, dev_cluster, namespace, prod_namespace) -> Path:
    root = tmp_path / "repo"
    module = root / "pipelines"
    module.mkdir(parents=True)
    (module / "main.gp.hcl").write_text(
        MODULE.format(kubeconfig=dev_cluster.kubeconfig(), dev=namespace, prod=prod_namespace)
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "ci@example.com")
    git(root, "config", "user.name", "CI")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "etl")
    return module


def gp(capsys, module: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*args, "-C", str(module), "--no-color"])
    out, err = capsys.readouterr()
    return code, out, err


def scenario(**kw) -> str:
    return f"{SCENARIO_ANNOTATION}={EngineScenario(**kw).to_annotation()}"


def test_two_namespaces_as_two_environments_with_a_promotion_and_runs(
    engine, kube, capsys, repo, namespace, prod_namespace
) -> None:
    dev, prod = Cluster(kube, namespace), Cluster(kube, prod_namespace)
    code, out, err = gp(capsys, repo, "apply", "--env", "dev", "--auto-approve")
    assert code == 0, err
    assert dev.get("CronWorkflow", "nightly")["spec"]["schedules"] == ["*/15 * * * *"]
    assert dev.get("WorkflowTemplate", "etl")["metadata"]["labels"]["gp.dev/stack"] == "etl-dev"
    assert dev.record("etl-dev") is not None and prod.get("WorkflowTemplate", "etl") is None

    code, out, err = gp(capsys, repo, "run", ADDR, "--env", "dev", "--wait")
    assert code == 0, err
    code, out, err = gp(capsys, repo, "promote", "prod", "--auto-approve")
    assert code == 0, out + err
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in out
    assert prod.get("CronWorkflow", "nightly")["spec"]["schedules"] == ["0 2 * * *"]
    assert prod.get("WorkflowTemplate", "etl")["metadata"]["labels"]["gp.dev/stack"] == "etl-prod"
    code, out, err = gp(capsys, repo, "run", ADDR, "--env", "prod", "--wait")
    assert code == 0, err

    # A new image, applied to dev, whose run there fails: not promoted.
    main_hcl = repo / "main.gp.hcl"
    main_hcl.write_text(main_hcl.read_text().replace("alpine:3.20", "alpine:3.21"))
    git(repo.parent, "commit", "-q", "-am", "alpine 3.21")
    assert gp(capsys, repo, "apply", "--env", "dev", "--auto-approve")[0] == 0
    code, out, err = gp(capsys, repo, "promote", "prod", "--auto-approve")
    assert code == 1 and f"{ADDR} has not run in dev since it was last applied there" in err, err
    failing = scenario(outcomes={"extract": ("Failed",)})
    code, out, err = gp(
        capsys, repo, "run", ADDR, "--env", "dev", "--wait", "--annotation", failing
    )
    assert code == 1, out + err
    code, out, err = gp(capsys, repo, "promote", "prod", "--auto-approve")
    assert code == 1
    assert f"{ADDR}'s last run in dev" in err and "Failed" in err, err
    assert "or promote with --force" in err

    envs = json.loads(gp(capsys, repo, "envs", "--format", "json")[1])["environments"]
    by_name = {e["name"]: e for e in envs}
    assert [r["phase"] for r in by_name["dev"]["runs"]] == ["Failed"]
    assert [r["phase"] for r in by_name["prod"]["runs"]] == ["Succeeded"]
    assert by_name["prod"]["behind"] == 1 and by_name["dev"]["drift"] == "no"
    text = gp(capsys, repo, "envs")[1]
    assert "behind dev by 1 commit" in text and "etl Failed" in text

    # Run again until it succeeds: the promotion goes through.
    assert gp(capsys, repo, "run", ADDR, "--env", "dev", "--wait")[0] == 0
    code, out, err = gp(capsys, repo, "promote", "prod", "--auto-approve")
    assert code == 0, out + err
    assert "1 commit since prod's" in out and "alpine 3.21" in out
    image = prod.get("WorkflowTemplate", "etl")["spec"]["templates"][1]["container"]["image"]
    assert image == "alpine:3.21"
    assert gp(capsys, repo, "run", ADDR, "--env", "prod", "--wait")[0] == 0
    envs = json.loads(gp(capsys, repo, "envs", "--format", "json")[1])["environments"]
    assert {e["name"]: e["behind"] for e in envs}["prod"] == 0
