"""`{{...}}` substitution, as Argo's util/template does for the fields that decide a run.

The simulator substitutes only what changes the course of a run: `when`, task arguments,
`withItems`/`withParam` and exit-hook arguments. A reference to a task or step output that
has no value would make Argo wait for it forever; here it is a ``SimulationError`` naming
the value to give in the test's ``outputs``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from gp.errors import NotModelledError, SimulationError

_TAG = re.compile(r"{{(=?)\s*([^{}]*?)\s*}}")
_STRICT = ("tasks.", "steps.")
_LEAVE = ("item", "item.", "pod.name", "retries", "node.name", "lastRetry.")


def substitute(text: str, scope: Mapping[str, str], *, allow_items: bool = True) -> str:
    """``text`` with every known tag replaced; ``{{item}}`` tags stay for the fan-out."""

    def replace(m: re.Match) -> str:
        if m.group(1):
            raise NotModelledError(f"expression tags such as {m.group(0)!r} are not modelled")
        key = m.group(2)
        if key in scope:
            return scope[key]
        if allow_items and (key == "item" or key.startswith(_LEAVE)):
            return m.group(0)
        if key.startswith(_STRICT) and key.endswith(".exitCode"):
            raise SimulationError(
                f"{{{{{key}}}}} has no value in this run: only a pod that ran has an exit "
                "code (the simulator gives 0, or 1 when the pod Failed); check that the step "
                "runs a container or script and is an ancestor of the one that reads it"
            )
        if key.startswith(_STRICT) and key.endswith(
            (".ip", ".hostNodeName", ".startedAt", ".finishedAt", ".id")
        ):
            raise NotModelledError(f"{{{{{key}}}}} (a value of the running pod) is not modelled")
        if key.startswith(_STRICT):
            raise SimulationError(
                f"{{{{{key}}}}} has no value in this run (Argo would wait for it "
                "forever); give the task's value in the test's outputs, or check "
                "that the task is an ancestor of the one that reads it"
            )
        raise SimulationError(f"{{{{{key}}}}} names nothing the simulator knows of")

    return _TAG.sub(replace, text)


def substitute_value(value: Any, scope: Mapping[str, str], *, allow_items: bool = True) -> Any:
    """Substitution through a JSON value, the way Argo marshals a task and replaces in the text:
    values land inside JSON strings, escaped."""
    if isinstance(value, str):
        return substitute(value, scope, allow_items=allow_items)
    if isinstance(value, list):
        return [substitute_value(v, scope, allow_items=allow_items) for v in value]
    if isinstance(value, dict):
        return {k: substitute_value(v, scope, allow_items=allow_items) for k, v in value.items()}
    return value


def item_scope(item: Any) -> tuple[dict[str, str], str]:
    """The ``item`` tags of one fan-out item and the description Argo puts in the node name
    (workflow/controller/operator.go, processItem: ``name(i:desc)``)."""
    if isinstance(item, bool):
        text = "true" if item else "false"
        return {"item": text}, text
    if isinstance(item, (int, float)):
        text = json.dumps(item)
        return {"item": text}, text
    if isinstance(item, str):
        return {"item": item}, item
    if isinstance(item, dict):
        tags = {"item": json.dumps(item, separators=(",", ":"), sort_keys=True)}
        parts = []
        for key, val in item.items():
            shown = val if isinstance(val, str) else json.dumps(val, separators=(",", ":"))
            tags[f"item.{key}"] = shown
            parts.append(f"{key}:{shown}")
        return tags, ",".join(sorted(parts))
    raise NotModelledError(f"fan-out over {type(item).__name__} items ({item!r}) is not modelled")


def parse_items(text: str) -> list[Any]:
    """A ``withParam`` value: a JSON list."""
    items = json.loads(text)
    if not isinstance(items, list):
        raise ValueError("not a list")
    return items


def fan_out_items(fields: Mapping[str, Any]) -> list[Any] | str | None:
    """The items of a step's or task's fan-out (its fields substituted): None when it does not
    fan out, the error Argo gives when its items cannot be read."""
    if fields.get("withItems") is not None:
        return list(fields["withItems"])
    if fields.get("withParam"):
        try:
            return parse_items(fields["withParam"])
        except ValueError:
            return (
                "withParam value could not be parsed as a JSON list: "
                f"{str(fields['withParam']).strip()}"
            )
    if fields.get("withSequence") is not None:
        try:
            return sequence(fields["withSequence"])
        except ValueError as e:
            return str(e)
    return None


_INTEGER = re.compile(r"%[-0]?\d*[dxXo]")


def sequence(seq: Mapping[str, Any]) -> list[str]:
    """operator.go expandSequence: start..end (or count from start), each formatted as text."""
    start = _int(seq.get("start", 0), "start")
    if seq.get("end") is not None:
        end = _int(seq["end"], "end")
    elif seq.get("count") is not None:
        count = _int(seq["count"], "count")
        if count == 0:
            return []
        end = start + count - 1
    else:
        raise ValueError("neither end nor count was specified in withSequence")
    fmt = str(seq.get("format") or "%d")
    if fmt.count("%") != 1 or not _INTEGER.search(fmt):
        raise NotModelledError(f"withSequence format {fmt!r} is not modelled")
    step = 1 if start <= end else -1
    return [fmt % i for i in range(start, end + step, step)]


def _int(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ValueError(
            f'strconv.Atoi: parsing "{value}": invalid syntax (withSequence.{what})'
        ) from None
