"""The stack the UI serves: the module compiled (again only when its files changed), its
provider, and plans made on request through gp.operations, as the CLI makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from gp import operations
from gp.compile.objects import CompiledObject
from gp.config.reads import Reads
from gp.planner.masking import mask_at
from gp.planner.paths import keyed_path
from gp.planner.plan import PlanData
from gp.providers.base import Provider
from gp.redact import MASK


def shown_manifest(obj: CompiledObject) -> dict[str, Any]:
    """The manifest with its sensitive fields masked: the only form the pages ever see."""
    marks = [p for p in (keyed_path(obj.manifest, s) for s in obj.sensitive_paths) if p]
    if len(marks) != len(obj.sensitive_paths):
        marks.append(())  # a mark on a list item's name: mask the whole object, not nothing
    return mask_at(obj.manifest, (), marks)


def form_parameters(shown: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The parameters of a shown (masked) template or cron, as the run form offers them. A
    default that is sensitive shows as the mask and is never offered as a value: left empty,
    the run takes the template's own (``sensitive``). A default of several lines is edited in
    a textarea (``multiline``)."""
    spec = shown.get("spec") or {}
    wf_spec = (spec.get("workflowSpec") or {}) if kind == "CronWorkflow" else spec
    out = []
    for p in (wf_spec.get("arguments") or {}).get("parameters") or []:
        enum = [str(e) for e in p.get("enum") or []]
        default = p.get("value", p.get("default"))
        text = None if default is None else str(default)
        out.append(
            {
                "name": str(p.get("name")),
                "type": "enum" if enum else "string",
                "enum": enum,
                "default": text,
                "sensitive": text == MASK,
                "multiline": text is not None and "\n" in text,
                "from": bool(p.get("valueFrom")),
                "description": p.get("description") or "",
            }
        )
    return out


@dataclass(frozen=True)
class Loaded:
    compiled: operations.CompiledStack
    provider: Provider

    def object(self, address: str) -> CompiledObject | None:
        return next((o for o in self.compiled.objects if o.address == address), None)


class StackSource:
    """One per UI: what ``gp -C DIR`` with the given variables would load."""

    def __init__(self, inputs: operations.Inputs, plan_file: Path | None = None) -> None:
        self.inputs = inputs
        self.plan_file = plan_file
        self._lock = Lock()
        self._loaded: Loaded | None = None
        self._seen: Reads | None = None

    def load(self) -> Loaded:
        """The compiled module; raises GPError (with file:line:col) when it does not compile.
        Compiled again when anything the load read changed: its files wherever they are
        (``file()`` of a sibling folder, a dot-folder, a variables file), a folder listing, a
        ``.git`` that moved the repository's boundary."""
        with self._lock:
            if self._loaded is not None and self._seen is not None and self._seen.unchanged():
                return self._loaded
            seen = Reads()
            compiled = operations.compile_inputs(self.inputs, seen)
            self._loaded = Loaded(compiled, operations.provider_for(compiled.module))
            self._seen = seen
            return self._loaded

    def plan(self, loaded: Loaded | None = None) -> PlanData:
        """A fresh plan between the module and the target. Read-only, so no lock is taken:
        like a plan a reviewer looks at, it may be stale the moment an apply runs."""
        loaded = loaded or self.load()
        return operations.plan(loaded.compiled, loaded.provider)

    def saved_plan(self) -> PlanData | None:
        return operations.read_plan_file(self.plan_file) if self.plan_file else None
