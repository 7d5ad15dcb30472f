"""What one object's checks read besides the object itself, so that their findings can be kept.

``compile_all`` checks each object against Argo's rules. Most of a check reads only the object;
what it reads of the other objects of the module goes through three doors, and this module
names, for one object, every other object behind them:

- a ``templateRef`` anywhere in its specs: the module's (cluster) workflow templates of that
  name (``TemplateNames`` and ``TemplateIndex`` look them up);
- a cron's ``workflow_template``: the module's templates of that address or name
  (``CronTargets``);
- a template that others run by ``templateRef``: those others (``runtime_check.ref_targets``:
  how its templates run depends on whether anything calls them);
- the duplicate check, whose finding is made before the per-object checks and is given to them
  as whether the object compiled cleanly.

A memo of check findings (``gp.cache.blocks``) keys on the object, these objects and those
flags: a finding is reused only while all of them are the same. A check that reads other
objects another way must add its door here.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from gp.compile.objects import TEMPLATE_KINDS
from gp.errors import Diagnostic, SourcePos

orjson: ModuleType | None
try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    orjson = None

if TYPE_CHECKING:
    from gp.compile.compiler import CompiledBlock


@dataclass(frozen=True)
class Checked:
    """An object's findings of the per-object checks, and what its reference check left to
    submit time (the crons that run it are checked against that; None when it did not run)."""

    diags: tuple[Diagnostic, ...]
    submitted: tuple[tuple[str, SourcePos | None], ...] | None

    @property
    def submit_time(self) -> tuple[tuple[str, SourcePos | None], ...]:
        return self.submitted or ()


class CheckMemo(Protocol):
    def recall(
        self, r: CompiledBlock, context: list[CompiledBlock], flags: tuple[object, ...]
    ) -> Checked | None: ...

    def keep(
        self,
        r: CompiledBlock,
        context: list[CompiledBlock],
        flags: tuple[object, ...],
        checked: Checked,
    ) -> None: ...

    def schema_errors(self, kind: str, manifest: dict[str, Any]) -> list[tuple[tuple, str]]:
        """``checks.schema_errors``, kept by the manifest's shape (``schema_shape``)."""


class Context:
    """The module's templates by the keys the checks look them up with."""

    def __init__(self, results: list[CompiledBlock]) -> None:
        self.by_ref: dict[tuple[bool, str], list[CompiledBlock]] = {}
        self.by_address: dict[str, list[CompiledBlock]] = {}
        self.by_name: dict[str, list[CompiledBlock]] = {}
        self.callers: dict[tuple[bool, str], list[CompiledBlock]] = {}
        self.refs = {id(r): sorted(template_refs(r.manifest.get("spec"))) for r in results}
        for r in results:
            for key in self.refs[id(r)]:
                self.callers.setdefault(key, []).append(r)
            if r.kind in TEMPLATE_KINDS:
                key = (r.kind == "ClusterWorkflowTemplate", r.ref.name)
                self.by_ref.setdefault(key, []).append(r)
                self.by_address.setdefault(r.decl.address, []).append(r)
                self.by_name.setdefault(r.ref.name, []).append(r)

    def of(self, r: CompiledBlock) -> list[CompiledBlock]:
        """Every other object ``r``'s checks may read, in a stable order."""
        out: list[CompiledBlock] = []
        for key in self.refs[id(r)]:
            out.extend(self.by_ref.get(key, ()))
        if r.kind in TEMPLATE_KINDS:
            out.extend(self.callers.get((r.kind == "ClusterWorkflowTemplate", r.ref.name), ()))
        ref = r.cron_ref
        if ref is not None:
            if ref.address is not None:
                out.extend(self.by_address.get(ref.address, ()))
            out.extend(self.by_name.get(ref.name, ()))
        return out


def template_refs(tree: Any) -> set[tuple[bool, str]]:
    """(cluster scope, name) of every ``templateRef`` in ``tree``."""
    found: set[tuple[bool, str]] = set()
    if orjson is not None:
        try:
            if b'"templateRef"' not in orjson.dumps(tree):
                return found  # most objects call no other template: no walk for them
        except TypeError:
            pass
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("templateRef")
            if isinstance(ref, dict):
                found.add((bool(ref.get("clusterScope")), str(ref.get("name"))))
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return found
