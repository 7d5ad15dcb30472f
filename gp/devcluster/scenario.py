"""What a simulated pod does: the scenario a run carries, and the outcome it gives each node.

A run on the dev cluster says how its tasks end without editing the module: the Workflow carries
the annotation ``sim.gp.dev/scenario``, a JSON object

    {"outcomes": {"sen2cor-290": "Failed", "flaky": ["Failed", "Succeeded"]},
     "outputs":  {"probe": {"count": "3", "result": "ok"}},
     "delays":   {"long-step": 30}}

keyed by task or step name. Lists give successive retry attempts; ``delays`` holds a pod in
Running for that many seconds before it ends. A task not named succeeds at once. Pure functions,
so the rules are unit-tested without a cluster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# `gp test --engine` writes what this reads: one encoder for both.
from gp.devcluster.engine_flags import ARTIFACT_REPOSITORY
from gp.testing.engine import SCENARIO_ANNOTATION, encode_scenario

OUTCOME_ANNOTATION = "sim.gp.dev/outcome"
EXIT_CODE_ANNOTATION = "sim.gp.dev/exit-code"
OUTCOMES = ("Succeeded", "Failed", "Error")
# Argo names a retry attempt `<task>(<n>)` and a fan-out child `<task>(<i>:<item>)`.
_RETRY = re.compile(r"^(?P<base>.*)\((?P<n>\d+)\)$")
_ITEM = re.compile(r"^(?P<base>[^(]*)\(\d+:.*\)$")


class ScenarioError(ValueError):
    """The scenario annotation is not what this module documents."""


@dataclass(frozen=True)
class EngineScenario:
    outcomes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    outputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    delays: Mapping[str, float] = field(default_factory=dict)

    def to_annotation(self) -> str:
        return encode_scenario(self.outcomes, self.outputs, self.delays)


def parse_scenario(text: str | None) -> EngineScenario:
    if not text:
        return EngineScenario()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ScenarioError(f"{SCENARIO_ANNOTATION} is not JSON: {e}") from e
    if not isinstance(data, dict):
        raise ScenarioError(f"{SCENARIO_ANNOTATION} must be a JSON object")
    outcomes: dict[str, tuple[str, ...]] = {}
    for task, value in (data.get("outcomes") or {}).items():
        attempts = tuple(value) if isinstance(value, list) else (value,)
        bad = [a for a in attempts if a not in OUTCOMES]
        if bad or not attempts:
            raise ScenarioError(
                f"outcome of {task!r} must be one of {', '.join(OUTCOMES)}, got {value!r}"
            )
        outcomes[task] = attempts
    outputs = {
        task: {str(k): str(v) for k, v in (values or {}).items()}
        for task, values in (data.get("outputs") or {}).items()
    }
    delays = {task: float(s) for task, s in (data.get("delays") or {}).items()}
    return EngineScenario(outcomes, outputs, delays)


@dataclass(frozen=True)
class NodeKey:
    """A pod's node, as the scenario names it."""

    path: str  # the node name below the workflow: `outer.inner(0:a)`, `[0].step`
    task: str  # the task or step name: `inner`; the template's for the Workflow's own pod
    item: str | None  # `inner(0:a)` for a fan-out child
    attempt: int  # retry attempt, 0 for the first


def node_key(node_name: str, workflow: str, template: str = "") -> NodeKey:
    """``wf.outer.inner(0:a)(1)`` -> path ``outer.inner(0:a)``, task ``inner``, attempt 1.
    The Workflow's own pod (``wf``, or ``wf(1)`` when retried) is keyed by its ``template``,
    since the Workflow's name is generated."""
    path = node_name[len(workflow) :] if node_name.startswith(workflow) else node_name
    path = path.lstrip(".")
    attempt = 0
    m = _RETRY.match(path)
    if m:
        path, attempt = m.group("base"), int(m.group("n"))
    if not path and template:
        path = template
    last = _last_component(path)
    m = _ITEM.match(last)
    item, task = (last, m.group("base")) if m else (None, last)
    return NodeKey(path, task, item, attempt)


def _last_component(path: str) -> str:
    """The name after the last `.` or `]` outside parentheses (fan-out items may hold dots)."""
    depth, start = 0, 0
    for i, ch in enumerate(path):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch in ".]":
            start = i + 1
    return path[start:]


def _lookup(table: Mapping[str, Any], key: NodeKey) -> Any:
    # Most specific first: the full path, one fan-out child, then the task by name.
    for name in (key.path, key.item, key.task):
        if name is not None and name in table:
            return table[name]
    return None


def outcome_for(scenario: EngineScenario, key: NodeKey) -> str:
    attempts = _lookup(scenario.outcomes, key)
    if not attempts:
        return "Succeeded"
    # Past the listed attempts the last one repeats, as a task that keeps failing would.
    return attempts[min(key.attempt, len(attempts) - 1)]


def delay_for(scenario: EngineScenario, key: NodeKey) -> float:
    return float(_lookup(scenario.delays, key) or 0.0)


def outputs_for(
    scenario: EngineScenario, key: NodeKey, template: Mapping[str, Any], location: str = "sim"
) -> dict:
    """The ``outputs`` of the node's WorkflowTaskResult, as argoexec's wait container reports them.

    Each declared output parameter takes the scenario's value, else its ``valueFrom.default``;
    one with neither is left out, as argoexec leaves out a value it could not read. ``result``
    comes from the scenario only. Every declared output artifact is reported saved under
    ``location`` in the dev cluster's artifact repository, which stores nothing.
    """
    given = _lookup(scenario.outputs, key) or {}
    params: list[dict[str, str]] = []
    for p in (template.get("outputs") or {}).get("parameters") or []:
        name = p.get("name")
        value = given.get(name)
        if value is None:
            value = (p.get("valueFrom") or {}).get("default")
        if value is not None:
            # As argoexec reports them: the declaration (globalName...) with its value.
            declared = {k: v for k, v in p.items() if k not in ("valueFrom", "value", "default")}
            params.append({**declared, "name": name, "value": str(value)})
    outputs: dict[str, Any] = {}
    if params:
        outputs["parameters"] = params
    if "result" in given:
        outputs["result"] = given["result"]
    artifacts = [
        {
            **a,
            "path": a.get("path", ""),
            "s3": {**ARTIFACT_REPOSITORY["s3"], "key": f"{location}/{a['name']}.tgz"},
        }
        for a in (template.get("outputs") or {}).get("artifacts") or []
        if isinstance(a, dict) and a.get("name")
    ]
    if artifacts:  # as argoexec reports what it saved; the bytes exist nowhere
        outputs["artifacts"] = artifacts
    return outputs
