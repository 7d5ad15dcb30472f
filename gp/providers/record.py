"""The stack record (what a stack owns) as JSON, and how an apply changes it.

The same JSON is kept by both providers: a file in the directory, a ConfigMap in a cluster.
This module is the one place that reads and writes it. Format 2, keyed by object identity
(kind, namespace, name), so that an object is listed once whatever its address history:

    {"format_version": "2", "stack": "geo", "applied_at": "...", "applied_by": "...",
     "commit": "<git commit the applied plan was made from>", "dirty": false,
     "objects": {"WorkflowTemplate/pipeline/x": {
         "address": "workflow_template.x", "apiVersion": ..., "kind": ..., "namespace": ...,
         "name": ..., "applied": {<manifest gp sent>},
         "sensitive": [<paths of its sensitive fields>], "applied_at": "..."}},
     "overrides": [{"address": ..., "kind": ..., "name": ..., "path": "spec.suspend",
                    "value": true, "module_value": null, "by": ..., "at": ..., "reason": ...}]}

An object's ``applied_at`` and the ``overrides`` (`gp cron suspend`) are optional: records
written before them load.

Format 1 (gp before 0.x: ``objects`` keyed by address) is still read; it may list one object
under two addresses, which the next plan reports and its apply removes (``RecordFix``).
Fields are added to a format without changing its number: a reader ignores what it does not
know, and a record from a newer major format is refused rather than overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.compile.objects import ObjectRef
from gp.errors import ProviderError
from gp.planner.masking import parse_marks, seal
from gp.planner.normalize import strip_server_fields
from gp.planner.overrides import override_from_dict, override_to_dict
from gp.planner.plan import Action, Mode, PlanData, RecordFix, ResourceChange
from gp.planner.stack_record import Override, RecordEntry, StackRecord, identity
from gp.providers.fastjson import dumps_compact, dumps_pretty, loads

RECORD_FORMAT = "2"


def identity_key(ref: ObjectRef) -> str:
    """The record's key for an object: Kind/namespace/name (Kind/name when cluster-scoped)."""
    return str(ObjectRef("", ref.kind, ref.namespace, ref.name))


def _entry_to_json(address: str, entry: RecordEntry) -> dict[str, Any]:
    return {
        "address": address,
        "apiVersion": entry.ref.api_version,
        "kind": entry.ref.kind,
        "namespace": entry.ref.namespace,
        "name": entry.ref.name,
        # A sensitive value is never stored: its fingerprint is (enough to see drift).
        "applied": seal(entry.applied, parse_marks(entry.sensitive_paths)),
        **({"sensitive": list(entry.sensitive_paths)} if entry.sensitive_paths else {}),
        **({"applied_at": entry.applied_at} if entry.applied_at else {}),
    }


class PackedEntry(RecordEntry):
    """A record entry whose applied manifest is kept as compact JSON, decoded when asked for.

    A plan compares most entries only through their fingerprints, and a stack's record decoded
    whole was the largest thing a plan held (23 MiB of 1,000 templates and 200 crons, beside
    22 MiB of compiled objects): packed, it is the size of its JSON."""

    _data: bytes

    def __init__(
        self,
        ref: ObjectRef,
        applied: dict[str, Any],
        sensitive_paths: tuple[str, ...] = (),
        applied_at: str | None = None,
    ) -> None:
        # The same fields as RecordEntry, so dataclasses.replace() makes a packed one too.
        object.__setattr__(self, "ref", ref)
        object.__setattr__(self, "_data", dumps_compact(applied))
        object.__setattr__(self, "sensitive_paths", tuple(sensitive_paths))
        object.__setattr__(self, "applied_at", applied_at)

    @property
    def applied(self) -> dict[str, Any]:
        return loads(self._data)

    def _fields(self) -> tuple[Any, ...]:
        return (self.ref, self.applied, self.sensitive_paths, self.applied_at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecordEntry):
            return NotImplemented
        return self._fields() == (other.ref, other.applied, other.sensitive_paths, other.applied_at)

    __hash__ = None  # type: ignore[assignment]  # as RecordEntry's: it holds a dict

    def __reduce__(self) -> tuple[Any, ...]:
        return (RecordEntry, self._fields())


def _entry_from_json(o: dict[str, Any]) -> RecordEntry:
    return PackedEntry(
        ref=ObjectRef(o["apiVersion"], o["kind"], o.get("namespace"), o["name"]),
        applied=o.get("applied") or {},
        sensitive_paths=tuple(str(p) for p in o.get("sensitive") or ()),
        applied_at=o.get("applied_at"),
    )


def record_to_json(record: StackRecord) -> str:
    objects = {
        identity_key(entry.ref): _entry_to_json(address, entry)
        for address, entry in record.entries.items()
    }
    if len(objects) != len(record.entries):
        # Never written: the record's one rule is one entry per object.
        raise ProviderError(f"the record of stack {record.stack!r} lists an object twice")
    doc: dict[str, Any] = {
        "format_version": RECORD_FORMAT,
        "stack": record.stack,
        "applied_at": record.applied_at,
        "applied_by": record.applied_by,
    }
    if record.commit is not None:
        doc["commit"] = record.commit
        doc["dirty"] = record.dirty
    doc["objects"] = dict(sorted(objects.items()))
    if record.overrides:
        doc["overrides"] = [override_to_dict(o) for o in record.overrides]
    return dumps_pretty(doc) + "\n"


def record_from_json(text: str, stack: str, where: str) -> StackRecord:
    """Parse a stored record; ``where`` names its location for the error message."""
    try:
        doc = loads(text)
        version = str(doc.get("format_version") or "1")
        if version.split(".")[0] not in ("1", "2"):
            raise ProviderError(
                f"the stack record {where} has format {version}, written by a newer gp; "
                f"this gp reads formats 1 and 2 (upgrade gp)"
            )
        objects = doc.get("objects") or {}
        if version == "1":
            entries = {address: _entry_from_json(o) for address, o in objects.items()}
        else:
            entries = {}
            for key, o in objects.items():
                address = o["address"]
                if address in entries:
                    raise ValueError(f"{address} is listed for two objects, {key} and another")
                entries[address] = _entry_from_json(o)
        commit = doc.get("commit")
        overrides = tuple(override_from_dict(o) for o in doc.get("overrides") or ())
    except ProviderError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProviderError(f"the stack record {where} is not valid: {exc}") from exc
    if doc.get("stack") not in (None, stack):
        raise ProviderError(
            f"the stack record {where} belongs to stack {doc['stack']!r}, not {stack!r}"
        )
    return StackRecord(
        stack=stack,
        entries=dict(sorted(entries.items())),
        applied_at=doc.get("applied_at"),
        applied_by=doc.get("applied_by"),
        commit=str(commit) if commit else None,
        dirty=bool(doc.get("dirty")),
        overrides=overrides,
    )


class _Entries:
    """The record's entries while an apply's changes are taken in: one per object."""

    def __init__(self, old: StackRecord, fixes: Iterable[RecordFix] = ()) -> None:
        self.by_address = dict(old.entries)
        kept = {identity(fix.ref): fix.kept for fix in fixes}
        for ident, addresses in old.by_identity().items():
            if len(addresses) > 1:
                keep = kept.get(ident) or sorted(addresses)[-1]
                for address in addresses:
                    if address != keep:
                        self.by_address.pop(address, None)

    def drop(self, ref: ObjectRef) -> None:
        for address, entry in list(self.by_address.items()):
            if identity(entry.ref) == identity(ref):
                del self.by_address[address]

    def put(self, address: str, entry: RecordEntry) -> None:
        self.drop(entry.ref)
        self.by_address[address] = entry

    def take(self, change: ResourceChange, at: str) -> None:
        if change.action in (Action.DELETE, Action.FORGET):
            self.by_address.pop(change.address, None)
            self.drop(change.ref)
            return
        if change.prior_ref is not None:
            self.drop(change.prior_ref)
        if change.after is not None:
            entry = RecordEntry(change.ref, change.after, change.sensitive_paths, at)
            self.put(change.address, entry)

    def address_of(self, ref: ObjectRef) -> str | None:
        return next(
            (a for a, e in self.by_address.items() if identity(e.ref) == identity(ref)), None
        )


def next_record(
    old: StackRecord,
    plan: PlanData,
    applied: Iterable[ResourceChange],
    applied_at: str,
    applied_by: str,
    *,
    plan_current: bool = True,
) -> StackRecord:
    """The record after an apply: applied changes are taken in, failed ones keep the old entry.

    With ``plan_current`` false (the run lost its lock, so another run may have changed the
    stack since the plan was read) only what this run wrote is taken in: what the plan saw
    without writing it may no longer be true.
    """
    entries = _Entries(old, plan.record_fixes)
    written = set()
    for change in applied:
        entries.take(change, applied_at)
        written.add(change.address)

    def made(overrides: Iterable[Override]) -> StackRecord:
        kept = dict(sorted(entries.by_address.items()))
        return StackRecord(
            old.stack,
            kept,
            applied_at,
            applied_by,
            plan.commit,
            plan.dirty,
            # The overrides of the objects the record still has.
            overrides=tuple(o for o in overrides if o.address in kept),
        )

    if not plan_current:
        return made(old.overrides)
    for change in plan.changes:
        # An object the plan found already as desired but that the record lost (a deleted
        # ConfigMap) or holds under another address is taken in as it is now.
        if change.action is Action.NOOP and change.after:
            if entries.address_of(change.ref) != change.address:
                entries.put(
                    change.address,
                    RecordEntry(change.ref, change.after, change.sensitive_paths, applied_at),
                )
    for wrote in plan.interrupted:
        # What an interrupted apply wrote is what gp applied: the record takes it in.
        if wrote.address not in written and wrote.after is not None:
            entries.put(
                wrote.address,
                RecordEntry(
                    wrote.ref, strip_server_fields(wrote.after), wrote.sensitive_paths, applied_at
                ),
            )
    if plan.mode is Mode.REFRESH_ONLY:
        # Refresh-only accepts the drift: the live objects become the new base.
        for drift in plan.drift:
            if drift.after is None:
                entries.by_address.pop(drift.address, None)
                entries.drop(drift.ref)
            else:
                after = strip_server_fields(drift.after)
                entries.put(
                    drift.address,
                    RecordEntry(drift.ref, after, drift.sensitive_paths, applied_at),
                )
    # Read under this lock by the plan: those it kept (the module may have ended some).
    return made(plan.overrides)


def record_with(
    old: StackRecord, address: str, ref: ObjectRef, applied: dict[str, Any], at: str, by: str
) -> StackRecord:
    """The record with one object added (``gp import``)."""
    entries = _Entries(old)
    entries.put(address, RecordEntry(ref, applied, (), at))
    return StackRecord(
        old.stack,
        dict(sorted(entries.by_address.items())),
        at,
        by,
        old.commit,
        old.dirty,
        overrides=old.overrides,
    )
