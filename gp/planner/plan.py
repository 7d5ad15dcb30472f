"""The plan is a value: frozen dataclasses that can be saved, loaded, rendered and applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from gp.compile.objects import ObjectRef

FORMAT_VERSION = "1.0"


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"  # delete then create
    NOOP = "no-op"


class Mode(str, Enum):
    NORMAL = "normal"
    DESTROY = "destroy"
    REFRESH_ONLY = "refresh-only"


@dataclass(frozen=True)
class Target:
    """Where a plan reads and apply writes; a saved plan is refused on any other target."""

    provider: str  # "kubernetes" or "directory"
    namespace: str
    server: str | None = None  # cluster API URL, or the directory's absolute path


@dataclass(frozen=True)
class LiveObject:
    ref: ObjectRef
    manifest: dict[str, Any]
    resource_version: str | None
    # The address annotation gp wrote, and whether the object carries this stack's label.
    address: str | None = None
    owned: bool = False


@dataclass(frozen=True)
class RecordEntry:
    ref: ObjectRef
    # What gp applied last (the manifest it sent), the base for drift detection.
    applied: dict[str, Any]


@dataclass(frozen=True)
class StackRecord:
    """The stack's inventory, kept in the target (a ConfigMap, or a file in the directory)."""

    stack: str
    entries: dict[str, RecordEntry] = field(default_factory=dict)  # by address
    applied_at: str | None = None
    applied_by: str | None = None


@dataclass(frozen=True)
class LiveState:
    objects: dict[ObjectRef, LiveObject]
    record: StackRecord


@dataclass(frozen=True)
class FieldChange:
    # Argo's names, name-keyed lists by name: 'spec.templates["sen2cor290"].container.image'
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ResourceChange:
    address: str
    ref: ObjectRef
    action: Action
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    resource_version: str | None  # of the live object read, None when there was none
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Drift:
    address: str
    ref: ObjectRef
    before: dict[str, Any] | None  # what gp last applied
    after: dict[str, Any] | None  # what the target holds now (None: deleted outside gp)
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Plan:
    stack: str
    target: Target
    mode: Mode
    changes: tuple[ResourceChange, ...]
    drift: tuple[Drift, ...] = ()
    inputs_hash: str = ""
    errors: tuple[str, ...] = ()  # non-empty: the plan must not be applied
    format_version: str = FORMAT_VERSION

    @property
    def applyable(self) -> bool:
        return not self.errors and any(c.action is not Action.NOOP for c in self.changes)
