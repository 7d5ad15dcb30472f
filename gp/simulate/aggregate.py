"""A fan-out's outputs as its successors read them: operator.go processAggregateNodeOutputs.

``{{steps.X.outputs.parameters}}`` is a JSON list of each succeeded item's parameters,
``{{steps.X.outputs.parameters.NAME}}`` the list of that parameter's values (JSON values when
every one is a JSON list or object, else strings), ``{{steps.X.outputs.result}}`` the list of
results. Items that did not succeed, exit handlers and retry attempts are left out; items come in
loop order. A result that is not JSON makes Argo fail the template that reads the fan-out
(``AggregateError``), as the controller does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from gp.errors import NotModelledError, SimulationError
from gp.simulate.model import SUCCEEDED
from gp.simulate.nodes import SimNode
from gp.simulate.scope import substitute

_INDEX = re.compile(r"\((\d+):")


class AggregateError(ValueError):
    """Argo cannot aggregate the fan-out's outputs, or a template's outputs from its steps or
    tasks; the template ends in Error."""


def _index(node: SimNode) -> int:
    found = _INDEX.findall(node.name)
    return int(found[-1]) if found else 0


def _compact(value: Any, *, sort: bool = True) -> str:
    """As Go's json.Marshal: maps by sorted key, except raw results, kept as written."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=sort)


def aggregate(prefix: str, children: Iterable[SimNode]) -> dict[str, str]:
    kids = sorted((c for c in children if not c.hooked and not c.retried), key=_index)
    params: list[dict[str, str]] = []
    by_name: dict[str, list[str]] = {}
    results: list[Any] = []
    for node in kids:
        if node.phase != SUCCEEDED or not node.outputs:
            continue
        values = node.outputs.get("parameters") or {}
        if values:
            params.append(dict(values))
            for name, value in values.items():
                by_name.setdefault(name, []).append(value)
        if "result" in node.outputs:
            try:
                results.append(json.loads(node.outputs["result"]))
            except json.JSONDecodeError as e:
                raise AggregateError(
                    f"{e.msg.lower()}: the result of {node.display} is not JSON"
                ) from None
    tags = {
        f"{prefix}.outputs.result": _compact(results, sort=False),
        f"{prefix}.outputs.parameters": _compact(params),
    }
    for name, values in by_name.items():
        tags[f"{prefix}.outputs.parameters.{name}"] = _value_list(values)
    return tags


def _value_list(values: list[str]) -> str:
    """aggregatedJSONValueList: JSON values when each is a JSON list or object, else strings."""
    parsed = []
    for value in values:
        try:
            item = json.loads(value)
        except json.JSONDecodeError:
            return _compact(values)
        if not isinstance(item, (list, dict)):
            return _compact(values)
        parsed.append(item)
    return _compact(parsed)


def template_outputs(tmpl: Mapping[str, Any], scope: Mapping[str, str]) -> dict[str, Any]:
    """operator.go getTemplateOutputsFromScope: a steps or DAG template's outputs, each
    parameter from its valueFrom.parameter (or its default), each artifact from its ``from``."""
    declared = tmpl.get("outputs") or {}
    out: dict[str, Any] = {}
    params = {}
    for param in declared.get("parameters") or []:
        source = param.get("valueFrom") or {}
        if source.get("expression"):
            raise NotModelledError(
                f"output parameter {param['name']!r} with valueFrom.expression is not modelled"
            )
        try:
            if source.get("parameter") is None:
                raise SimulationError("output parameters must have a valueFrom specified")
            params[param["name"]] = substitute(str(source["parameter"]), scope)
        except SimulationError as e:
            if "default" not in source:
                raise AggregateError(f"unable to resolve outputs from scope: {e.message}") from None
            params[param["name"]] = str(source["default"])
    if params:
        out["parameters"] = params
    artifacts = {}
    for art in declared.get("artifacts") or []:
        if not art.get("from"):
            continue
        try:
            artifacts[art["name"]] = substitute(str(art["from"]), scope)
        except SimulationError as e:
            if not art.get("optional"):
                raise AggregateError(f"unable to resolve outputs from scope: {e.message}") from None
    if artifacts:
        out["artifacts"] = artifacts
    return out
