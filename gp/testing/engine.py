"""`gp test --engine`: the same tests on a real Argo engine whose pods are simulated.

A test's scenario becomes a Workflow with the pipeline's spec inline and the outcomes in the
annotation ``sim.gp.dev/scenario``, which the dev cluster's simulated executor reads to decide
how each pod ends (gp/devcluster/scenario.py). On a cluster whose pods really run, the
annotation means nothing: the engine backend is for the dev cluster. What Argo reports comes
back as the simulator's ``Run``, so both backends' results compare field by field.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from gp.errors import SimulationError
from gp.simulate import NodeResult, Scenario, SimulatedRun, workflow_spec
from gp.simulate.outcomes import relative

SCENARIO_ANNOTATION = "sim.gp.dev/scenario"
TEST_LABEL = "gp.dev/test"
DONE = ("Succeeded", "Failed", "Error")


class WorkflowClient(Protocol):
    """What the engine backend needs of a cluster (the Kubernetes provider's runs engine)."""

    def create_workflow(self, body: dict) -> dict: ...

    def get_workflow(self, namespace: str, name: str) -> dict | None: ...

    def delete_workflow(self, namespace: str, name: str) -> None: ...


def encode_scenario(
    outcomes: Mapping[str, Any],
    outputs: Mapping[str, Mapping[str, str]],
    delays: Mapping[str, float] | None = None,
) -> str:
    """The annotation's JSON, as the simulated executor reads it: a single phase is every
    attempt's, a list one per attempt (the last repeating); ``delays`` hold tasks Running."""
    doc: dict[str, Any] = {
        "outcomes": {k: [v] if isinstance(v, str) else list(v) for k, v in outcomes.items()},
        "outputs": {k: dict(v) for k, v in outputs.items()},
    }
    if delays:
        doc["delays"] = dict(delays)
    return json.dumps(doc, sort_keys=True)


def scenario_annotation(scenario: Scenario) -> str:
    return encode_scenario(scenario.outcomes, scenario.outputs)


def workflow_for(scenario: Scenario, namespace: str, by_reference: bool = False) -> dict:
    """A Workflow that runs the scenario's pipeline with its arguments, spec inline; or, for a
    controller in reference mode (templateReferencing Strict or Secure), by reference to the
    applied template, as such a controller requires."""
    name, spec = workflow_spec(scenario)
    if by_reference:
        spec = _reference_spec(scenario, spec)
    spec = copy.deepcopy(spec)
    params = (spec.get("arguments") or {}).get("parameters") or []
    given = dict(scenario.arguments)
    for p in params:
        if p.get("name") in given:
            p["value"] = str(given.pop(p["name"]))
            p.pop("valueFrom", None)
    params.extend({"name": k, "value": str(v)} for k, v in given.items())
    if params:
        spec["arguments"] = {**(spec.get("arguments") or {}), "parameters": params}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": f"{name[:40]}-test-",
            "namespace": namespace,
            "labels": {TEST_LABEL: "true"},
            "annotations": {SCENARIO_ANNOTATION: scenario_annotation(scenario)},
        },
        "spec": spec,
    }


def _reference_spec(scenario: Scenario, merged: Mapping[str, Any]) -> dict:
    """The spec of a Workflow that names the pipeline's template: the template itself, or the
    one a CronWorkflow runs; the arguments of the merged spec go with it."""
    pipeline = scenario.pipeline
    if pipeline.get("kind") == "CronWorkflow":
        wf_spec = (pipeline.get("spec") or {}).get("workflowSpec") or {}
        ref = dict(wf_spec.get("workflowTemplateRef") or {})
        if not ref:
            raise SimulationError(
                "the controller runs only Workflows that reference a template (templateReferencing "
                "Strict or Secure), and this CronWorkflow's spec is inline"
            )
    else:
        ref = {"name": (pipeline.get("metadata") or {}).get("name")}
        if pipeline.get("kind") == "ClusterWorkflowTemplate":
            ref["clusterScope"] = True
    out: dict[str, Any] = {"workflowTemplateRef": ref}
    if merged.get("arguments"):
        out["arguments"] = merged["arguments"]
    return out


def _seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _depths(nodes: Mapping[str, dict]) -> dict[str, int]:
    """The longest chain of parents above each node. Argo's times have a resolution of one
    second, and a task started in the same second as the one it waits for is still after it;
    tasks at the same depth in the same second count as started together."""
    parents: dict[str, list[str]] = {}
    for node_id, n in nodes.items():
        for child in n.get("children") or []:
            parents.setdefault(child, []).append(node_id)
    depth: dict[str, int] = {}
    for start in nodes:
        stack, open_ = [start], {start}
        while stack:
            node_id = stack[-1]
            todo = [p for p in parents.get(node_id, ()) if p not in depth and p not in open_]
            if todo:
                stack.extend(todo)
                open_.update(todo)
                continue
            stack.pop()
            open_.discard(node_id)
            depth[node_id] = max((depth.get(p, 0) + 1 for p in parents.get(node_id, ())), default=0)
    return depth


def run_of(workflow: Mapping[str, Any]) -> SimulatedRun:
    """Argo's report of a finished Workflow as a ``Run``: node names relative to the Workflow,
    ``started`` the rank of each node's start (seconds, then depth) among the nodes that ran."""
    wf_name = workflow["metadata"]["name"]
    status = workflow.get("status") or {}
    nodes: dict[str, dict] = status.get("nodes") or {}
    depth = _depths(nodes)
    keys = sorted(
        {
            (_seconds(n.get("startedAt")), depth.get(i, 0))
            for i, n in nodes.items()
            if n.get("startedAt") and n.get("phase") not in ("Skipped", "Omitted")
        },
        key=lambda k: (k[0] or 0, k[1]),
    )
    rank = {k: r for r, k in enumerate(keys)}
    results = []
    for node_id, n in sorted(nodes.items(), key=lambda kv: (kv[1].get("startedAt") or "", kv[0])):
        ran = n.get("startedAt") and n.get("phase") not in ("Skipped", "Omitted")
        started = rank[(_seconds(n["startedAt"]), depth.get(node_id, 0))] if ran else None
        children = tuple(
            relative(nodes[c]["name"], wf_name) for c in n.get("children") or [] if c in nodes
        )
        results.append(
            NodeResult(
                relative(n["name"], wf_name),
                n.get("displayName", ""),
                n.get("type", ""),
                n.get("phase", ""),
                started,
                children,
                n.get("message", ""),
            )
        )
    return SimulatedRun(status.get("phase", ""), tuple(results), status.get("message", ""))


class EngineBackend:
    """Runs each scenario as a Workflow on ``client``'s cluster in ``namespace`` and waits;
    the Workflow is deleted once read (with its pods), unless ``keep``."""

    name = "engine"

    def __init__(
        self,
        client: WorkflowClient,
        namespace: str,
        timeout_s: float = 300.0,
        poll_s: float = 0.5,
        keep: bool = False,
        by_reference: bool = False,
    ):
        self.client = client
        self.namespace = namespace
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self.keep = keep
        self.by_reference = by_reference  # the controller is in reference mode

    def submit(self, scenario: Scenario) -> str:
        body = workflow_for(scenario, self.namespace, self.by_reference)
        created = self.client.create_workflow(body)
        return created["metadata"]["name"]

    def wait(self, name: str) -> SimulatedRun:
        deadline = time.monotonic() + self.timeout_s
        while True:
            wf = self.client.get_workflow(self.namespace, name)
            if wf is None:
                raise SimulationError(
                    f"the engine's Workflow {name} disappeared before it finished"
                )
            if (wf.get("status") or {}).get("phase") in DONE:
                return run_of(wf)
            if time.monotonic() > deadline:
                raise SimulationError(
                    f"the engine's Workflow {name} did not finish within "
                    f"{self.timeout_s:.0f}s (phase {(wf.get('status') or {}).get('phase')})"
                )
            time.sleep(self.poll_s)

    def run(self, scenario: Scenario) -> SimulatedRun:
        name = self.submit(scenario)
        try:
            return self.wait(name)
        finally:
            if not self.keep:  # read, or given up on: a test leaves nothing in the namespace
                self.client.delete_workflow(self.namespace, name)
