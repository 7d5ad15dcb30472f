"""Run pipelines on the dev cluster's Argo engine: apply a module with gp, submit, wait, read nodes."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from kubernetes import client

from gp.cli.main import main
from gp.devcluster.scenario import SCENARIO_ANNOTATION, EngineScenario

GROUP, VERSION = "argoproj.io", "v1alpha1"
REPO = Path(__file__).resolve().parents[2]
DONE = ("Succeeded", "Failed", "Error")
_PROVIDER = re.compile(r'provider\s+"directory"\s*\{[^}]*\}', re.S)


def example_on_cluster(name: str, dest: Path, kubeconfig: Path, namespace: str) -> Path:
    """A copy of ``examples/<name>`` (with ``modules/`` beside it, as module sources expect)
    whose provider is the dev cluster instead of the directory."""
    shutil.copytree(REPO / "examples" / name, dest / "examples" / name)
    if not (dest / "modules").exists():
        shutil.copytree(REPO / "modules", dest / "modules")
    root = dest / "examples" / name
    for path in root.glob("*.gp.hcl"):
        text = path.read_text()
        block = (
            f'provider "kubernetes" {{\n  kubeconfig = "{kubeconfig}"\n'
            f'  namespace  = "{namespace}"\n}}'
        )
        path.write_text(_PROVIDER.sub(block, text))
    return root


def gp_apply(root: Path, *args: str) -> None:
    code = main(["apply", "--auto-approve", "--no-color", "-C", str(root), *args])
    assert code == 0, f"gp apply of {root} exited {code}"


class Runs:
    """Submit Workflows the way `argo submit --from` does, and read what Argo made of them."""

    def __init__(self, api: client.ApiClient, namespace: str):
        self.objs = client.CustomObjectsApi(api)
        self.ns = namespace

    def submit(
        self,
        template: str,
        params: dict[str, str] | None = None,
        scenario: EngineScenario | None = None,
        cluster_scope: bool = False,
    ) -> str:
        ref = {"name": template, **({"clusterScope": True} if cluster_scope else {})}
        spec: dict = {"workflowTemplateRef": ref}
        if params:
            spec["arguments"] = {"parameters": [{"name": k, "value": v} for k, v in params.items()]}
        annotations = {SCENARIO_ANNOTATION: scenario.to_annotation()} if scenario else {}
        body = {
            "apiVersion": f"{GROUP}/{VERSION}",
            "kind": "Workflow",
            "metadata": {"generateName": f"{template}-", "annotations": annotations},
            "spec": spec,
        }
        created = self.objs.create_namespaced_custom_object(
            GROUP, VERSION, self.ns, "workflows", body
        )
        return created["metadata"]["name"]

    def get(self, name: str) -> dict:
        return self.objs.get_namespaced_custom_object(GROUP, VERSION, self.ns, "workflows", name)

    def list(self) -> list[dict]:
        return self.objs.list_namespaced_custom_object(GROUP, VERSION, self.ns, "workflows")[
            "items"
        ]

    def wait(self, name: str, timeout_s: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            wf = self.get(name)
            if (wf.get("status") or {}).get("phase") in DONE:
                return wf
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} not done after {timeout_s:.0f}s: {summary(wf)}")
            time.sleep(0.3)

    def wait_for(self, matches, timeout_s: float = 150.0) -> dict:
        """The first Workflow of the namespace that ``matches`` (one the controller makes)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [wf for wf in self.list() if matches(wf)]
            if found:
                return found[0]
            time.sleep(1)
        raise AssertionError(f"no matching Workflow after {timeout_s:.0f}s")


def task_nodes(wf: dict) -> dict[str, dict]:
    """Every node but the run's own, by display name (the task or step name)."""
    nodes = (wf.get("status") or {}).get("nodes") or {}
    return {n["displayName"]: n for n in nodes.values() if n["name"] != wf["metadata"]["name"]}


def phases(wf: dict) -> dict[str, str]:
    return {name: n["phase"] for name, n in task_nodes(wf).items()}


def summary(wf: dict) -> str:
    status = wf.get("status") or {}
    return f"phase={status.get('phase')} message={status.get('message')!r} nodes={phases(wf)}"
