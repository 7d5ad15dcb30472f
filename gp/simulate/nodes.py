"""The Workflow's node tree during a simulation, shaped as Argo's ``status.nodes``.

Children and outbound nodes are kept as the controller keeps them, because Argo decides a
DAG's phase by walking that graph (dag.go, assessDAGPhase), not the DAG as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gp.simulate.model import ERROR, FAILED, OMITTED, SKIPPED, SUCCEEDED


@dataclass
class SimNode:
    name: str
    display: str
    type: str
    phase: str
    boundary: str | None
    started: int | None = None
    children: list[str] = field(default_factory=list)
    outbound: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)  # {"parameters": {...}, "result": str}
    hooked: bool = False  # an exit handler (Argo's NodeFlag.Hooked)
    retried: bool = False  # an attempt of a retry node (NodeFlag.Retried)
    message: str = ""
    # For pods: the logical task (retry node or the pod itself), attempt number, template.
    task: str = ""
    attempt: int = 0
    template: dict[str, Any] | None = None

    @property
    def completed(self) -> bool:  # NodePhase.Completed: a skipped or omitted node did not complete
        return self.phase in (SUCCEEDED, FAILED, ERROR)

    @property
    def fulfilled(self) -> bool:
        return self.completed or self.phase in (SKIPPED, OMITTED)

    @property
    def failed_or_error(self) -> bool:
        return self.phase in (FAILED, ERROR)


class Nodes:
    def __init__(self) -> None:
        self.by_name: dict[str, SimNode] = {}

    def get(self, name: str) -> SimNode | None:
        return self.by_name.get(name)

    def __getitem__(self, name: str) -> SimNode:
        return self.by_name[name]

    def add(self, node: SimNode) -> SimNode:
        self.by_name[node.name] = node
        return node

    def add_child(self, parent: str, child: str) -> None:
        node = self.by_name[parent]
        if child not in node.children:
            node.children.append(child)

    def outbound(self, name: str) -> list[str]:
        """Argo's getOutboundNodes: the nodes a dependent of ``name`` hangs from."""
        node = self.by_name[name]
        containers = [c for c in node.children if self._container_of(c, name)]
        if node.type == "Pod" and containers:
            # A container set's pod: its outbound nodes are its last containers.
            return [o for c in containers for o in self.outbound(c)]
        if node.type == "Container":
            pod = node.boundary or ""
            inner = [c for c in node.children if self._container_of(c, pod)]
            return [o for c in inner for o in self.outbound(c)] if inner else [name]
        if node.type in ("Skipped", "Pod"):
            return [name]
        if node.type == "TaskGroup":
            if not node.children:
                return [name]
            return [o for child in node.children for o in self.outbound(child)]
        if node.type == "Retry":
            # The last child, which is the exit handler when the task has one: Argo's order.
            return [node.children[-1]] if node.children else []
        return [o for out in node.outbound for o in self.outbound(out)]

    def _container_of(self, child: str, pod: str) -> bool:
        node = self.by_name.get(child)
        return node is not None and node.type == "Container" and node.boundary == pod

    def hooks_fulfilled(self, node: SimNode) -> bool:
        """common.CheckAllHooksFullfilled: a dependency counts as done once its hooks are."""
        return all(
            self.by_name[c].fulfilled
            for c in node.children
            if c in self.by_name and self.by_name[c].hooked
        )

    def retry_children(self, node: SimNode) -> list[str]:
        """getRetryNodeChildrenIds: where the phase walk goes on from a retry node."""
        out: list[str] = []
        for name in reversed(node.children):
            child = self.by_name.get(name)
            if child is None:
                continue
            if child.hooked:
                out.append(child.name)
            elif child.children:
                out.extend(child.children)
        return out

    def attempts(self, node: SimNode) -> list[SimNode]:
        return [
            self.by_name[c] for c in node.children if c in self.by_name and self.by_name[c].retried
        ]


def node_tags(prefix: str, nodes: Nodes, node: SimNode) -> dict[str, str]:
    """The variables a finished node gives its successors: its status and outputs (a retry
    node's come from its last attempt)."""
    source = node
    if node.type == "Retry":
        attempts = nodes.attempts(node)
        source = attempts[-1] if attempts else node
    tags = {f"{prefix}.status": node.phase}
    if source.type == "Pod" and source.completed:
        # The main container's exit code, as the dev cluster's pods end: 1 when Failed.
        tags[f"{prefix}.exitCode"] = "1" if source.phase == FAILED else "0"
    if "result" in source.outputs:
        tags[f"{prefix}.outputs.result"] = source.outputs["result"]
    for key, value in (source.outputs.get("parameters") or {}).items():
        tags[f"{prefix}.outputs.parameters.{key}"] = value
    for key, value in (source.outputs.get("artifacts") or {}).items():
        tags[f"{prefix}.outputs.artifacts.{key}"] = value
    return tags
