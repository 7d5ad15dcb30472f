"""The stack's record by hand: `gp state list | show | mv | rm | restore` and `gp import`.

Each change is made under the stack's lock and keeps the record as it was before as a backup
(a file beside the record, or a second ConfigMap) that `gp state restore` puts back. A change
keeps the objects' ownership marks true to the record: `mv` writes the new address onto the
object, `rm` takes gp's marks off it (the object stays, as with `removed { lifecycle { destroy
= false } }`), `restore` puts back the marks of the objects the backup lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from gp import operations
from gp.compile.objects import ADDRESS_ANNOTATION, ObjectRef
from gp.config.addresses import address_kind, covers
from gp.errors import GPError, PlanError
from gp.external.identity import whoami
from gp.planner.masking import mask_at, parse_marks
from gp.planner.stack_record import RecordEntry, StackRecord
from gp.providers.base import Provider
from gp.suggest import did_you_mean

__all__ = ["StateChange", "adopt", "forget", "listed", "matching", "move", "restore", "shown_entry"]


@dataclasses.dataclass(frozen=True)
class StateChange:
    """What a `gp state` command did: (address before, address after or None) per object."""

    stack: str
    moved: tuple[tuple[str, str | None], ...]


def matching(record: StackRecord, address: str, *, what: str = "") -> list[str]:
    """The record's addresses that ``address`` names (itself, a block's every instance, or a
    module's every object); an error with the closest address when there is none."""
    found = sorted(a for a in record.entries if covers(a, address))
    if not found:
        known = sorted(record.entries)
        hint = did_you_mean(address, known)
        listing = "" if hint or not known else f"; it lists {', '.join(known[:10])}"
        raise GPError(
            f"{what}{address} is not in the record of stack {record.stack!r}{hint or listing}"
        )
    return found


def shown_entry(record: StackRecord, address: str) -> dict[str, Any]:
    """`gp state show ADDR`: the object and what gp last applied to it, sensitive fields
    masked."""
    if address not in record.entries:
        matching(record, address)  # raises with the closest address
        raise GPError(f"{address} names several objects: give one of them (see gp state list)")
    entry = record.entries[address]
    return {
        "address": address,
        "apiVersion": entry.ref.api_version,
        "kind": entry.ref.kind,
        "namespace": entry.ref.namespace,
        "name": entry.ref.name,
        "applied": mask_at(entry.applied, (), parse_marks(entry.sensitive_paths)),
    }


def _changed(old: StackRecord, entries: dict[str, RecordEntry]) -> StackRecord:
    return dataclasses.replace(old, entries=dict(sorted(entries.items())))


def _with_address(applied: dict[str, Any], address: str) -> dict[str, Any]:
    meta = dict(applied.get("metadata") or {})
    meta["annotations"] = {**(meta.get("annotations") or {}), ADDRESS_ANNOTATION: address}
    return {**applied, "metadata": meta}


def _moved(address: str, src: str, dst: str) -> str | None:
    if address == src:
        return dst
    if src.endswith("]") or dst.endswith("]"):
        return None  # an instance moves alone
    return dst + address[len(src) :]


def move(provider: Provider, stack: str, src: str, dst: str) -> StateChange:
    """`gp state mv FROM TO`: the record's entries (one, a block's instances, or a module's
    objects) and their objects' address marks."""
    for name, address in (("FROM", src), ("TO", dst)):
        if address_kind(address) is None:
            raise PlanError(f"gp state mv: {name} {address!r} is not an address")
    if address_kind(src) != address_kind(dst):
        raise PlanError(f"gp state mv: {src} and {dst} are not the same kind of address")
    record = provider.owned(stack)
    pairs = [(a, new) for a in matching(record, src) if (new := _moved(a, src, dst))]
    if not pairs:
        raise PlanError(f"gp state mv: {src} names several objects; {dst} names one")
    taken = sorted(new for _, new in pairs if new in record.entries)
    if taken:
        raise PlanError(f"gp state mv: the record already holds {', '.join(taken)}")
    entries = dict(record.entries)
    for old, new in pairs:
        entry = entries.pop(old)
        entries[new] = dataclasses.replace(entry, applied=_with_address(entry.applied, new))
    # Marks first: an object that cannot be marked leaves the record as it was.
    for old, new in pairs:
        provider.set_marks(record.entries[old].ref, stack, new)
    provider.save_record(_changed(record, entries), record)
    return StateChange(stack, tuple(pairs))


def forget(provider: Provider, stack: str, address: str) -> StateChange:
    """`gp state rm ADDR`: the objects leave the record and lose gp's marks; they stay."""
    record = provider.owned(stack)
    gone = matching(record, address)
    for old in gone:
        provider.set_marks(record.entries[old].ref, stack, None)
    entries = {a: e for a, e in record.entries.items() if a not in gone}
    provider.save_record(_changed(record, entries), record)
    return StateChange(stack, tuple((a, None) for a in gone))


def restore(provider: Provider, stack: str) -> StateChange:
    """`gp state restore`: the backup becomes the record (and the record the backup, so a
    restore can be undone); objects the backup lists get their marks back where they lost
    them (never taken from another stack)."""
    backup = provider.backup(stack)
    if backup is None:
        raise GPError(f"stack {stack!r} has no backup of its record: gp state mv and rm keep one")
    current = provider.owned(stack)
    for address, entry in backup.entries.items():
        provider.set_marks(entry.ref, stack, address)
    provider.save_record(backup, current)
    return StateChange(stack, tuple((a, a) for a in sorted(backup.entries)))


# A change to the record, given the provider and the stack's name.
Change = Callable[[Provider, str], StateChange]


def by_hand(inputs: operations.Inputs, change: Change, lock_timeout: float) -> StateChange:
    """``change`` made to the stack's record under its lock."""
    module = operations.load(inputs)
    provider = operations.provider_for(module)
    try:
        with provider.lock(module.stack, whoami(), lock_timeout):
            return change(provider, module.stack)
    finally:
        provider.close()


def adopt(
    compiled: operations.CompiledStack, provider: Provider, address: str, ident: str
) -> ObjectRef:
    """`gp import ADDR NAMESPACE/NAME`: mark a live object as this stack's, under ADDR."""
    declared = {o.address: o for o in compiled.objects}
    obj = declared.get(address)
    if obj is None:
        hint = did_you_mean(address, declared)
        raise PlanError(
            f"{address} is not declared in the configuration{hint} "
            "(write its block first, then import)"
        )
    given_ns, _, name = ident.rpartition("/")
    namespace = given_ns or None
    if obj.ref.namespace is None and namespace:
        raise PlanError(f"{address} is cluster-scoped; give only its NAME")
    ref = ObjectRef(
        obj.ref.api_version, obj.ref.kind, namespace if obj.ref.namespace else None, name
    )
    if (ref.namespace, ref.name) != (obj.ref.namespace, obj.ref.name):
        raise PlanError(
            f"{address} declares {obj.ref}, not {ref}; "
            "set its name and namespace to match the object you import"
        )
    provider.adopt(ref, compiled.module.stack, address)
    return ref


def listed(record: StackRecord, patterns: Sequence[str]) -> list[str]:
    """`gp state list [ADDR...]`: every address, or those the patterns name."""
    if not patterns:
        return sorted(record.entries)
    out: set[str] = set()
    for pattern in patterns:
        out.update(matching(record, pattern))
    return sorted(out)
