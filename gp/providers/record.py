"""The stack record (what a stack owns) as JSON, and how an apply changes it.

The same JSON is kept by both providers: a file in the directory, a ConfigMap in a cluster.

    {"format_version": "1", "stack": "geo", "applied_at": "...", "applied_by": "...",
     "objects": {"workflow_template.x": {"apiVersion": ..., "kind": ..., "namespace": ...,
                                         "name": ..., "applied": {<manifest gp sent>},
                                         "sensitive": [<paths of its sensitive fields>]}}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.compile.objects import ObjectRef
from gp.errors import ProviderError
from gp.planner.masking import parse_marks, seal
from gp.planner.normalize import strip_server_fields
from gp.planner.plan import Action, Mode, PlanData, RecordEntry, ResourceChange, StackRecord
from gp.providers.fastjson import dumps_pretty, loads

RECORD_FORMAT = "1"


def record_to_json(record: StackRecord) -> str:
    objects = {
        address: {
            "apiVersion": entry.ref.api_version,
            "kind": entry.ref.kind,
            "namespace": entry.ref.namespace,
            "name": entry.ref.name,
            # A sensitive value is never stored: its fingerprint is (enough to see drift).
            "applied": seal(entry.applied, parse_marks(entry.sensitive_paths)),
            **({"sensitive": list(entry.sensitive_paths)} if entry.sensitive_paths else {}),
        }
        for address, entry in record.entries.items()
    }
    doc = {
        "format_version": RECORD_FORMAT,
        "stack": record.stack,
        "applied_at": record.applied_at,
        "applied_by": record.applied_by,
        "objects": objects,
    }
    return dumps_pretty(doc) + "\n"


def record_from_json(text: str, stack: str, where: str) -> StackRecord:
    """Parse a stored record; ``where`` names its location for the error message."""
    try:
        doc = loads(text)
        entries = {
            address: RecordEntry(
                ref=ObjectRef(o["apiVersion"], o["kind"], o.get("namespace"), o["name"]),
                applied=o.get("applied") or {},
                sensitive_paths=tuple(str(p) for p in o.get("sensitive") or ()),
            )
            for address, o in (doc.get("objects") or {}).items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProviderError(f"the stack record {where} is not valid: {exc}") from exc
    if doc.get("stack") not in (None, stack):
        raise ProviderError(
            f"the stack record {where} belongs to stack {doc['stack']!r}, not {stack!r}"
        )
    return StackRecord(
        stack=stack,
        entries=entries,
        applied_at=doc.get("applied_at"),
        applied_by=doc.get("applied_by"),
    )


def _with_change(entries: dict[str, RecordEntry], change: ResourceChange) -> None:
    if change.action is Action.DELETE:
        entries.pop(change.address, None)
    elif change.after is not None:
        entries[change.address] = RecordEntry(change.ref, change.after, change.sensitive_paths)


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
    entries = dict(old.entries)
    for change in applied:
        _with_change(entries, change)
    if not plan_current:
        return StackRecord(old.stack, dict(sorted(entries.items())), applied_at, applied_by)
    for change in plan.changes:
        # An object gp owns by label but that the record lost (e.g. a deleted ConfigMap) is
        # taken back into the record once a plan finds it already as desired.
        if change.action is Action.NOOP and change.address not in entries and change.after:
            entries[change.address] = RecordEntry(change.ref, change.after, change.sensitive_paths)
    if plan.mode is Mode.REFRESH_ONLY:
        # Refresh-only accepts the drift: the live objects become the new base.
        for drift in plan.drift:
            if drift.after is None:
                entries.pop(drift.address, None)
            else:
                entries[drift.address] = RecordEntry(
                    drift.ref, strip_server_fields(drift.after), drift.sensitive_paths
                )
    return StackRecord(
        stack=old.stack,
        entries=dict(sorted(entries.items())),
        applied_at=applied_at,
        applied_by=applied_by,
    )


def record_with(
    old: StackRecord, address: str, ref: ObjectRef, applied: dict[str, Any], at: str, by: str
) -> StackRecord:
    """The record with one object added (``gp import``)."""
    entries = dict(old.entries)
    entries[address] = RecordEntry(ref, applied)
    return StackRecord(old.stack, dict(sorted(entries.items())), at, by)
