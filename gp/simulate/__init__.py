"""simulate: Argo's execution semantics for a compiled pipeline, offline and without I/O.

``simulate(scenario)`` runs a pipeline's manifest as Argo's workflow controller would, with
each task ending as the scenario says, and returns a ``Run``: every node's phase as Argo
reports it, the Workflow's phase and the order nodes started. A construct the simulator does
not model raises ``NotModelledError``; it never guesses. docs/cli.md lists what is modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gp.compile.objects import TEMPLATE_KINDS
from gp.compile.runtime import invalid_names, workflow_refusals
from gp.errors import NotModelledError, SimulationError
from gp.simulate.dag import execute_dag
from gp.simulate.engine import Engine
from gp.simulate.model import ERROR, FAILED, NodeResult, Scenario, SimulatedRun
from gp.simulate.outcomes import relative
from gp.simulate.steps import execute_steps
from gp.simulate.templates import Templates


def workflow_spec(scenario: Scenario) -> tuple[str, dict[str, Any]]:
    """The Workflow's name and spec: a template's own, or for a CronWorkflow its workflowSpec;
    a spec with a workflowTemplateRef is merged over the template it names, as Argo does."""
    pipeline = scenario.pipeline
    kind = pipeline.get("kind")
    name = (pipeline.get("metadata") or {}).get("name") or "workflow"
    if kind in TEMPLATE_KINDS:
        spec = dict(pipeline.get("spec") or {})
    elif kind == "CronWorkflow":
        spec = dict((pipeline.get("spec") or {}).get("workflowSpec") or {})
    else:
        raise SimulationError(
            f"a {kind} is not a pipeline; name a workflow_template, "
            "cluster_workflow_template or cron_workflow"
        )
    ref = spec.pop("workflowTemplateRef", None)
    if ref is None:
        return name, spec
    cluster = bool(ref.get("clusterScope"))
    kind = "ClusterWorkflowTemplate" if cluster else "WorkflowTemplate"
    for m in scenario.manifests:
        if m.get("kind") == kind and m["metadata"]["name"] == ref.get("name"):
            base = dict(m.get("spec") or {})
            own = {p["name"]: p for p in (spec.get("arguments") or {}).get("parameters") or []}
            params = [
                own.pop(p["name"], p) for p in (base.get("arguments") or {}).get("parameters") or []
            ]
            base.update({k: v for k, v in spec.items() if k != "arguments"})
            base["arguments"] = {"parameters": params + list(own.values())}
            return name, base
    raise NotModelledError(
        f"the pipeline runs the {kind} {ref.get('name')!r}, which the module does not declare"
    )


def _parameters(spec: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, str]:
    declared = (spec.get("arguments") or {}).get("parameters") or []
    names = [p["name"] for p in declared]
    for key in given:
        if key not in names:
            raise SimulationError(
                f'argument "{key}" is not a parameter of the pipeline'
                + (f" (it has {', '.join(names)})" if names else " (it has none)")
            )
    params = {}
    for p in declared:
        if p["name"] in given:
            params[p["name"]] = str(given[p["name"]])
        elif "value" in p:
            params[p["name"]] = str(p["value"])
        elif p.get("valueFrom"):
            raise NotModelledError(
                f"workflow parameter {p['name']!r} with valueFrom is not modelled"
            )
        else:
            raise SimulationError(f'parameter "{p["name"]}" has no value; give it in arguments')
    return params


def simulate(scenario: Scenario) -> SimulatedRun:
    wf_name, spec = workflow_spec(scenario)
    if spec.get("synchronization"):
        raise NotModelledError("spec.synchronization is not modelled")
    if not spec.get("entrypoint"):
        raise SimulationError("the pipeline has no entrypoint")
    invalid = invalid_names(spec)
    if invalid:  # the controller validates the Workflow again and fails it
        return SimulatedRun(FAILED, (), invalid[0].message)
    refused = workflow_refusals(spec)
    if refused:  # operator.go fails the Workflow before its first node
        return SimulatedRun(ERROR, (), refused[0].message)
    engine = Engine(
        scenario,
        Templates(spec, tuple(scenario.manifests)),
        wf_name,
        _parameters(spec, scenario.arguments),
        {"dag": execute_dag, "steps": execute_steps},
    )
    phase, message = engine.run()
    nodes = tuple(
        NodeResult(
            relative(n.name, wf_name),
            n.display,
            n.type,
            n.phase,
            n.started,
            tuple(relative(c, wf_name) for c in n.children),
            n.message,
        )
        for n in engine.nodes.by_name.values()
    )
    return SimulatedRun(phase, nodes, message)


__all__ = [
    "NodeResult",
    "NotModelledError",
    "Scenario",
    "SimulatedRun",
    "SimulationError",
    "simulate",
]
