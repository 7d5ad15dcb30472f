"""Overrides in a plan: a field an operator set through gp (`gp cron suspend`) is kept in what
apply sends, and shown as a note, not a change, while the module leaves that field as it was
when the override was made. Once the module sets the field otherwise, the module wins: the
plan shows the change and says the override ends."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gp.compile.objects import CompiledObject, ObjectRef
from gp.errors import PlanError
from gp.planner.diff import field_changes, prepare
from gp.planner.normalize import strip_server_fields
from gp.planner.plan import Action, LiveState, Mode, PlanData, ResourceChange, Target
from gp.planner.stack_record import SUSPEND_PATH, Override, StackRecord
from gp.suggest import did_you_mean


def field_at(manifest: dict[str, Any] | None, path: str) -> Any:
    """The value at a dotted path ("spec.suspend"); None when absent."""
    node: Any = manifest
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def with_field(manifest: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``manifest`` with ``value`` at the dotted ``path``."""
    out = copy.deepcopy(manifest)
    node = out
    *parents, last = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return out


def note_kept(o: Override) -> str:
    return f"{o.address}: {o.describe()} (override, kept)"


def keep_overrides(
    desired: Sequence[CompiledObject], record: StackRecord, mode: Mode
) -> tuple[list[CompiledObject], tuple[Override, ...], tuple[str, ...]]:
    """The desired objects with the record's overrides in them, the overrides that still
    hold, and a note for each one kept or ended."""
    by_address = {o.address: i for i, o in enumerate(desired)}
    out = list(desired)
    kept: list[Override] = []
    notes: list[str] = []
    for o in record.overrides:
        if mode is Mode.REFRESH_ONLY:
            kept.append(o)
            notes.append(note_kept(o))
            continue
        i = by_address.get(o.address)
        if i is None or mode is Mode.DESTROY:
            continue  # the object goes: so does what was set on it
        obj = out[i]
        now = field_at(obj.manifest, o.path)
        if now != o.module_value:
            notes.append(
                f"{o.address}: {o.describe()} (override ends: the module now sets "
                f"{o.path.rpartition('.')[2]} = {json.dumps(now)})"
            )
            continue
        out[i] = replace(obj, manifest=with_field(obj.manifest, o.path, o.value))
        kept.append(o)
        notes.append(note_kept(o))
    return out, tuple(kept), tuple(notes)


def override_to_dict(o: Override) -> dict[str, Any]:
    """As the stack's record and a saved plan keep it."""
    return {
        "address": o.address,
        "apiVersion": o.ref.api_version,
        "kind": o.ref.kind,
        "namespace": o.ref.namespace,
        "name": o.ref.name,
        "path": o.path,
        "value": o.value,
        "module_value": o.module_value,
        "by": o.by,
        "at": o.at,
        "reason": o.reason,
    }


def override_from_dict(d: dict[str, Any]) -> Override:
    """Raises KeyError or TypeError on a damaged entry (the caller names the file)."""
    return Override(
        address=str(d["address"]),
        ref=ObjectRef(str(d["apiVersion"]), str(d["kind"]), d.get("namespace"), str(d["name"])),
        path=str(d["path"]),
        value=d["value"],
        module_value=d.get("module_value"),
        by=str(d["by"]),
        at=str(d["at"]),
        reason=str(d.get("reason") or ""),
    )


def override_plan(
    desired: Sequence[CompiledObject],
    live: LiveState,
    *,
    stack: str,
    target: Target,
    address: str,
    suspend: bool,
    by: str,
    at: str,
    reason: str = "",
) -> PlanData:
    """The plan that suspends (or resumes) the applied cron at ``address`` and records the
    override: the object gp last applied with ``spec.suspend`` set (or given back to what the
    module had), nothing else. Raises PlanError when there is nothing to suspend or resume."""
    objects = {o.address: o for o in desired}
    obj = objects.get(address)
    if obj is None or obj.ref.kind != "CronWorkflow":
        crons = [a for a, o in objects.items() if o.ref.kind == "CronWorkflow"]
        hint = did_you_mean(address, crons)
        if not hint:
            hint = f"; its crons: {', '.join(crons)}" if crons else "; it has none"
        raise PlanError(f"{address} is not a cron_workflow of this stack{hint}")
    entry = live.record.entries.get(address)
    current = live.objects.get(entry.ref) if entry is not None else None
    if entry is None or current is None:
        raise PlanError(f"{address} is not applied (run gp apply first)")
    held = next((o for o in live.record.overrides if o.address == address), None)
    others = tuple(o for o in live.record.overrides if o.address != address)
    live_value = field_at(current.manifest, SUSPEND_PATH)
    if suspend:
        module_value = held.module_value if held else field_at(obj.manifest, SUSPEND_PATH)
        if module_value is True:
            raise PlanError(f"{address}: the module itself suspends it (suspend = true)")
        override = Override(address, entry.ref, SUSPEND_PATH, True, module_value, by, at, reason)
        after = with_field(entry.applied, SUSPEND_PATH, True)
        kept = others + (override,)
    else:
        if held is None:
            if live_value:
                raise PlanError(
                    f"{address} was suspended outside gp, not by gp cron suspend: the next "
                    "gp apply resumes it (gp plan shows it as drift)"
                )
            raise PlanError(f"{address} is not suspended")
        after = without_field(entry.applied, SUSPEND_PATH, held.module_value)
        kept = others
    before = strip_server_fields(current.manifest)
    change = ResourceChange(
        address,
        entry.ref,
        Action.UPDATE,
        None,
        before,
        after,
        current.resource_version,
        field_changes(prepare(current.manifest), prepare(after)),
        sensitive_paths=entry.sensitive_paths,
    )
    return PlanData(
        stack=stack,
        target=target,
        mode=Mode.NORMAL,
        changes=(change,),
        read=((entry.ref, current.resource_version),),
        created_at=at,
        overrides=kept,
    )


def without_field(manifest: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``manifest`` with ``value`` back at ``path``, or with no such field when None."""
    if value is not None:
        return with_field(manifest, path, value)
    out = copy.deepcopy(manifest)
    *parents, last = path.split(".")
    node: Any = out
    for key in parents:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)
    return out
