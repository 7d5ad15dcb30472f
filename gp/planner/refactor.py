"""The record as the plan reads it: one entry per object, at the address it has now.

Three things can leave a record's addresses behind the configuration, and all three are
settled here, before drift and changes are worked out:

- a record written by an earlier gp may list one object under two addresses (it kept the old
  address beside the new one after a rename): the plan keeps the one the configuration or the
  object's own mark names, and says so (``RecordFix``);
- a `moved` block takes an address (or a block's every instance, or a module's every object)
  to another;
- an object the configuration declares under a new address, with the same identity (a renamed
  label, a move into a module, a for_each key whose object keeps its name), has moved there.

A `removed` block names what leaves the configuration on purpose (``removal_for``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gp.compile.objects import CompiledObject, ObjectRef
from gp.config.addresses import covers, moved_to
from gp.config.model import Moved, Removed
from gp.planner.plan import LiveState, RecordFix
from gp.planner.stack_record import RecordEntry, identity


@dataclass
class RecordView:
    entries: dict[str, RecordEntry]  # by the address each object has now
    moved_from: dict[str, str] = field(default_factory=dict)  # new address -> old
    fixes: list[RecordFix] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _healed(live: LiveState, declared: Mapping[tuple, str]) -> tuple[dict, list[RecordFix]]:
    entries = dict(live.record.entries)
    fixes = []
    for ident, addresses in sorted(live.record.by_identity().items(), key=str):
        if len(addresses) < 2:
            continue
        ref = live.record.entries[addresses[0]].ref
        obj = live.objects.get(ref)
        marked = obj.address if obj is not None else None
        keep = next(
            (a for a in (declared.get(ident), marked) if a in addresses), sorted(addresses)[-1]
        )
        dropped = tuple(a for a in sorted(addresses) if a != keep)
        for address in dropped:
            del entries[address]
        fixes.append(RecordFix(ref, keep, dropped))
    return entries, fixes


def moved_address(address: str, moves: Sequence[Moved]) -> tuple[str, Moved | None]:
    for move in moves:
        found = moved_to(address, move)
        if found is not None:
            return found, move
    return address, None


def record_view(
    live: LiveState, desired: Mapping[str, CompiledObject], moves: Sequence[Moved]
) -> RecordView:
    declared = {identity(o.ref): a for a, o in desired.items()}
    entries, fixes = _healed(live, declared)
    view = RecordView({}, fixes=fixes)
    taken = set(entries)
    for address, entry in sorted(entries.items()):
        new, move = moved_address(address, moves)
        if move is not None and new in taken and new != address:
            view.warnings.append(
                f"the moved block at {move.pos} does not move {address}: the stack's record "
                f"already holds {new}; remove one of the two with gp state rm"
            )
            new = address
        if move is None:
            # No block says so, but the configuration declares this very object elsewhere.
            elsewhere = declared.get(identity(entry.ref))
            if elsewhere is not None and elsewhere != address and elsewhere not in entries:
                new = elsewhere
        if new != address:
            view.moved_from[new] = address
        view.entries[new] = entry
    return view


def owned_address(address: str | None, ref: ObjectRef, moves: Sequence[Moved]) -> str:
    """The address of an object found by its stack label alone (the record lost it): its
    address mark, moved as the blocks say."""
    if address is None:
        return str(ref)
    return moved_address(address, moves)[0]


def removal_for(address: str, removals: Sequence[Removed]) -> Removed | None:
    return next((r for r in removals if covers(address, r.from_)), None)
