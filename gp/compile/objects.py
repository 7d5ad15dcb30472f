"""What `compile` produces: one desired Argo object per object block."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gp.config.model import Lifecycle
from gp.errors import SourcePos

API_VERSION = "argoproj.io/v1alpha1"

# Ownership marks (LANGUAGE.md "Ownership"): every object gp writes carries these.
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "gp"
LABEL_PREFIX = "gp.dev"
STACK_LABEL = f"{LABEL_PREFIX}/stack"
ADDRESS_ANNOTATION = f"{LABEL_PREFIX}/address"

# The kinds that hold a pipeline's templates, and with the cron, the kinds a run starts from.
TEMPLATE_KINDS = ("WorkflowTemplate", "ClusterWorkflowTemplate")
PIPELINE_KINDS = (*TEMPLATE_KINDS, "CronWorkflow")


@dataclass(frozen=True, order=True)
class ObjectRef:
    """The identity of an object in a target. ``namespace`` is None for cluster-scoped kinds."""

    api_version: str
    kind: str
    namespace: str | None
    name: str

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{ns}{self.name}"


@dataclass(frozen=True)
class CompiledObject:
    address: str
    ref: ObjectRef
    manifest: dict[str, Any]  # exactly what apply sends, ownership labels included
    lifecycle: Lifecycle = Lifecycle()
    pos: SourcePos | None = None
    # Addresses that must be applied before this one (a cron after its template).
    depends_on: tuple[str, ...] = field(default=())
    # Paths (keys and list indices) of the manifest's sensitive fields: apply sends them,
    # renderers mask them.
    sensitive_paths: tuple[tuple[Any, ...], ...] = field(default=())
