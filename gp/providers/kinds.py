"""The Argo kinds gp reads and writes: their REST names and scope, and names gp derives."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

ARGO_GROUP = "argoproj.io"
ARGO_VERSION = "v1alpha1"


@dataclass(frozen=True)
class KindInfo:
    kind: str
    plural: str
    namespaced: bool


_ARGO_KINDS = {
    k.kind: k
    for k in (
        KindInfo("WorkflowTemplate", "workflowtemplates", True),
        KindInfo("ClusterWorkflowTemplate", "clusterworkflowtemplates", False),
        KindInfo("CronWorkflow", "cronworkflows", True),
        KindInfo("Workflow", "workflows", True),
        KindInfo("WorkflowEventBinding", "workfloweventbindings", True),
        KindInfo("WorkflowTaskSet", "workflowtasksets", True),
        KindInfo("WorkflowTaskResult", "workflowtaskresults", True),
        KindInfo("WorkflowArtifactGCTask", "workflowartifactgctasks", True),
    )
}


def argo_kind(kind: str) -> KindInfo:
    """The REST description of an Argo kind; unknown kinds follow Kubernetes' naming rule."""
    known = _ARGO_KINDS.get(kind)
    if known:
        return known
    return KindInfo(kind, kind.lower() + "s", not kind.startswith("Cluster"))


def is_cluster_scoped(kind: str) -> bool:
    return not argo_kind(kind).namespaced


def split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


_INVALID = re.compile(r"[^a-z0-9-]+")


def object_name(prefix: str, stack: str) -> str:
    """A DNS-1123 name for a per-stack object (``gp-stack-geo``), stable and collision-free."""
    cleaned = _INVALID.sub("-", stack.lower()).strip("-") or "stack"
    name = f"{prefix}{cleaned}"
    if cleaned != stack or len(name) > 63:
        digest = hashlib.sha256(stack.encode()).hexdigest()[:8]
        name = f"{name[: 63 - 9].rstrip('-')}-{digest}"
    return name


def file_stem(stack: str) -> str:
    """A file name for a stack that cannot escape its directory."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", stack).lstrip(".") or "_"
