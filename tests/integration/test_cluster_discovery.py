"""A 404 is not "absent" when the server is not Kubernetes or does not serve the kind: gp asks
the server what it serves (discovery) and names what is missing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from life_helpers import TEMPLATE, Run, write_module

pytestmark = pytest.mark.integration

BINDING = """
manifest "binding" {
  content = {
    apiVersion = "argoproj.io/v1alpha1"
    kind       = "WorkflowEventBinding"
    metadata   = { name = "on-event" }
    spec       = { event = { selector = "true" } }
  }
}
"""


@pytest.fixture(scope="module")
def templates_only(dev_cluster, dev_binaries):
    """An API server of its own on the session's etcd that serves the WorkflowTemplate CRD and
    no other of Argo's (the engine needs them all on the default server)."""
    from kubernetes import client as kube

    from gp.devcluster import cluster as dc
    from gp.devcluster.crds import apply_crds, project_crds, wait_served
    from gp.devcluster.kubeconfig import api_client

    info = dc.start_apiserver(dev_cluster, dev_binaries, "templates-only", die_with_parent=True)
    with api_client(Path(info.kubeconfig)) as api:
        only = [c for c in project_crds() if c["spec"]["names"]["kind"] == "WorkflowTemplate"]
        apply_crds(api, only)
        wait_served(api, only)
        kube.CoreV1Api(api).create_namespace({"metadata": {"name": "discovery"}})
    return Path(info.kubeconfig)


def test_a_kind_whose_crd_is_not_installed_is_named_at_plan(templates_only, capsys, tmp_path):
    """WorkflowEventBinding's CRD is not served there: before discovery it was planned
    "will be created" and failed at apply."""
    root = write_module(
        tmp_path / "stack",
        templates_only,
        "discovery",
        TEMPLATE.format(image="alpine:3.20"),
        BINDING,
    )
    gp = Run(capsys, root)
    for command in (("plan",), ("apply", "--auto-approve")):
        code, out, err = gp(*command)
        assert code == 1, (out, err)
        assert "will be created" not in out
        assert err.startswith(
            "Error: WorkflowEventBinding (argoproj.io/v1alpha1) is not served by https://"
        ), err
        assert (
            "the CustomResourceDefinition workfloweventbindings.argoproj.io is not installed (needed by "
            "manifest.binding); install Argo Workflows' CRDs"
        ) in err
    from kubernetes import client as kube

    from gp.devcluster.kubeconfig import api_client

    with api_client(templates_only) as api:  # nothing was written
        assert (
            kube.CustomObjectsApi(api).list_namespaced_custom_object(
                "argoproj.io", "v1alpha1", "discovery", "workflowtemplates"
            )["items"]
            == []
        )


def test_served_kinds_still_plan(module, gp):
    module(TEMPLATE.format(image="alpine:3.20"))
    code, out, err = gp("plan")
    assert code == 0, err
    assert "will be created" in out


class _NotKubernetes(BaseHTTPRequestHandler):
    status = 404
    body = b"404 page not found\n"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


class _Html(_NotKubernetes):
    status = 200
    body = b"<html><body>a web site</body></html>\n"


def _serve(handler) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _kubeconfig(path: Path, server: str) -> Path:
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: web\n  cluster:\n    server: {server}\n"
        "users:\n- name: u\n  user:\n    token: abc\n"
        "contexts:\n- name: c\n  context:\n    cluster: web\n    user: u\n"
        "current-context: c\n"
    )
    return path


@pytest.mark.parametrize("handler", [_NotKubernetes, _Html], ids=["404-everywhere", "html-200"])
def test_a_server_that_is_not_kubernetes_is_named(tmp_path, capsys, handler):
    for server in _serve(handler):
        root = write_module(
            tmp_path / "stack",
            _kubeconfig(tmp_path / "kc", server),
            "pipeline",
            TEMPLATE.format(image="alpine:3.20"),
        )
        for command in (("plan",), ("apply", "--auto-approve"), ("show",), ("unlock", "abc")):
            code, out, err = Run(capsys, root)(*command)
            assert code == 1, (command, out, err)
            assert err.startswith(f"Error: {server} is not a Kubernetes API server (GET /api"), err
            assert err.rstrip().endswith("check the server in the kubeconfig"), err
            assert "does not exist" not in err
