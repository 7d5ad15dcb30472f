"""Drift: what changed in the target since gp applied it, object by object (the record's
``applied`` against what the target holds now)."""

from __future__ import annotations

from typing import Any, Protocol

from gp.planner.diff import field_changes, prepare, without
from gp.planner.masking import parse_marks, seal
from gp.planner.normalize import strip_server_fields
from gp.planner.paths import Path, project
from gp.planner.plan import Drift, LiveObject, LiveState
from gp.planner.refactor import RecordView
from gp.planner.taken import widen


class Planner(Protocol):
    """What finding drift reads of the planner (``make._Planner``)."""

    view: RecordView
    selected: frozenset[str]
    live: LiveState
    interrupted: list[Drift]  # the record's entries an interrupted apply of gp's wrote

    def as_left(self, live: LiveObject, manifest: dict[str, Any]) -> bool: ...

    def ignore_paths(self, address: str) -> tuple[Path, ...]: ...

    def sensitive_paths(self, address: str) -> tuple[str, ...]: ...


def find_drift(p: Planner) -> list[Drift]:
    """Each object the record lists that the target no longer holds as gp left it (one an
    interrupted apply of gp's wrote goes to ``p.interrupted`` instead)."""
    out = []
    for address, entry in sorted(p.view.entries.items()):
        if address not in p.selected:
            continue
        obj = p.live.objects.get(entry.ref)
        if obj is None:
            out.append(
                Drift(
                    address,
                    entry.ref,
                    entry.applied,
                    None,
                    sensitive_paths=p.sensitive_paths(address),
                )
            )
            continue
        if p.as_left(obj, entry.applied):
            continue
        ignore = p.ignore_paths(address)
        # The record keeps sensitive values as fingerprints: compare the live object's so.
        marks = parse_marks(entry.sensitive_paths)
        applied = without(prepare(seal(entry.applied, marks)), ignore)
        now = project(
            without(prepare(seal(obj.manifest, marks)), ignore),
            widen(applied, obj.foreign) if obj.foreign else applied,
        )
        fields = field_changes(applied, now)
        if fields:
            written = p.interrupted if obj.interrupted_write else out
            written.append(
                Drift(
                    address,
                    entry.ref,
                    entry.applied,
                    strip_server_fields(obj.manifest),
                    fields,
                    sensitive_paths=p.sensitive_paths(address),
                )
            )
    return out
