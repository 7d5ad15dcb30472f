"""Finding templates (by name, or by templateRef into another object of the module) and
binding a template's inputs, as Argo's template resolution and common.ProcessArgs do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gp.compile.objects import TEMPLATE_KINDS
from gp.errors import NotModelledError, SimulationError
from gp.simulate.scope import substitute

_POD = ("container", "script", "resource", "containerSet")
ARTIFACT = "artifact:"  # how an artifact stands in a scope: only its presence is modelled
# Where an artifact can come from besides a task's outputs (workflow/v1alpha1 ArtifactLocation).
ARTIFACT_SOURCES = (
    "from",
    "raw",
    "s3",
    "git",
    "http",
    "artifactory",
    "hdfs",
    "oss",
    "gcs",
    "azure",
    "plugin",
)
_OTHER = ("suspend", "http", "plugin", "data")


def template_kind(tmpl: Mapping[str, Any]) -> str:
    if "dag" in tmpl:
        return "dag"
    if "steps" in tmpl:
        return "steps"
    if any(k in tmpl for k in _POD):
        return "pod"
    return next((k for k in _OTHER if k in tmpl), "empty")


class Templates:
    """The templates a run can reach: the pipeline's own, and those of the module's other
    WorkflowTemplates and ClusterWorkflowTemplates for ``templateRef``."""

    def __init__(self, spec: Mapping[str, Any], manifests: tuple[Mapping[str, Any], ...]):
        self.spec = spec
        self.root = ("", spec)
        self.others: dict[tuple[bool, str], Mapping[str, Any]] = {}
        for m in manifests:
            if m.get("kind") in TEMPLATE_KINDS:
                cluster = m["kind"] == "ClusterWorkflowTemplate"
                self.others[(cluster, m["metadata"]["name"])] = m.get("spec") or {}
        defaults = spec.get("templateDefaults")
        self.defaults = defaults if isinstance(defaults, dict) else {}

    def resolve(self, holder: Mapping[str, Any], scope: tuple[str, Mapping[str, Any]]):
        """The template ``holder`` (a task, step or hook) runs, and the scope it resolves in."""
        if isinstance(holder.get("inline"), dict):  # a template of no name, defined in place
            return self._checked(with_defaults(holder["inline"], self.defaults)), scope
        ref = holder.get("templateRef")
        if ref:
            key = (bool(ref.get("clusterScope")), ref.get("name", ""))
            spec = self.others.get(key)
            if spec is None:
                kind = "ClusterWorkflowTemplate" if key[0] else "WorkflowTemplate"
                raise NotModelledError(
                    f"templateRef to the {kind} {key[1]!r}, which the module does "
                    "not declare, is not modelled"
                )
            scope, name = (key[1], spec), ref.get("template", "")
        else:
            name = holder.get("template", "")
        for tmpl in scope[1].get("templates") or []:
            if tmpl.get("name") == name:
                return self._checked(with_defaults(tmpl, self.defaults)), scope
        raise SimulationError(f"template {name!r} is not defined")

    @staticmethod
    def _checked(tmpl: dict) -> dict:
        if tmpl.get("daemon"):
            raise NotModelledError(
                f"template {tmpl.get('name')!r}: daemons are not modelled (a daemon runs "
                "beside its successors until its template ends)"
            )
        if tmpl.get("synchronization"):
            raise NotModelledError(
                f"template {tmpl.get('name')!r}: synchronization (a mutex or semaphore) is not "
                "modelled"
            )
        return tmpl

    def inputs(
        self, tmpl: Mapping[str, Any], args: Mapping[str, str], scope: Mapping[str, str]
    ) -> dict[str, str]:
        """The template's input parameters as ``inputs.parameters.NAME`` tags. Input artifacts
        are checked for presence only: given by the caller, by a source of their own, or
        optional (their bytes are not modelled)."""
        inputs = tmpl.get("inputs") or {}
        out: dict[str, str] = {}
        for art in inputs.get("artifacts") or []:
            name = art.get("name")
            given = f"{ARTIFACT}{name}" in args
            if not (given or art.get("optional") or any(k in art for k in ARTIFACT_SOURCES)):
                raise SimulationError(
                    f"template {tmpl.get('name')!r}: input artifact {name!r} was not supplied "
                    "(Argo refuses the Workflow)"
                )
            if given or any(k in art for k in ARTIFACT_SOURCES):
                out[f"inputs.artifacts.{name}"] = f"{ARTIFACT}{name}"
        for param in inputs.get("parameters") or []:
            name = param["name"]
            if name in args:
                value = args[name]
            elif "value" in param:
                value = str(param["value"])
            elif "default" in param:
                value = str(param["default"])
            elif param.get("valueFrom"):
                raise NotModelledError(f"input parameter {name!r} with valueFrom is not modelled")
            else:
                raise SimulationError(
                    f"template {tmpl.get('name')!r}: input parameter {name!r} has no value"
                )
            out[f"inputs.parameters.{name}"] = substitute(value, scope)
        return out

    @staticmethod
    def arguments(arguments: Mapping[str, Any]) -> dict[str, str]:
        """A task's or step's argument parameters by name (after substitution), and its
        artifacts as ``ARTIFACT + name`` (which no parameter name can be)."""
        out = {}
        for art in arguments.get("artifacts") or []:
            if art.get("fromExpression"):
                raise NotModelledError("artifacts given by fromExpression are not modelled")
            out[f"{ARTIFACT}{art.get('name')}"] = str(art.get("from") or art.get("name"))
        for param in arguments.get("parameters") or []:
            if "valueFrom" in param:
                raise NotModelledError(
                    f"argument {param.get('name')!r} with valueFrom is not modelled"
                )
            out[param["name"]] = _text(param.get("value", ""))
        return out


_TYPES = ("container", "script", "resource", "dag", "steps", "suspend", "containerSet")
_TYPES_TOO = ("data", "http", "plugin")


def with_defaults(tmpl: dict, defaults: Mapping[str, Any]) -> dict:
    """operator.go mergedTemplateDefaultsInto: spec.templateDefaults under the template, the
    defaults of another template type left out."""
    if not defaults:
        return tmpl
    kind = next((k for k in (*_TYPES, *_TYPES_TOO) if k in tmpl), None)
    types = (*_TYPES, *_TYPES_TOO)
    applicable = {k: v for k, v in defaults.items() if k not in types or k == kind}
    return _merge(applicable, tmpl)


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
