"""The Workflow gp submits: a reference to the applied template (as `argo submit --from` makes),
or a CronWorkflow's spec run once now, labelled with the pipeline version that produced it."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gp.runs.model import (
    ADDRESS_ANNOTATION,
    ADDRESS_LABEL,
    COMMIT_LABEL,
    CRON_LABEL,
    DIRTY_ANNOTATION,
    INPUTS_HASH_ANNOTATION,
    RAN_LIVE_ANNOTATION,
    STACK_LABEL,
    SUBMITTED_BY_ANNOTATION,
    VERSION_LABEL,
)

API_VERSION = "argoproj.io/v1alpha1"
# What `argo resubmit` labels the new run with: the run it was made from.
RESUBMITTED_FROM_LABEL = "workflows.argoproj.io/resubmitted-from-workflow"
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# Marks that belong to gp or Argo: never copied from one run to the next.
OWN_PREFIXES = ("gp.dev/", "workflows.argoproj.io/")


@dataclass(frozen=True)
class Version:
    """Which pipeline produced a run: the template as gp applied it, and the module's commit."""

    digest: str  # sha256 of the applied template, 12 hex digits
    inputs_hash: str | None = None  # the stack's inputs hash at submission
    commit: str | None = None
    dirty: bool = False

    def short(self) -> str:
        return self.digest + (f"@{self.commit[:7]}" if self.commit else "")


def template_digest(manifest: Mapping[str, Any]) -> str:
    """A stable digest of what the pipeline does: its spec, not the object's metadata."""
    text = json.dumps(manifest.get("spec") or {}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def label_value(text: str) -> str:
    """``text`` if it is a valid label value, else a digest of it (addresses may hold
    brackets and quotes, which labels cannot)."""
    if len(text) <= 63 and _LABEL_VALUE.match(text):
        return text
    return "h" + hashlib.sha256(text.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Origin:
    """Where a run comes from and who asked for it."""

    stack: str
    address: str
    submitted_by: str
    version: Version | None = None
    # Set when the run executes the live template although it differs from the module
    # (--allow-drift): why it differs. The run is labelled with the live template's digest.
    live_reason: str | None = None


def gp_marks(origin: Origin) -> tuple[dict[str, str], dict[str, str]]:
    labels = {STACK_LABEL: label_value(origin.stack), ADDRESS_LABEL: label_value(origin.address)}
    annotations = {ADDRESS_ANNOTATION: origin.address, SUBMITTED_BY_ANNOTATION: origin.submitted_by}
    v = origin.version
    if v is not None:
        labels[VERSION_LABEL] = v.digest
        if v.commit:
            labels[COMMIT_LABEL] = v.commit
        if v.inputs_hash:
            annotations[INPUTS_HASH_ANNOTATION] = v.inputs_hash
        if v.dirty:
            annotations[DIRTY_ANNOTATION] = "true"
    if origin.live_reason:
        annotations[RAN_LIVE_ANNOTATION] = origin.live_reason
    return labels, annotations


def user_annotations(annotations: Mapping[str, str]) -> dict[str, str]:
    """The annotations of a run that its user gave (what resubmit carries over)."""
    return {
        k: v
        for k, v in annotations.items()
        if not k.startswith(OWN_PREFIXES)
        and k != "kubectl.kubernetes.io/last-applied-configuration"
    }


@dataclass(frozen=True)
class Submission:
    """What to run: a template by reference, or a cron's workflow spec."""

    namespace: str
    template: str | None = None  # WorkflowTemplate / ClusterWorkflowTemplate name
    cluster_scope: bool = False
    cron: Mapping[str, Any] | None = None  # the live CronWorkflow to run once
    parameters: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None  # exact name; else generated from the template's
    annotations: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # Argo's own (resubmitted-from)


def _arguments(base: Mapping[str, Any], parameters: Mapping[str, str]) -> dict[str, Any]:
    """``base`` arguments with ``parameters`` replacing or adding values, order kept."""
    args = copy.deepcopy(dict(base or {}))
    params = [dict(p) for p in args.get("parameters") or []]
    seen = set()
    for p in params:
        if p.get("name") in parameters:
            p["value"] = parameters[p["name"]]
            p.pop("valueFrom", None)
            seen.add(p["name"])
    params += [{"name": n, "value": v} for n, v in parameters.items() if n not in seen]
    if params:
        args["parameters"] = params
    return args


def build_workflow(sub: Submission, origin: Origin) -> dict[str, Any]:
    labels, annotations = gp_marks(origin)
    annotations = {**sub.annotations, **annotations}
    if sub.cron is not None:
        cron_meta = sub.cron.get("metadata") or {}
        cron_spec = sub.cron.get("spec") or {}
        spec = copy.deepcopy(cron_spec.get("workflowSpec") or {})
        extra = cron_spec.get("workflowMetadata") or {}
        labels = {**(extra.get("labels") or {}), CRON_LABEL: cron_meta.get("name", ""), **labels}
        annotations = {**(extra.get("annotations") or {}), **annotations}
        prefix = cron_meta.get("name", "run")
    else:
        ref: dict[str, Any] = {"name": sub.template}
        if sub.cluster_scope:
            ref["clusterScope"] = True
        spec = {"workflowTemplateRef": ref}
        prefix = sub.template or "run"
    args = _arguments(spec.get("arguments") or {}, sub.parameters)
    if args:
        spec["arguments"] = args
    meta: dict[str, Any] = {
        "namespace": sub.namespace,
        "labels": {**labels, **sub.labels},
        "annotations": annotations,
    }
    if sub.name:
        meta["name"] = sub.name
    else:
        meta["generateName"] = f"{prefix[:52]}-"
    return {"apiVersion": API_VERSION, "kind": "Workflow", "metadata": meta, "spec": spec}
