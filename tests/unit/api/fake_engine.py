"""An Argo engine in memory, for the run API's tests without a cluster: Workflow objects the
tests build (as Argo's controller writes them), their pods and logs, and a scripted watch.

It stands in for gp/providers/kubernetes_runs.KubeEngine behind the directory provider's
``engine()``, so gp.Stack, gp.Run and the CLI's run commands run their real code paths.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import pytest

from gp.providers.directory import DirectoryProvider
from gp.runs.model import ADDRESS_ANNOTATION, ADDRESS_LABEL, STACK_LABEL
from gp.runs.submit import label_value

# The module the run tests use: a template whose env holds a sensitive variable.
SECRET = "hunter2-very-secret"
MASK = "(sensitive value)"
ADDR = "workflow_template.secretive"
MODULE = f"""
variable "token" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}

workflow_template "secretive" {{
  parameter "tile" {{
    value = "T1"
  }}
  step "use" {{
    container {{
      image   = "busybox:1.36"
      command = ["echo"]
      env     = {{ TOKEN = var.token }}
    }}
  }}
  step "done" {{
    depends = "use"
    container {{
      image   = "busybox:1.36"
      command = ["echo", "done"]
    }}
  }}
}}
"""

SPEC = {
    "entrypoint": "main",
    "templates": [
        {
            "name": "main",
            "dag": {
                "tasks": [
                    {"name": "use", "template": "use"},
                    {"name": "done", "template": "done", "depends": "use"},
                ]
            },
        },
        {"name": "use", "container": {"image": "busybox:1.36"}},
        {"name": "done", "container": {"image": "busybox:1.36"}},
    ],
}


def node(
    run: str,
    task: str,
    phase: str,
    message: str | None = None,
    outputs: dict | None = None,
    started: str = "2025-01-01T00:00:05Z",
    finished: str | None = "2025-01-01T00:00:35Z",
) -> dict:
    name = f"{run}.{task}"
    return {
        "id": f"id-{name}",
        "name": name,
        "displayName": task,
        "type": "Pod",
        "phase": phase,
        "templateName": task,
        "message": message,
        "startedAt": started,
        "finishedAt": finished,
        "outputs": outputs or {},
    }


def workflow(
    name: str,
    phase: str,
    *,
    stack: str = "api",
    address: str = "workflow_template.secretive",
    parameters: dict[str, str] | None = None,
    message: str | None = None,
    nodes=(),
    created: str = "2025-01-01T00:00:00Z",
    namespace: str = "pipeline",
) -> dict:
    """A Workflow gp submitted (its labels and annotations), as the controller left it."""
    status: dict[str, Any] = {
        "phase": phase,
        "startedAt": created,
        "storedWorkflowTemplateSpec": SPEC,
        "nodes": {n["id"]: n for n in nodes},
    }
    run_node = {
        "id": f"id-{name}",
        "name": name,
        "displayName": name,
        "type": "DAG",
        "phase": phase,
    }
    status["nodes"][run_node["id"]] = run_node
    if message:
        status["message"] = message
    if phase in ("Succeeded", "Failed", "Error"):
        status["finishedAt"] = "2025-01-01T00:01:05Z"
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "creationTimestamp": created,
            "labels": {STACK_LABEL: stack, ADDRESS_LABEL: label_value(address)},
            "annotations": {ADDRESS_ANNOTATION: address},
        },
        "spec": {
            "workflowTemplateRef": {"name": "secretive"},
            "arguments": {
                "parameters": [{"name": k, "value": v} for k, v in (parameters or {}).items()]
            },
        },
        "status": status,
    }


def pod(run: str, task: str, phase: str = "Succeeded") -> dict:
    return {
        "metadata": {
            "name": f"{run}-{task}-1",
            "annotations": {"workflows.argoproj.io/node-name": f"{run}.{task}"},
        },
        "status": {"phase": phase},
    }


class FakeEngine:
    """Workflows by (namespace, name); a run's later states (``later``) are what its watch
    yields, one per change; created, shut down and listed calls are recorded."""

    def __init__(self, objects: list[dict] = ()) -> None:
        self.workflows: dict[tuple[str, str], dict] = {}
        self.later: dict[tuple[str, str], list[dict]] = {}
        self.pods: dict[str, list[dict]] = {}
        self.logs: dict[str, str] = {}
        self.objects = {
            (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects
        }
        self.created: list[dict] = []
        self.shutdowns: list[tuple[str, str, str]] = []

    def add(self, wf: dict, *later: dict) -> None:
        key = (wf["metadata"]["namespace"], wf["metadata"]["name"])
        self.workflows[key] = wf
        self.later[key] = list(later)

    def create_workflow(self, body: dict) -> dict:
        made = copy.deepcopy(body)
        meta = made["metadata"]
        meta.setdefault("name", f"{meta.pop('generateName', 'run-')}{len(self.created) + 1:05d}")
        meta["creationTimestamp"] = f"2025-01-02T00:00:{len(self.created):02d}Z"
        self.created.append(made)
        key = (meta.get("namespace"), meta["name"])
        self.workflows[key] = made
        self.later.setdefault(key, [])  # states a test scripted for a run it names
        return made

    def get_workflow(self, namespace: str, name: str) -> dict | None:
        return copy.deepcopy(self.workflows.get((namespace, name)))

    def list_workflows(self, namespace: str | None, selector: str = "") -> list[dict]:
        # "k=v" and "k in (a,b)", joined by commas outside parentheses, as the API server reads them.
        wanted: dict[str, set[str]] = {}
        for key, values in re.findall(r"([^,=\s]+)\s+in\s+\(([^)]*)\)", selector):
            wanted[key] = {v.strip() for v in values.split(",")}
        for key, value in re.findall(r"(?:^|,)([^,=\s]+)=([^,]*)", selector):
            wanted[key] = {value}
        return [
            copy.deepcopy(wf)
            for (ns, _), wf in self.workflows.items()
            if namespace in (None, ns)
            and all(wf["metadata"].get("labels", {}).get(k) in v for k, v in wanted.items())
        ]

    def watch_workflow(self, namespace: str, name: str) -> Iterator[dict]:
        key = (namespace, name)
        yield copy.deepcopy(self.workflows[key])
        while self.later.get(key):
            self.workflows[key] = self.later[key].pop(0)
            yield copy.deepcopy(self.workflows[key])

    def shutdown(self, namespace: str, name: str, mode: str) -> dict:
        self.shutdowns.append((namespace, name, mode))
        self.workflows[(namespace, name)]["spec"]["shutdown"] = mode
        return self.workflows[(namespace, name)]

    def get_object(self, kind: str, namespace: str | None, name: str) -> dict | None:
        return copy.deepcopy(self.objects.get((kind, namespace, name)))

    def controller_config(self) -> dict | None:
        """A controller with its default configuration (no workflow-controller-configmap keys)."""
        return {}

    def list_objects(self, kind: str, namespace: str | None) -> list[dict]:
        return [
            copy.deepcopy(o)
            for (k, ns, _), o in self.objects.items()
            if k == kind and namespace in (None, ns)
        ]

    def list_pods(self, namespace: str, workflow: str) -> list[dict]:
        return copy.deepcopy(self.pods.get(workflow, []))

    def pod_log(self, namespace: str, pod: str, container: str) -> str:
        return self.logs.get(pod, "")

    def follow_pod_log(self, namespace: str, pod: str, container: str) -> _Stream:
        return _Stream(self.logs.get(pod, "").splitlines())


class _Stream:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def close(self) -> None:
        self.lines = []


def install(monkeypatch: pytest.MonkeyPatch, engine: FakeEngine) -> FakeEngine:
    """Every directory provider made from now on in this test has ``engine`` as its engine."""
    monkeypatch.setattr(DirectoryProvider, "engine", lambda self: engine)
    return engine


def failed_run(name: str = "wf-1") -> dict:
    """A run whose parameters, message, node message and outputs all carry the secret."""
    return workflow(
        name,
        "Failed",
        parameters={"tile": "T1", "token": SECRET},
        message=f"child failed: token {SECRET} refused",
        nodes=[
            node(
                name,
                "use",
                "Failed",
                message=f"exit 1: bad token {SECRET}",
                outputs={"parameters": [{"name": "echo", "value": f"TOKEN={SECRET}"}]},
            ),
            node(name, "done", "Omitted", started=None, finished=None),
        ],
    )
