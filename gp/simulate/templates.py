"""Finding templates (by name, or by templateRef into another object of the module) and
binding a template's inputs, as Argo's template resolution and common.ProcessArgs do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gp.compile.objects import TEMPLATE_KINDS
from gp.errors import NotModelledError, SimulationError
from gp.simulate.scope import substitute

_POD = ("container", "script", "resource")
_OTHER = ("containerSet", "suspend", "http", "plugin", "data")


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
        for key in ("templateDefaults",):
            if spec.get(key):
                raise NotModelledError(f"spec.{key} is not modelled")

    def resolve(self, holder: Mapping[str, Any], scope: tuple[str, Mapping[str, Any]]):
        """The template ``holder`` (a task, step or hook) runs, and the scope it resolves in."""
        if holder.get("inline"):
            raise NotModelledError("inline templates are not modelled")
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
                return tmpl, scope
        raise SimulationError(f"template {name!r} is not defined")

    def inputs(
        self, tmpl: Mapping[str, Any], args: Mapping[str, str], scope: Mapping[str, str]
    ) -> dict[str, str]:
        """The template's input parameters as ``inputs.parameters.NAME`` tags."""
        inputs = tmpl.get("inputs") or {}
        if inputs.get("artifacts"):
            raise NotModelledError(
                f"template {tmpl.get('name')!r}: input artifacts are not modelled"
            )
        out: dict[str, str] = {}
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
        """A task's or step's argument parameters by name (after substitution)."""
        if arguments.get("artifacts"):
            raise NotModelledError("argument artifacts are not modelled")
        out = {}
        for param in arguments.get("parameters") or []:
            if "valueFrom" in param:
                raise NotModelledError(
                    f"argument {param.get('name')!r} with valueFrom is not modelled"
                )
            out[param["name"]] = _text(param.get("value", ""))
        return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
