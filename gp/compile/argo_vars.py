"""Argo's `{{...}}` variables: where they sit in a compiled spec, and what each template offers.

The rules follow Argo's own validator (workflow/validate/validate.go): a tag is checked only when
it starts with one of Argo's variable roots, expression tags (`{{=...}}`) are never checked, and
a few runtime values are always accepted. What a step or task exposes to the others
(`tasks.A.outputs.parameters.P`, ...) comes from the template it runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gp.compile.context import Path

# Tags Argo resolves; any other tag (`{{item}}`, `{{retries}}`, `{{=expr}}`, ...) is left alone.
CHECKED_ROOTS = ("item.", "steps.", "inputs.", "outputs.", "pod.", "workflow.", "tasks.")
# Known only while the workflow runs: Argo accepts any tag that starts with one of these.
RUNTIME_PREFIXES = (
    "outputs.",
    "workflow.creationTimestamp",
    "workflow.scheduledTime",
    "workflow.duration",
    "tasks.name",
    "steps.name",
    "node.name",
)
ALWAYS_GLOBAL = (
    "workflow.name",
    "workflow.namespace",
    "workflow.mainEntrypoint",
    "workflow.serviceAccountName",
    "workflow.uid",
    "workflow.status",
)
# Argo's template types, in the order Argo picks one when several are set.
TYPES = (
    "container",
    "containerSet",
    "steps",
    "dag",
    "script",
    "resource",
    "data",
    "suspend",
    "http",
    "plugin",
)
POD_TYPES = ("container", "containerSet", "script", "resource", "data")
LEAF_TYPES = (*POD_TYPES, "http", "plugin")
ARTIFACT_LOCATIONS = (
    "s3",
    "git",
    "http",
    "artifactory",
    "hdfs",
    "raw",
    "oss",
    "gcs",
    "azure",
    "plugin",
)
# A whole tag such as `{{inputs.parameters.x}}`: Argo's test for "this name is itself a variable".
VARIABLE = re.compile(r"{{[-a-zA-Z0-9]+(\.[-a-zA-Z0-9_]+)*}}")


def tags(text: str) -> Iterator[str]:
    """The text between each `{{` and the next `}}`, as Argo's template scanner cuts it."""
    start = text.find("{{")
    while start >= 0:
        end = text.find("}}", start + 2)
        if end < 0:
            return
        yield text[start + 2 : end]
        start = text.find("{{", end + 2)


def checked(tag: str) -> str | None:
    """The tag as Argo looks it up, or None when Argo does not check it."""
    name = tag.strip()
    return name if name.startswith(CHECKED_ROOTS) else None


def strings(value: Any, path: Path) -> Iterator[tuple[str, Path]]:
    """Every string holding `{{` in a JSON-like value (map keys too), with the path that holds it."""
    todo: list[tuple[Any, Path]] = [(value, path)]
    while todo:
        v, p = todo.pop()
        if isinstance(v, str):
            if "{{" in v:
                yield v, p
        elif isinstance(v, dict):
            for k, x in v.items():
                if isinstance(k, str) and "{{" in k:
                    yield k, p
                todo.append((x, (*p, k)))
        elif isinstance(v, list):
            todo.extend((x, (*p, i)) for i, x in enumerate(v))


def entries(value: Any) -> list[dict]:
    """The maps of a list (a value of the wrong shape is the schema check's to report)."""
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def as_map(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _names(items: Any) -> tuple[str, ...]:
    return tuple(e["name"] for e in items if isinstance(e.get("name"), str))


def _global_names(items: list[dict]) -> tuple[str, ...]:
    return tuple(e["globalName"] for e in items if isinstance(e.get("globalName"), str))


def _given(param: dict) -> bool:
    return any(param.get(k) is not None for k in ("value", "default", "valueFrom"))


def _located(art: dict) -> bool:
    return bool(art.get("optional")) or any(art.get(k) for k in ARTIFACT_LOCATIONS)


@dataclass(frozen=True)
class TemplateFacts:
    """What a template declares and, run as a step or task, exposes to the others."""

    name: str
    type: str  # one of TYPES, or "" when the template has no body
    daemon: bool
    has_result: bool  # outputs.result and exitCode
    out_params: tuple[str, ...]
    out_artifacts: tuple[str, ...]
    in_params: tuple[str, ...]
    in_artifacts: tuple[str, ...]
    needed_params: tuple[str, ...]  # inputs a caller must pass: no value, default or value_from
    needed_artifacts: tuple[str, ...]  # not optional and no location of their own
    global_params: tuple[str, ...]
    global_artifacts: tuple[str, ...]
    owner: str | None = None  # the workflow template holding it, when called through template_ref

    @classmethod
    def of(cls, tmpl: dict) -> TemplateFacts:
        kind = next((t for t in TYPES if tmpl.get(t) is not None), "")
        inputs, outputs = as_map(tmpl.get("inputs")), as_map(tmpl.get("outputs"))
        params, arts = entries(inputs.get("parameters")), entries(inputs.get("artifacts"))
        out_params, out_arts = entries(outputs.get("parameters")), entries(outputs.get("artifacts"))
        result = kind in ("container", "script", "data", "http", "plugin") or (
            kind == "containerSet"
            and "main" in _names(entries(as_map(tmpl["containerSet"]).get("containers")))
        )
        return cls(
            name=str(tmpl.get("name", "")),
            type=kind,
            daemon=tmpl.get("daemon") is True,
            has_result=result,
            out_params=_names(out_params),
            out_artifacts=_names(out_arts),
            in_params=_names(params),
            in_artifacts=_names(arts),
            needed_params=_names([p for p in params if not _given(p)]),
            needed_artifacts=_names([a for a in arts if not _located(a)]),
            global_params=_global_names(out_params),
            global_artifacts=_global_names(out_arts),
        )

    @property
    def label(self) -> str:
        """How messages name it: `template "x"`, or for a step's own inline template, that."""
        if not self.name:
            return "an inline template"
        return f'template "{self.name}"' + (f" of {self.owner}" if self.owner else "")

    @property
    def pod(self) -> bool:
        return self.type in POD_TYPES

    @property
    def leaf(self) -> bool:
        return self.type in LEAF_TYPES

    def scope_keys(self) -> set[str]:
        """What the template's own body may use: its inputs and, when it runs a pod, pod.name."""
        keys = {f"inputs.parameters.{p}" for p in self.in_params}
        if self.in_params:
            keys.add("inputs.parameters")
        keys.update(f"inputs.artifacts.{a}" for a in self.in_artifacts)
        if self.leaf:
            keys.update(f"inputs.artifacts.{a}.path" for a in self.in_artifacts)
        if self.pod:
            keys.add("pod.name")
        return keys

    def node_keys(self, prefix: str, node: str, aggregate: bool) -> list[str]:
        """What a step or task named ``node`` running this template exposes (`tasks.node.…`)."""
        base = f"{prefix}.{node}"
        keys = [f"{base}.id", f"{base}.startedAt", f"{base}.finishedAt", f"{base}.hostNodeName"]
        if self.daemon:
            keys.append(f"{base}.ip")
        if self.has_result:
            keys += [f"{base}.outputs.result", f"{base}.exitCode"]
        keys += [f"{base}.outputs.parameters.{p}" for p in self.out_params]
        keys += [f"{base}.outputs.artifacts.{a}" for a in self.out_artifacts]
        if aggregate:  # a loop's outputs.parameters is the list of every iteration's
            keys.append(f"{base}.outputs.parameters")
            if self.type in ("script", "containerSet"):
                keys += [f"{base}.outputs.result", f"{base}.exitCode"]
        return keys


def node_base_keys(prefix: str, node: str) -> list[str]:
    base = f"{prefix}.{node}"
    return [f"{base}.id", f"{base}.startedAt", f"{base}.finishedAt", f"{base}.hostNodeName"]


def loop_keys(item: dict) -> tuple[set[str], bool]:
    """The `item.…` names a step or task's loop provides, and whether any is possible (with_param)."""
    keys: set[str] = set()
    values = item.get("withItems")
    for value in values if isinstance(values, list) else ():
        if isinstance(value, list):
            keys.update(f"item.[{i}]" for i in range(len(value)))
        elif isinstance(value, dict):
            keys.update(f"item.{k}" for k in value)
    return keys, bool(item.get("withParam"))


def loops(item: dict) -> bool:
    return (
        bool(item.get("withItems"))
        or bool(item.get("withParam"))
        or item.get("withSequence") is not None
    )


def aggregates(item: dict) -> bool:
    """Argo gathers a loop's outputs only for with_items and with_param, not with_sequence."""
    return bool(item.get("withItems")) or bool(item.get("withParam"))
