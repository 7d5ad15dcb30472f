"""make_plan: desired objects + what the target holds -> a Plan. Pure: no I/O, no clock.

Ownership (LANGUAGE.md): gp changes or deletes only objects marked as this stack's. A declared
object that exists unmarked is an error (the user adopts it with ``gp import``), never an
update. Errors are collected in ``Plan.errors`` so that every one is reported at once and a
plan with errors can still be rendered; ``raise_for_errors`` turns them into a PlanError.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from gp.compile.objects import CompiledObject, ObjectRef
from gp.config.addresses import relative
from gp.config.model import Moved, Removed
from gp.errors import Diagnostic, DiagnosticsError
from gp.planner.confirm import Confirm, Step, settle
from gp.planner.diff import field_changes, prepare, without
from gp.planner.drift import find_drift
from gp.planner.fingerprint import digest
from gp.planner.normalize import strip_server_fields
from gp.planner.overrides import keep_overrides
from gp.planner.ownership import describe, not_ours, read_refs, without_marks
from gp.planner.paths import (
    Path,
    format_path,
    keyed_path,
    merge_shapes,
    parse_path,
    project,
)
from gp.planner.plan import (
    REASON_DESTROY,
    REASON_IDENTITY,
    REASON_NO_CONFIG,
    REASON_REMOVED,
    Action,
    Drift,
    LiveObject,
    LiveState,
    Mode,
    PlanData,
    ResourceChange,
    Target,
)
from gp.planner.refactor import RecordView, owned_address, record_view, removal_for
from gp.planner.schedule import schedule_change
from gp.planner.taken import keep_ignored, taken_back, widen
from gp.planner.targets import address_order, select, unmatched

# What `ignore_changes = all` leaves alone once the object exists: everything but its identity.
IGNORE_ALL: tuple[Path, ...] = (("spec",), ("metadata", "labels"), ("metadata", "annotations"))


def dag_changes(*args: Any) -> tuple:
    """The DAG summary of a change (``planner.dag``, loaded for a plan that changes a DAG)."""
    from gp.planner.dag import dag_changes as changes

    return changes(*args)


@dataclass
class _Planner:
    desired: dict[str, CompiledObject]
    live: LiveState
    selected: frozenset[str]
    confirm: Confirm | None
    now: datetime | None
    stack: str = ""
    moves: Sequence[Moved] = ()
    removals: Sequence[Removed] = ()
    view: RecordView = field(default_factory=lambda: RecordView({}))
    root: pathlib.Path | None = None
    parallelism: int = 1  # confirmations asked at once
    errors: list[str] = field(default_factory=list)
    ignores: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    # Record entries an interrupted apply of gp's wrote (found while looking for drift).
    interrupted: list[Drift] = field(default_factory=list)
    # Each live object's fingerprint without server fields, made once for drift and changes.
    prints: dict[ObjectRef, bytes] = field(default_factory=dict)

    def as_left(self, live: LiveObject, manifest: dict[str, Any]) -> bool:
        """Whether ``live`` is exactly ``manifest`` once its server fields are set aside. Then
        no diff can find a difference (projection and normalisation only ever remove what the
        two do not share), so the diff is skipped."""
        if live.ref not in self.prints:
            # A provider may have made it as it read the object (``providers.live``).
            self.prints[live.ref] = getattr(live, "fingerprint", None) or digest(
                strip_server_fields(live.manifest)
            )
        return self.prints[live.ref] == digest(manifest)

    def ignore_paths(self, address: str) -> tuple[Path, ...]:
        if address not in self.ignores:
            paths: list[Path] = []
            obj = self.desired.get(address)
            for text in obj.lifecycle.ignore_changes if obj else ():
                if text == "all":  # Terraform's ignore_changes = all: gp only creates it
                    paths += IGNORE_ALL
                    continue
                try:
                    paths.append(parse_path(text))
                except ValueError as exc:
                    self.errors.append(f"{address}: lifecycle.ignore_changes: {exc}")
            self.ignores[address] = tuple(paths)
        return self.ignores[address]

    def owned(self) -> dict[ObjectRef, str]:
        """Every object the stack owns, by the record or by its label, with its address (as
        moved: gp.planner.refactor)."""
        refs = {e.ref: addr for addr, e in self.view.entries.items()}
        for ref, obj in self.live.objects.items():
            if obj.owned and ref not in refs:
                refs[ref] = owned_address(obj.address, ref, self.moves)
        return refs

    def prior_refs(self) -> dict[str, ObjectRef]:
        """What each address named when gp last applied (the record, else the live marks)."""
        prior = {ref_addr: ref for ref, ref_addr in self.owned().items()}
        prior.update({addr: e.ref for addr, e in self.view.entries.items()})
        return prior

    def moved_from(self, address: str, live: LiveObject | None) -> str | None:
        """The address the object had: in the record, or in its own mark (`gp state mv`
        changes the record first, and the next apply the mark)."""
        before = self.view.moved_from.get(address)
        if before is None and live is not None and live.address not in (None, address):
            before = live.address
        return before

    def where(self, block: Removed) -> str:
        pos = block.pos
        return relative(pos, self.root) if self.root else f"{pos.file}:{pos.line}"

    def prevent(self, address: str, ref: ObjectRef, verb: str) -> None:
        obj = self.desired.get(address)
        if obj and obj.lifecycle.prevent_destroy:
            self.errors.append(
                f"{address}: lifecycle.prevent_destroy is set, but the plan would {verb} "
                f"{describe(ref)}"
            )

    def sensitive_paths(self, address: str) -> tuple[str, ...]:
        """The sensitive fields of ``address``: those of its configuration now and those
        recorded when it was last applied (a value sensitive then is still a secret)."""
        marks: set[str] = set()
        obj = self.desired.get(address)
        if obj is not None:
            marks.update(
                format_path(k)
                for k in (keyed_path(obj.manifest, p) for p in obj.sensitive_paths)
                if k
            )
        entry = self.view.entries.get(address)
        if entry is not None:
            marks.update(entry.sensitive_paths)
        return tuple(sorted(marks))

    # -- drift ---------------------------------------------------------------------------

    def drift(self) -> list[Drift]:
        return find_drift(self)

    # -- changes -------------------------------------------------------------------------

    def changes(self, mode: Mode) -> list[ResourceChange]:
        if mode is Mode.REFRESH_ONLY:
            return []
        if mode is Mode.DESTROY:
            return self.deletions(set(), REASON_DESTROY)
        claimed = {obj.ref for obj in self.desired.values()}
        prior = self.prior_refs()
        out: list[ResourceChange | Step[ResourceChange]] = []
        replaced: set[ObjectRef] = set()
        for address in sorted(self.selected & self.desired.keys()):
            obj = self.desired[address]
            current = self.live.objects.get(obj.ref)
            if current is not None and not current.owned:
                self.errors.append(f"{address}: {not_ours(obj.ref, current, self.stack)}")
                continue
            old = self.live.objects.get(prior.get(address)) if address in prior else None
            if current is None and old is not None and old.owned and old.ref not in claimed:
                replaced.add(old.ref)
                out.append(
                    replace(self.replacement(obj, old), moved_from=self.moved_from(address, old))
                )
            elif current is None:
                out.append(self.creation(obj))
            else:
                out.append(self.update(obj, current))
        done = settle(out, self.confirm, self.parallelism)
        return done + self.deletions(claimed | replaced, REASON_NO_CONFIG)

    def creation(self, obj: CompiledObject) -> ResourceChange:
        return ResourceChange(
            obj.address,
            obj.ref,
            Action.CREATE,
            None,
            None,
            obj.manifest,
            None,
            schedule=schedule_change(None, obj.manifest, self.now),
            sensitive_paths=self.sensitive_paths(obj.address),
            dag=dag_changes(None, obj.manifest, self.sensitive_paths(obj.address)),
        )

    def replacement(self, obj: CompiledObject, old: LiveObject) -> ResourceChange:
        self.prevent(obj.address, old.ref, "replace")
        before = strip_server_fields(old.manifest)
        return ResourceChange(
            obj.address,
            obj.ref,
            Action.REPLACE,
            REASON_IDENTITY,
            before,
            obj.manifest,
            old.resource_version,
            fields=field_changes(prepare(old.manifest), prepare(obj.manifest)),
            prior_ref=old.ref,
            schedule=schedule_change(before, obj.manifest, self.now),
            sensitive_paths=self.sensitive_paths(obj.address),
            dag=dag_changes(
                prepare(old.manifest), prepare(obj.manifest), self.sensitive_paths(obj.address)
            ),
        )

    def update(self, obj: CompiledObject, current: LiveObject) -> Step[ResourceChange]:
        """Yields the server's confirmation it needs (``confirm.settle`` asks for them all)."""
        ignore = self.ignore_paths(obj.address)
        if self.as_left(current, obj.manifest):
            # The target holds exactly the manifest (server fields aside): it is the before.
            return ResourceChange(
                obj.address,
                obj.ref,
                Action.NOOP,
                None,
                obj.manifest,
                keep_ignored(obj.manifest, current.manifest, ignore),
                current.resource_version,
                sensitive_paths=self.sensitive_paths(obj.address),
                moved_from=self.moved_from(obj.address, current),
            )
        desired = without(prepare(obj.manifest), ignore)
        live_tree = without(prepare(current.manifest), ignore)
        entry = self.view.entries.get(obj.address)
        applied = (
            without(prepare(entry.applied), ignore) if entry and entry.ref == obj.ref else None
        )
        shape = merge_shapes(desired, applied) if applied is not None else desired
        remove = taken_back(live_tree, current.foreign, desired)
        if current.foreign:
            shape = widen(shape, current.foreign)
        # The DAG summary reads the same two trees as the field diff, so the two always agree.
        compared = (project(live_tree, shape), desired)
        fields = field_changes(*compared)
        after = keep_ignored(obj.manifest, current.manifest, ignore)
        if fields and self.confirm is not None:
            # The server has the last word: defaults and field ownership it alone knows. Its
            # dry-run keeps other managers' fields, which apply then removes. The plan's other
            # updates wait with this one for their answers: what the comparison after the
            # answer does not read is let go first.
            del desired, applied, shape, compared
            answer = yield (replace(obj, manifest=after), current)
            compared = (live_tree, without(without(prepare(answer), ignore), remove))
            fields = field_changes(*compared)
        before = strip_server_fields(current.manifest)
        return ResourceChange(
            obj.address,
            obj.ref,
            Action.UPDATE if fields else Action.NOOP,
            None,
            before,
            after,
            current.resource_version,
            fields,
            schedule=schedule_change(before, after, self.now) if fields else None,
            remove=tuple(format_path(p) for p in remove) if fields else (),
            sensitive_paths=self.sensitive_paths(obj.address),
            dag=dag_changes(*compared, self.sensitive_paths(obj.address)) if fields else (),
            moved_from=self.moved_from(obj.address, current),
        )

    def deletions(self, keep: set[ObjectRef], reason: str) -> list[ResourceChange]:
        out = []
        for ref, address in sorted(self.owned().items(), key=lambda item: (item[1], item[0])):
            obj = self.live.objects.get(ref)
            if ref in keep or address not in self.selected or obj is None or not obj.owned:
                continue
            removal = removal_for(address, self.removals) if reason == REASON_NO_CONFIG else None
            before = strip_server_fields(obj.manifest)
            if removal is not None and not removal.destroy:
                # The object stays; apply takes gp's marks off it and drops it from the record.
                after, paths = without_marks(before), self.sensitive_paths(address)
                out.append(
                    ResourceChange(address, ref, Action.FORGET, None, before, after,
                        obj.resource_version, sensitive_paths=paths, removed_by=self.where(removal))
                )  # fmt: skip
                continue
            self.prevent(address, ref, "destroy")
            out.append(
                ResourceChange(
                    address,
                    ref,
                    Action.DELETE,
                    REASON_REMOVED if removal is not None else reason,
                    before,
                    None,
                    obj.resource_version,
                    sensitive_paths=self.sensitive_paths(address),
                    dag=dag_changes(prepare(obj.manifest), None, self.sensitive_paths(address)),
                    removed_by=self.where(removal) if removal is not None else None,
                )
            )
        return out


def make_plan(
    desired: Sequence[CompiledObject],
    live: LiveState,
    *,
    stack: str,
    target: Target,
    mode: Mode = Mode.NORMAL,
    targets: Sequence[str] = (),
    confirm: Confirm | None = None,
    inputs_hash: str = "",
    now: datetime | None = None,
    secrets: Iterable[str] = (),
    moves: Sequence[Moved] = (),
    removals: Sequence[Removed] = (),
    environment: str | None = None,
    commit: tuple[str, bool] | None = None,
    root: pathlib.Path | None = None,
    parallelism: int = 1,
) -> PlanData:
    """Diff ``desired`` against ``live``, asking ``confirm`` about each update that changes
    something (``parallelism`` at a time). Problems go to ``Plan.errors``; nothing is raised.

    ``moves`` and ``removals`` are the module's `moved` and `removed` blocks; ``commit`` the
    git commit the module is at and whether its tree is dirty (kept in the record by apply);
    ``root`` the root module's folder, which plans name blocks' files from.
    """
    desired, overrides, notes = keep_overrides(desired, live.record, mode)
    by_address = {obj.address: obj for obj in desired}
    view = record_view(live, by_address, moves)
    planner = _Planner(by_address, live, frozenset(), confirm, now, stack, moves, removals, view)
    planner.root, planner.parallelism = root, parallelism
    known = set(by_address) | set(planner.owned().values()) | set(live.record.entries)
    planner.selected = select(known, targets, {a: o.depends_on for a, o in by_address.items()})
    planner.errors.extend(unmatched(known, targets))
    drift = planner.drift()
    changes = planner.changes(mode)
    return PlanData(
        stack=stack,
        target=target,
        mode=mode,
        changes=tuple(sorted(changes, key=lambda c: (address_order(c.address), c.ref))),
        drift=tuple(sorted(drift, key=lambda d: address_order(d.address))),
        interrupted=tuple(planner.interrupted),
        inputs_hash=inputs_hash,
        errors=tuple(dict.fromkeys(planner.errors)),
        objects=tuple(desired),
        read=read_refs(desired, live),
        targets=tuple(targets),
        secrets=frozenset(s for s in secrets if s),
        created_at=now.isoformat() if now else None,
        warnings=tuple(view.warnings),
        record_fixes=tuple(view.fixes),
        environment=environment,
        commit=commit[0] if commit else None,
        dirty=bool(commit and commit[1]),
        record_commit=live.record.commit,
        record_dirty=live.record.dirty,
        overrides=overrides,
        notes=notes,
    )


def raise_for_errors(plan: PlanData) -> None:
    """Every error of ``plan`` as its own diagnostic, at the block of the object it names."""
    if not plan.errors:
        return
    diagnostics = []
    for message in plan.errors:
        pos = next((o.pos for o in plan.objects if message.startswith(f"{o.address}:")), None)
        diagnostics.append(Diagnostic(message, pos))
    raise DiagnosticsError(diagnostics)
