"""A run and its nodes as values, read from an Argo Workflow object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Labels and annotations gp puts on every run (CLI.md: "Runs carry the labels ...").
STACK_LABEL = "gp.dev/stack"
ADDRESS_LABEL = "gp.dev/address"  # a label-safe form of the address (see labels.py)
VERSION_LABEL = "gp.dev/version"  # digest of the template as gp applied it
COMMIT_LABEL = "gp.dev/commit"  # git commit of the module folder
ADDRESS_ANNOTATION = "gp.dev/address"  # the address exactly
INPUTS_HASH_ANNOTATION = "gp.dev/inputs-hash"
SUBMITTED_BY_ANNOTATION = "gp.dev/submitted-by"
DIRTY_ANNOTATION = "gp.dev/git-dirty"
# A run of the live template that differed from the module (--allow-drift): why it differed.
RAN_LIVE_ANNOTATION = "gp.dev/ran-live-template"
# Argo's own marks.
CRON_LABEL = "workflows.argoproj.io/cron-workflow"
CREATOR_LABEL = "workflows.argoproj.io/creator"

DONE_PHASES = ("Succeeded", "Failed", "Error")
# Node types that only group others: their phase repeats their children's.
GROUPING_TYPES = ("StepGroup",)


def parse_time(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def seconds_between(start: str | None, end: str | None, now: datetime) -> float | None:
    began = parse_time(start)
    if began is None:
        return None
    ended = parse_time(end) or now
    return max(0.0, (ended - began).total_seconds())


@dataclass(frozen=True)
class Node:
    """One node of a run's status (``gp.Node``): a pod, a retry, a fan-out group, a nested
    DAG, ... ``display_name`` is the task or step (``sen2cor-290``, ``resize(0:a)``), ``phase``
    Argo's (Pending, Running, Succeeded, Failed, Error, Skipped, Omitted), the times RFC 3339,
    ``inputs`` and ``outputs`` Argo's ``{"parameters": [...], "artifacts": [...]}``."""

    id: str
    name: str  # Argo's full node name: `<run>.<task>`, `<run>[0].<step>`
    display_name: str
    type: str
    phase: str
    template: str | None = None
    boundary_id: str | None = None
    children: tuple[str, ...] = ()
    started_at: str | None = None
    finished_at: str | None = None
    message: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """Whether the node has ended, skipped and omitted nodes included."""
        return self.phase in (*DONE_PHASES, "Skipped", "Omitted")


@dataclass(frozen=True)
class RunSnapshot:
    name: str
    namespace: str
    phase: str  # Pending until Argo's controller has seen it
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    message: str | None
    template: str | None  # the WorkflowTemplate (or ClusterWorkflowTemplate) it runs
    cluster_scope: bool
    stack: str | None
    address: str | None
    version: str | None
    commit: str | None
    inputs_hash: str | None
    submitted_by: str | None
    cron: str | None
    parameters: tuple[tuple[str, str], ...]
    nodes: tuple[Node, ...]
    # The spec the run executes (Argo's stored copy of the template once it has started),
    # from which the DAG is drawn: tasks not yet started show too.
    spec: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    shutdown: str | None = None

    @property
    def ran_live(self) -> str | None:
        """Why the template it ran differed from the module (a run with --allow-drift)."""
        return self.annotations.get(RAN_LIVE_ANNOTATION)

    @property
    def done(self) -> bool:
        return self.phase in DONE_PHASES

    @property
    def succeeded(self) -> bool:
        return self.phase == "Succeeded"

    @property
    def scheduled(self) -> bool:
        """Started by its CronWorkflow on its schedule (Argo marks it with the cron's label
        only), not submitted by gp."""
        return self.cron is not None and ADDRESS_ANNOTATION not in self.annotations

    def node_by_name(self) -> dict[str, Node]:
        return {n.name: n for n in self.nodes}

    def failed_nodes(self) -> list[Node]:
        """Pods and steps that failed, leaves first (not the groups that failed with them)."""
        failed = [n for n in self.nodes if n.phase in ("Failed", "Error") and n.name != self.name]
        return [n for n in failed if n.type in ("Pod", "Container", "Skipped", "Suspend")] or failed


def _node(data: Mapping[str, Any], run: str) -> Node:
    display = str(data.get("displayName") or data.get("name", ""))
    if display.startswith(run + ".") and display != run:
        display = display[len(run) + 1 :]  # Argo names the exit handler `<run>.onExit`
    return Node(
        id=str(data.get("id", "")),
        name=str(data.get("name", "")),
        display_name=display,
        type=str(data.get("type", "")),
        phase=str(data.get("phase") or "Pending"),
        template=data.get("templateName") or (data.get("templateRef") or {}).get("template"),
        boundary_id=data.get("boundaryID"),
        children=tuple(data.get("children") or ()),
        started_at=data.get("startedAt"),
        finished_at=data.get("finishedAt"),
        message=data.get("message"),
        inputs=data.get("inputs") or {},
        outputs=data.get("outputs") or {},
    )


def run_from_workflow(wf: Mapping[str, Any]) -> RunSnapshot:
    meta = wf.get("metadata") or {}
    spec = wf.get("spec") or {}
    status = wf.get("status") or {}
    labels = meta.get("labels") or {}
    annotations = meta.get("annotations") or {}
    ref = spec.get("workflowTemplateRef") or {}
    params = tuple(
        (str(p.get("name")), str(p.get("value", "")))
        for p in (spec.get("arguments") or {}).get("parameters") or []
    )
    run = meta.get("name", "")
    nodes = tuple(
        sorted(
            (_node(n, run) for n in (status.get("nodes") or {}).values()),
            key=lambda n: (n.started_at or "~", n.name),
        )
    )
    return RunSnapshot(
        name=meta.get("name", ""),
        namespace=meta.get("namespace", ""),
        phase=status.get("phase") or "Pending",
        created_at=meta.get("creationTimestamp"),
        started_at=status.get("startedAt"),
        finished_at=status.get("finishedAt"),
        message=status.get("message"),
        template=ref.get("name"),
        cluster_scope=bool(ref.get("clusterScope")),
        stack=labels.get(STACK_LABEL),
        address=annotations.get(ADDRESS_ANNOTATION),
        version=labels.get(VERSION_LABEL),
        commit=labels.get(COMMIT_LABEL),
        inputs_hash=annotations.get(INPUTS_HASH_ANNOTATION),
        submitted_by=annotations.get(SUBMITTED_BY_ANNOTATION) or labels.get(CREATOR_LABEL),
        cron=labels.get(CRON_LABEL),
        parameters=params,
        nodes=nodes,
        spec=status.get("storedWorkflowTemplateSpec") or spec,
        annotations=dict(annotations),
        shutdown=spec.get("shutdown"),
    )


def utc_now() -> datetime:
    return datetime.now(UTC)
