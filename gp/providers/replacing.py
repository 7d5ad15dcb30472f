"""Replacing an object under a new name or namespace: create before destroy.

A replace deleted the old object and created the new one in a single write, and the crons
that pointed at the old template were repointed in a later wave, so a cron firing in between
found no template. Now the replace is split in two: the new object is created with the other
writes (before the crons that are repointed to it), and the old one is deleted with the other
deletions, after every write and after whatever still referred to it has stopped doing so
(gp/providers/ordering.py orders deletions after the writes that drop a reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from gp.compile.objects import ObjectRef
from gp.planner.plan import Action, ResourceChange


@dataclass(frozen=True)
class Split:
    work: list[ResourceChange]  # what the executor writes
    original: list[int]  # for each item of work: the index of the change it comes from
    cleanup: dict[int, int]  # index in work of an old object's deletion -> of its creation


def old_ref(change: ResourceChange) -> ObjectRef:
    if change.prior_ref is not None:
        return change.prior_ref
    meta = (change.before or {}).get("metadata") or {}
    if meta.get("name"):
        return replace(change.ref, name=meta["name"], namespace=meta.get("namespace"))
    return change.ref


def split(changes: Sequence[ResourceChange]) -> Split:
    work: list[ResourceChange] = []
    original: list[int] = []
    deletions: list[tuple[int, ResourceChange]] = []
    for i, change in enumerate(changes):
        old = old_ref(change) if change.action is Action.REPLACE else None
        if old is None or old == change.ref:
            work.append(change)
            original.append(i)
            continue
        work.append(replace(change, action=Action.CREATE, prior_ref=None))
        original.append(i)
        deletions.append(
            (
                len(work) - 1,
                replace(change, action=Action.DELETE, ref=old, prior_ref=old, after=None),
            )
        )
    cleanup = {}
    for created, deletion in deletions:
        work.append(deletion)
        original.append(original[created])
        cleanup[len(work) - 1] = created
    return Split(work, original, cleanup)
