"""Argo's retry of a run, in the same Workflow: a port of FormulateRetryWorkflow
(workflow/util/util.go, Argo v4.0.5), which the Argo server runs for `argo retry`.

The failed and errored nodes that run something (pods, HTTP, plugins) are deleted with the
nodes under them, the groups and retry nodes on their way to the root are reset to Running,
the exit handler's nodes are deleted, and the Workflow is marked not completed; the controller
then runs the deleted nodes again. Their pods are named so that the caller deletes them.
``nodes`` (`gp retry --node`) also restarts those nodes, succeeded or not, as Argo's
``--restart-successful --node-field-selector`` does. Pure: the caller reads and writes.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from collections import deque
from collections.abc import Sequence

from gp.errors import RunError

COMPLETED_LABEL = "workflows.argoproj.io/completed"
ARCHIVING_LABEL = "workflows.argoproj.io/workflow-archiving-status"
POD_NAME_FORMAT = "workflows.argoproj.io/pod-name-format"
_EXECUTION = ("Pod", "Container", "HTTP", "Plugin")
_GROUPS = ("DAG", "TaskGroup", "StepGroup", "Steps")
_MAX_PREFIX = 253 - 10  # Argo's maxK8sResourceNameLength - k8sNamingHashLength


def _failed(node: dict) -> bool:
    return node.get("phase") in ("Failed", "Error")


def _fnv32a(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def pod_name(wf: dict, node: dict) -> str:
    """Argo's GeneratePodName for a node (v2 names unless the run asks for v1)."""
    meta = wf.get("metadata") or {}
    name = meta.get("name", "")
    if (meta.get("annotations") or {}).get(POD_NAME_FORMAT) == "v1":
        return str(node.get("id"))
    if node.get("name") == name:
        return name
    ref = node.get("templateRef") or {}
    template = ref.get("template") if ref else node.get("templateName")
    prefix = f"{name}-{template}" if template else name
    return f"{prefix[: _MAX_PREFIX - 1]}-{_fnv32a(str(node.get('name')))}"


def nodes_of(wf: dict) -> dict[str, dict]:
    """The run's nodes, uncompressed when the controller stored them compressed."""
    status = wf.get("status") or {}
    if not status.get("nodes") and status.get("compressedNodes"):
        return json.loads(gzip.decompress(base64.b64decode(status["compressedNodes"])))
    return dict(status.get("nodes") or {})


class _Tree:
    def __init__(self, wf: dict, nodes: dict[str, dict]):
        self.nodes = nodes
        self.parent: dict[str, str] = {}
        for node_id, node in nodes.items():
            for child in node.get("children") or []:
                self.parent[child] = node_id
        name = (wf.get("metadata") or {}).get("name")
        for node_id, node in nodes.items():
            if node_id not in self.parent and node.get("name") != name:
                if not str(node.get("name", "")).startswith(f"{name}.onExit"):
                    raise RunError(f"cannot retry: the node {node_id} has no parent")
        self.root = next((i for i, n in nodes.items() if n.get("name") == name), None)

    def below(self, node_id: str) -> set[str]:
        out: set[str] = set()
        queue = deque(self.nodes[node_id].get("children") or [])
        while queue:
            child = queue.popleft()
            if child in self.nodes and child not in out:
                out.add(child)
                queue.extend(self.nodes[child].get("children") or [])
        return out

    def sorted(self) -> list[str]:
        """Breadth first from the root: a node before those under it."""
        if self.root is None:
            raise RunError("cannot retry: the run has no root node")
        order, seen, queue = [], {self.root}, deque([self.root])
        while queue:
            current = queue.popleft()
            order.append(current)
            for child in self.nodes[current].get("children") or []:
                if child in self.nodes and child not in seen:
                    seen.add(child)
                    queue.append(child)
        return order

    def succeeded_below(self, node: dict, reset: set[str]) -> bool:
        for child in node.get("children") or []:
            status = self.nodes.get(child) or {}
            if (child not in reset and status.get("phase") == "Succeeded") or self.succeeded_below(
                status, reset
            ):
                return True
        return False

    def reset_path(self, start: str) -> tuple[set[str], set[str]]:
        """Argo's resetPath: what to reset on the way up from ``start``, and what to delete."""
        delete = self.below(start) | {start}
        reset: set[str] = set()
        if start == self.root:
            return reset, delete
        current: str | None = start
        while current is not None:
            node = self.nodes[current]
            kind = node.get("type")
            if kind in _GROUPS:
                reset.add(current)
                current = self._reset_boundaries(current, reset)
                continue
            if kind == "Retry" and _failed(node):
                reset.add(current)
            elif kind == "Container":
                pod = self._up_to(current, lambda n: n.get("type") == "Pod")
                reset.add(pod)
                delete |= {pod} | self.below(pod)
                current = pod
                continue
            current = self.parent.get(current)
        return reset, delete

    def _up_to(self, node_id: str, match) -> str:
        current: str | None = node_id
        while current is not None:
            if match(self.nodes[current]):
                return current
            current = self.parent.get(current)
        raise RunError(f"cannot retry: no node above {node_id} to reset")

    def _reset_boundaries(self, node_id: str, reset: set[str]) -> str | None:
        current: str | None = node_id
        while current is not None:
            parent = self.parent.get(current)
            if parent is not None and self.nodes[parent].get("type") == "Retry":
                reset.add(parent)
                current = parent
                parent = self.parent.get(current)
            if parent is not None and self.nodes[parent].get("type") in ("StepGroup", "TaskGroup"):
                reset.add(parent)
            boundary = self.nodes[current].get("boundaryID") or ""
            if not boundary:
                return parent
            current = self._up_to(current, lambda n, b=boundary: n.get("id") == b)
            reset.add(current)
        return None


def _reset_node(node: dict, now: str) -> dict:
    out = copy.deepcopy(node)
    if out.get("type") == "Suspend":
        for p in (out.get("outputs") or {}).get("parameters") or []:
            p.pop("value", None)
            p["valueFrom"] = {"supplied": {}}
    if out.get("phase") != "Skipped":
        out["phase"] = "Running"
    out.pop("message", None)
    out["startedAt"] = now
    out["finishedAt"] = None
    return out


def _selected(nodes: dict[str, dict], names: Sequence[str]) -> set[str]:
    """The nodes a `--node` names: by display name, full name or id."""
    out = set()
    for name in names:
        found = {
            i
            for i, n in nodes.items()
            if name in (n.get("displayName"), n.get("name"), n.get("id"), i)
        }
        if not found:
            known = sorted({str(n.get("displayName")) for n in nodes.values()} - {"None"})
            raise RunError(f"the run has no node {name!r}; its nodes: {', '.join(known)}")
        out |= found
    return out


def formulate_retry(wf: dict, now: str, restart: Sequence[str] = ()) -> tuple[dict, list[str]]:
    """The Workflow to write back for a retry, and the pods to delete first."""
    meta = wf.get("metadata") or {}
    phase = (wf.get("status") or {}).get("phase") or "Pending"
    if phase == "Succeeded" and not restart:
        raise RunError(
            f"{meta.get('name')} succeeded: name the nodes to run again with --node "
            "(Argo's retry restarts succeeded nodes only when named)"
        )
    if phase not in ("Failed", "Error", "Succeeded"):
        raise RunError(f"{meta.get('name')} is {phase}: only a finished run can be retried")
    nodes = nodes_of(wf)
    tree = _Tree(wf, nodes)
    restart_ids = _selected(nodes, restart)
    deleted = set(restart_ids)
    for node_id, node in nodes.items():
        if _failed(node) and node.get("type") in _EXECUTION:
            top = node
            if (node.get("nodeFlag") or {}).get("retried"):
                top = next(
                    (
                        n
                        for n in nodes.values()
                        if n.get("type") == "Retry" and node_id in (n.get("children") or [])
                    ),
                    node,
                )
            if not tree.succeeded_below(top, restart_ids):
                deleted.add(node_id)
    to_reset: set[str] = set()
    to_delete: set[str] = set()
    for node_id in tree.sorted():
        if node_id in deleted and node_id not in to_delete:
            reset, delete = tree.reset_path(node_id)
            to_reset |= reset
            to_delete |= delete
    new = _new_workflow(wf, now)
    new_nodes: dict[str, dict] = {
        i: _reset_node(nodes[i], now) for i in to_reset if i not in to_delete
    }
    pods = [pod_name(wf, nodes[i]) for i in sorted(to_delete) if nodes[i].get("type") == "Pod"]
    on_exit = f"{meta.get('name')}.onExit"
    for node_id, node in nodes.items():
        gone = node_id in to_delete or str(node.get("name", "")).startswith(on_exit)
        if node_id not in new_nodes and not gone:
            new_nodes[node_id] = copy.deepcopy(node)
        if node.get("name") == on_exit:
            pods += [pod_name(wf, nodes[i]) for i in sorted({node_id} | tree.below(node_id))]
    for node_id, node in new_nodes.items():
        for key in ("children", "outboundNodes"):
            if key in nodes[node_id]:
                node[key] = [c for c in nodes[node_id][key] if c not in to_delete]
    new["status"]["nodes"] = new_nodes
    return new, list(dict.fromkeys(pods))


def _new_workflow(wf: dict, now: str) -> dict:
    """Argo's createNewRetryWorkflow: the run marked as not completed, its nodes emptied."""
    new = copy.deepcopy(wf)
    labels = new.setdefault("metadata", {}).get("labels") or {}
    for key in (COMPLETED_LABEL, ARCHIVING_LABEL):
        labels.pop(key, None)
    status = new.setdefault("status", {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "Completed"]
    status["conditions"] = conditions + [{"type": "Completed", "status": "False"}]
    status.pop("phase", None)
    status.pop("message", None)
    status.pop("compressedNodes", None)
    status["nodes"] = {}
    status["startedAt"] = now
    status["finishedAt"] = None
    if isinstance(status.get("storedWorkflowTemplateSpec"), dict):
        status["storedWorkflowTemplateSpec"].pop("shutdown", None)
    spec = new.setdefault("spec", {})
    spec.pop("shutdown", None)
    status["persistentVolumeClaims"] = []
    if spec.get("activeDeadlineSeconds") == 0:  # it was terminated: unset the deadline
        spec.pop("activeDeadlineSeconds")
    return new
