"""The simulator's input (a Scenario) and output (a Run): plain frozen values.

A ``Run`` is what any backend reports for one scenario, the simulator or a real Argo engine:
every node's phase as Argo names it, the Workflow's phase and when each node started, so
tests compare backends without knowing which produced what.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SUCCEEDED, FAILED, ERROR = "Succeeded", "Failed", "Error"
SKIPPED, OMITTED, RUNNING, PENDING = "Skipped", "Omitted", "Running", "Pending"
OUTCOME_PHASES = (SUCCEEDED, FAILED, ERROR)
NODE_PHASES = (SUCCEEDED, FAILED, ERROR, SKIPPED, OMITTED)
WORKFLOW_PHASES = (SUCCEEDED, FAILED, ERROR)
# Node types whose node stands for a task or step (not a step group or a retry attempt).
TASK_TYPES = ("Pod", "Retry", "DAG", "Steps", "TaskGroup", "Skipped")


@dataclass(frozen=True)
class Scenario:
    """One run: the pipeline's manifest, its arguments and what each task does.

    ``outcomes`` maps a task to a phase (every attempt ends so) or a tuple of phases for
    successive retry attempts; a task not named succeeds. ``outputs`` maps a task to its output
    parameters by name, ``result`` being ``outputs.result``. Keys name a task as
    ``Run.find`` does: ``task``, ``task(0:item)``, ``outer.inner``, ``[0].step``.
    """

    pipeline: Mapping[str, Any]  # a WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow
    manifests: tuple[Mapping[str, Any], ...] = ()  # the module's objects, for templateRef
    arguments: Mapping[str, str] = field(default_factory=dict)
    outcomes: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    outputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeResult:
    name: str  # relative to the Workflow: "task", "outer.inner", "[0].step", "task(1)", "onExit"
    display_name: str
    type: str  # Argo's node type: Pod, Retry, DAG, Steps, StepGroup, TaskGroup, Skipped
    phase: str
    started: int | None  # the controller pass that started it; None when it never ran
    children: tuple[str, ...] = ()
    message: str = ""

    @property
    def is_task(self) -> bool:
        return self.type in TASK_TYPES and not _ATTEMPT.search(self.name)


_ATTEMPT = re.compile(r"\(\d+\)$")


@dataclass(frozen=True)
class SimulatedRun:
    phase: str  # the Workflow's phase
    nodes: tuple[NodeResult, ...]  # in the order they were created
    message: str = ""

    def find(self, key: str) -> NodeResult | None:
        """The node named ``key``: its name relative to the Workflow, or, when no node has
        that name, the one task node whose display name it is."""
        for node in self.nodes:
            if node.name == key:
                return node
        matches = [n for n in self.nodes if n.is_task and n.display_name == key]
        return matches[0] if len(matches) == 1 else None

    @property
    def order(self) -> tuple[str, ...]:
        """Nodes that ran (pods and templates), in the order they started."""
        ran = [
            (n.started, i, n.name)
            for i, n in enumerate(self.nodes)
            if n.started is not None and n.type not in ("StepGroup",) and n.name
        ]
        return tuple(name for _, _, name in sorted(ran))
