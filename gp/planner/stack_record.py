"""The stack's record as the planner reads it: which objects a stack owns, under which
addresses, what gp last applied to each, and the fields operators set through gp."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gp.compile.objects import ObjectRef


def identity(ref: ObjectRef) -> tuple[str, str | None, str]:
    """What makes two refs the same object in a target: kind, namespace and name (the record
    holds one entry per identity, whatever the object's address history)."""
    return (ref.kind, ref.namespace, ref.name)


@dataclass(frozen=True)
class RecordEntry:
    ref: ObjectRef
    # What gp applied last (the manifest it sent), the base for drift detection.
    applied: dict[str, Any]
    # Its sensitive fields (paths as ResourceChange.sensitive_paths), so a later plan that
    # deletes it or finds it changed still masks them.
    sensitive_paths: tuple[str, ...] = ()
    # When gp last wrote this object (ISO 8601); None in records written before gp kept it.
    applied_at: str | None = None


@dataclass(frozen=True)
class Override:
    """A field an operator set on a live object through gp (`gp cron suspend`), that plans
    keep instead of undoing, until it is lifted (`gp cron resume`) or the module itself sets
    the field to something other than it did when the override was made."""

    address: str
    ref: ObjectRef
    path: str  # "spec.suspend"
    value: Any
    module_value: Any  # what the module set there then (None: nothing)
    by: str
    at: str  # ISO 8601
    reason: str = ""

    def describe(self) -> str:
        """'suspended by alice since 2026-12-06T21:00:00+00:00: disk full'."""
        what = "suspended" if self.path == SUSPEND_PATH and self.value else f"{self.path} set"
        return f"{what} by {self.by} since {self.at}" + (f": {self.reason}" if self.reason else "")


SUSPEND_PATH = "spec.suspend"


@dataclass(frozen=True)
class StackRecord:
    """The stack's inventory, kept in the target (a ConfigMap, or a file in the directory).

    Stored keyed by object identity (gp/providers/record.py); held here by address, which each
    apply updates. gp never writes two entries for one object; a record an earlier gp wrote
    may hold such duplicates, and the next plan says which address it keeps.
    """

    stack: str
    entries: dict[str, RecordEntry] = field(default_factory=dict)  # by address
    applied_at: str | None = None
    applied_by: str | None = None
    # The git commit the last apply's plan was made from, and whether the tree had
    # uncommitted changes then (None: not in a git work tree).
    commit: str | None = None
    dirty: bool = False
    # Fields operators set through gp (`gp cron suspend`) that plans keep (Override).
    overrides: tuple[Override, ...] = ()

    def by_identity(self) -> dict[tuple[str, str | None, str], list[str]]:
        """The addresses of each object (more than one only in a record an earlier gp wrote)."""
        out: dict[tuple[str, str | None, str], list[str]] = {}
        for address, entry in self.entries.items():
            out.setdefault(identity(entry.ref), []).append(address)
        return out

    def address_of(self, ref: ObjectRef) -> str | None:
        """The address the record holds ``ref`` under (the last one when it has duplicates)."""
        found = self.by_identity().get(identity(ref))
        return sorted(found)[-1] if found else None
