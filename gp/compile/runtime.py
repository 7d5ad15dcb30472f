"""What Argo's controller and Kubernetes refuse only when a run starts, read from the spec.

`argo lint` and Argo's validation pass these; the run then ends in Error. Argo v4 builds each
pod from a template (workflow/controller/workflowpod.go) and the API server checks it as any
pod (pkg/apis/core/validation): the pod's name holds the template's name, container and volume
names are DNS labels, and so on. ``pod_refusals`` says why a template's pod would be refused,
``workflow_refusals`` why the Workflow itself would be; `gp validate` reports both
(compile/runtime_check.py) and the simulator ends such nodes in Error as the engine does.
"""

from __future__ import annotations

from typing import Any

from gp.compile import kube_names as kn
from gp.compile.pod_parts import (
    MAX_FIELD_NAME,
    POD_KINDS,
    Path,
    Refusal,
    annotation_keys,
    container_names,
    containers,
    env,
    executor_sa,
    labels,
    mounts,
    pod_spec_patch,
    ports,
    resources,
    volumes,
)


def is_pod_template(tmpl: dict) -> bool:
    return any(k in tmpl for k in POD_KINDS)


def pod_name_refusal(name: Any) -> str | None:
    """Argo v4 names pods ``<workflow>-<template>-<hash>`` (workflow/util/pod_name.go)."""
    if not isinstance(name, str) or name == name.lower():
        return None
    if not kn.DNS_SUBDOMAIN.match(f"a-{name.lower()}-1"):
        return None  # not a name Argo takes at all: compile/rules.py says so
    return (
        f'template "{name}" runs in pods named <workflow>-{name}-<hash>, which Kubernetes '
        f'refuses: pod names must be lowercase. Rename the template to "{name.lower()}" (a '
        f'step block names its template: rename the step, or keep step "{name}" with '
        f'template = "{name.lower()}"; task and step names may keep their capitals)'
    )


def invalid_names(spec: dict) -> list[Refusal]:
    """Names Argo's validation refuses (validate.go, at most 128 characters), which the
    controller checks again at a run's start and then fails the Workflow with no node."""
    out: list[Refusal] = []
    for i, tmpl in enumerate(spec.get("templates") or []):
        if not isinstance(tmpl, dict):
            continue
        named: list[tuple[Path, Any]] = [(("name",), tmpl.get("name"))]
        dag, steps = tmpl.get("dag"), tmpl.get("steps")
        for j, task in enumerate(dag.get("tasks") or [] if isinstance(dag, dict) else []):
            named.append((("dag", "tasks", j, "name"), task.get("name")))
        for g, group in enumerate(steps if isinstance(steps, list) else []):
            for j, item in enumerate(group if isinstance(group, list) else []):
                named.append((("steps", g, j, "name"), item.get("name")))
        for path, name in named:
            if isinstance(name, str) and len(name) > MAX_FIELD_NAME:
                out.append(
                    Refusal(
                        ("templates", i, *path),
                        f"the name {name[:20]!r}... is {len(name)} characters long; Argo "
                        f"allows at most {MAX_FIELD_NAME}",
                    )
                )
    return out


def workflow_refusals(spec: dict) -> list[Refusal]:
    """What fails the Workflow before any node runs (operator.go updateWorkflowMetadata)."""
    out: list[Refusal] = []
    meta = spec.get("workflowMetadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    for key, value in labels.items() if isinstance(labels, dict) else ():
        if isinstance(value, str) and not kn.templated(value):
            why = kn.label_value(value)
            if why:
                out.append(
                    Refusal(
                        ("workflowMetadata", "labels", key),
                        f'workflow_metadata label "{key}": the value "{value}" is not a valid '
                        f"Kubernetes label value ({why}); Argo fails every run of it",
                    )
                )
    return out


def spec_pod_refusals(spec: dict) -> list[Refusal]:
    """What every pod of the Workflow inherits from its spec and Kubernetes refuses."""
    out: list[Refusal] = []
    meta = spec.get("podMetadata")
    if isinstance(meta, dict):
        out += labels(meta.get("labels"), ("podMetadata", "labels"), "pod_metadata label")
        out += annotation_keys(meta.get("annotations"), ("podMetadata", "annotations"))
    out += labels(spec.get("nodeSelector"), ("nodeSelector",), "node_selector")
    out += pod_spec_patch(spec.get("podSpecPatch"), ("podSpecPatch",))
    return out


def pod_refusals(tmpl: dict, spec: dict, *, root: bool = False) -> list[Refusal]:
    """Why the pod of ``tmpl`` (a template of ``spec``) cannot be created; paths are below the
    template. ``root``: the template is the Workflow's own node, whose pod takes the bare
    Workflow name."""
    out: list[Refusal] = []
    if not root:
        why = pod_name_refusal(tmpl.get("name"))
        if why:
            out.append(Refusal(("name",), why))
    ctrs = list(containers(tmpl))
    out += container_names(tmpl)
    out += volumes(tmpl, spec, ctrs)
    for path, ctr, _ in ctrs:
        out += mounts(ctr, path, script=path[:1] == ("script",))
        out += ports(ctr, path)
        out += env(ctr, path)
        out += resources(ctr, path)
    meta = tmpl.get("metadata")
    if isinstance(meta, dict):
        out += labels(meta.get("labels"), ("metadata", "labels"), "template metadata label")
        out += annotation_keys(meta.get("annotations"), ("metadata", "annotations"))
    out += labels(tmpl.get("nodeSelector"), ("nodeSelector",), "node_selector")
    automount = tmpl.get("automountServiceAccountToken", spec.get("automountServiceAccountToken"))
    if automount is False and not (executor_sa(tmpl) or executor_sa(spec)):
        out.append(
            Refusal(
                ("automountServiceAccountToken",),
                "automount_service_account_token = false needs executor.service_account_name "
                "(Argo's executor must still reach the API server); set executor { "
                "service_account_name = ... }",
            )
        )
    out += pod_spec_patch(tmpl.get("podSpecPatch"), ("podSpecPatch",))
    return out


def pod_refusal_text(tmpl: dict, spec: dict, *, root: bool = False) -> str | None:
    """The first reason a pod of ``tmpl`` is refused, the spec's own first: what the engine's
    node reports."""
    found = spec_pod_refusals(spec) + pod_refusals(tmpl, spec, root=root)
    return found[0].message if found else None
