"""The evaluated module: what `config` hands to `compile`.

Values are plain Python data (str, int, float, bool, None, list, dict) with every expression
already evaluated. Positions are kept on every attribute and block so that later stages can
point at the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gp.errors import Diagnostic, SourcePos


@dataclass
class Attr:
    name: str
    value: Any
    pos: SourcePos
    # The parts of ``value`` that are sensitive (``gp.config.marks``): paths of dict keys and
    # list indices into it, () for the whole value. ``value`` itself is plain data.
    marks: tuple[tuple[Any, ...], ...] = ()

    @property
    def sensitive(self) -> bool:
        return bool(self.marks)


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    attrs: dict[str, Attr]
    blocks: list[Block]
    pos: SourcePos

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


@dataclass(frozen=True)
class Lifecycle:
    prevent_destroy: bool = False
    # Paths in the compiled object, dotted and in Argo's names, e.g. "spec.suspend" or
    # "spec.templates[\"main\"].container.image" (the planner interprets them).
    ignore_changes: tuple[str, ...] = ()
    # Where each ignore_changes entry is written, for the compiler's schema check.
    positions: tuple[SourcePos, ...] = field(default=(), compare=False)


# Object block types, in the order the language lists them.
OBJECT_KINDS = ("workflow_template", "cluster_workflow_template", "cron_workflow", "manifest")


@dataclass
class ObjectDecl:
    """One expanded object block (count/for_each already applied)."""

    address: str  # e.g. 'module.geo.workflow_template.tile["T10UDV"]'
    kind: str  # one of OBJECT_KINDS
    label: str
    # The evaluated body: count, for_each and lifecycle removed; everything else as written.
    body: Block
    lifecycle: Lifecycle
    module_dir: Path
    pos: SourcePos
    # Addresses of object blocks this one refers to (e.g. a cron's workflow_template).
    references: tuple[str, ...] = ()


@dataclass
class ProviderConfig:
    kind: str  # "kubernetes" or "directory"
    settings: dict[str, Any]
    pos: SourcePos | None = None

    @property
    def namespace(self) -> str:
        return self.settings.get("namespace") or "default"


@dataclass(frozen=True)
class Moved:
    """A `moved` block, its addresses made absolute (a child module's carry its prefix)."""

    from_: str
    to: str
    pos: SourcePos


@dataclass(frozen=True)
class Removed:
    """A `removed` block: ``destroy`` false stops managing the object and leaves it in place."""

    from_: str
    destroy: bool
    pos: SourcePos


@dataclass(frozen=True)
class Environment:
    """An `environment` block of the root module: one of the module's targets, its own stack."""

    name: str
    provider: ProviderConfig
    stack: str  # "<stack>-<name>" unless the block sets stack
    promote_from: str | None = None
    default: bool = False
    pos: SourcePos | None = None


@dataclass
class Output:
    name: str
    value: Any
    sensitive: bool
    pos: SourcePos


@dataclass
class Module:
    """The evaluated root module, with every child module's objects flattened in."""

    root_dir: Path
    stack: str
    provider: ProviderConfig
    objects: list[ObjectDecl]
    outputs: dict[str, Output] = field(default_factory=dict)
    required_version: str | None = None
    # The text of every sensitive value met (a sensitive variable's, or one derived from it
    # that reached an object or an output), for masking free text: messages quoting values.
    # Structured output is masked by the marks on attributes instead (Attr.marks).
    sensitive_values: frozenset[str] = frozenset()
    # Evaluation errors, only when loaded with partial=True (otherwise they are raised).
    diagnostics: tuple[Diagnostic, ...] = ()
    # `moved` and `removed` blocks of every module instance, chains of moves resolved.
    moved: tuple[Moved, ...] = ()
    removed: tuple[Removed, ...] = ()
    # The root module's environments, and the one this load is for (None: it has none).
    environments: dict[str, Environment] = field(default_factory=dict)
    environment: str | None = None
    # Where a provider's relative paths start (a directory's path, a kubeconfig): the root
    # module's folder, unless the module was read from elsewhere (`gp promote`'s checkout).
    target_dir: Path | None = None

    @property
    def target_base(self) -> Path:
        return self.target_dir or self.root_dir
