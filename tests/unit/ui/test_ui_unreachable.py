"""gp ui with the cluster unreachable: each page shows what needs no cluster (the module, the
DAG, the YAML, the schedules) and says, in its place, that the cluster cannot be reached."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from ui_helpers import client_for

CHAIN = "module.sen2cor.workflow_template.chain"


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def unreachable(workspace: Path) -> Path:
    root = workspace / "examples/sen2cor"
    kubeconfig = root / "kubeconfig"
    server = f"https://127.0.0.1:{_closed_port()}"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        f"clusters: [{{name: c, cluster: {{server: '{server}', "
        "insecure-skip-tls-verify: true}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
    )
    main = root / "main.gp.hcl"
    text = main.read_text()
    start = text.index('provider "directory"')
    end = text.index("}", start) + 1
    main.write_text(
        text[:start]
        + 'provider "kubernetes" {\n  kubeconfig = "${path.module}/kubeconfig"\n'
        + '  namespace  = "pipeline"\n}'
        + text[end:]
    )
    return root


def test_each_page_degrades_by_section(unreachable):
    client = client_for(unreachable)
    pipeline = client.get(f"/pipelines/{CHAIN}")
    assert pipeline.status_code == 200, pipeline.text[-800:]
    assert 'data-task="sen2cor-290"' in pipeline.text and "Compiled YAML" in pipeline.text
    assert "cannot reach the Kubernetes API" in pipeline.text  # in the runs' place
    stack = client.get("/")
    assert stack.status_code == 200 and CHAIN in stack.text
    states = client.get("/?states=1")
    assert states.status_code == 200 and "cannot reach the Kubernetes API" in states.text
    schedules = client.get("/schedules")
    assert schedules.status_code == 200
    runs = client.get("/runs")
    assert runs.status_code == 200 and "cannot reach the Kubernetes API" in runs.text
    plan = client.get("/plan")
    assert plan.status_code == 503 and "cannot reach the Kubernetes API" in plan.text
