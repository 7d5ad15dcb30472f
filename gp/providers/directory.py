"""A GitOps target: one YAML file per object, committed and synced by another tool.

Layout under the provider's ``path``:

    <namespace>/<kind>/<name>.yaml      namespaced objects (kind lower-cased: workflowtemplate)
    _cluster/<kind>/<name>.yaml         cluster-scoped objects (ClusterWorkflowTemplate)
    .gp/<stack>.json                    the stack's record
    .gp/<stack>.backup.json             the record before the last `gp state` change
    .gp/<stack>.lock                    the stack's lock while a plan-and-apply runs

A file's resourceVersion is a hash of its bytes, so a hand edit between plan and apply is seen.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import yaml

from gp.compile.objects import STACK_LABEL, CompiledObject, ObjectRef
from gp.errors import ConflictError, ProviderError
from gp.external.identity import whoami
from gp.planner.applied import ApplyReport
from gp.planner.normalize import strip_server_fields
from gp.planner.ownership import without_marks
from gp.planner.plan import Action, LiveObject, LiveState, PlanData, ResourceChange, Target
from gp.planner.stack_record import StackRecord
from gp.providers.base import Interrupted, Progress, StackLock
from gp.providers.executor import apply_and_record
from gp.providers.filelock import FileLock
from gp.providers.kinds import file_stem, is_cluster_scoped
from gp.providers.locking import DEFAULT_LEASE_SECONDS, Clock, held, iso, utc_now
from gp.providers.manifests import (
    ParsedYaml,
    address_of,
    content_hash,
    dump_yaml,
    labels_of,
    load_yaml,
    owned_by,
    with_ownership,
)
from gp.providers.record import record_from_json, record_to_json, record_with

CLUSTER_DIR = "_cluster"
STATE_DIR = ".gp"


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def yaml_error(path: Path, exc: yaml.YAMLError) -> ProviderError:
    """The file and where in it a YAML syntax error is, without PyYAML's multi-line excerpt."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return ProviderError(f"{path}: not valid YAML: {problem}{where}")


class DirectoryProvider:
    def __init__(
        self,
        path: Path,
        namespace: str,
        *,
        identity: str | None = None,
        clock: Clock = utc_now,
        lock_seconds: float = DEFAULT_LEASE_SECONDS,
        poll_s: float = 0.5,
        cache_dir: Path | None = None,
    ):
        self.root = path.resolve()
        # Each object file read before, parsed, by its bytes' digest (``manifests.ParsedYaml``).
        self.parsed = ParsedYaml(cache_dir)
        self.namespace = namespace
        self.identity = identity or whoami()
        self.clock = clock
        self.lock_seconds = lock_seconds
        self.poll_s = poll_s
        self.target = Target(provider="directory", namespace=namespace, server=str(self.root))

    # -- layout ---------------------------------------------------------------------------

    def close(self) -> None:
        """Nothing to release: a folder holds no connection."""

    def engine(self):
        raise ProviderError(
            "the directory provider has no engine to run pipelines: runs need a cluster with "
            'Argo Workflows (a provider "kubernetes" block; `scripts/dev-cluster up` '
            "starts one locally, with the engine)"
        )

    def path_for(self, ref: ObjectRef) -> Path:
        """The object's file, refused when it would not lie under ``path`` (validate rejects such
        names; this guards plans made elsewhere and records written by older versions)."""
        scope = CLUSTER_DIR if is_cluster_scoped(ref.kind) else (ref.namespace or self.namespace)
        parts = (scope, ref.kind.lower(), f"{ref.name}.yaml")
        path = self.root.joinpath(*parts)
        inside = path.resolve().parent.parent.parent == self.root
        if not inside or any(not p or "/" in p or "\\" in p or p.startswith(".") for p in parts):
            raise ProviderError(
                f"{ref}: refusing to use {path}, which is not a file of the form "
                f"<namespace>/<kind>/<name>.yaml under {self.root}"
            )
        return path

    def _record_path(self, stack: str, backup: bool = False) -> Path:
        suffix = ".backup.json" if backup else ".json"
        return self.root / STATE_DIR / f"{file_stem(stack)}{suffix}"

    def _lock(self, stack: str) -> FileLock:
        path = self.root / STATE_DIR / f"{file_stem(stack)}.lock"
        return FileLock(path, stack, self.lock_seconds, self.clock)

    def _object_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(
            p
            for p in self.root.glob("*/*/*.yaml")
            if not p.parts[len(self.root.parts)].startswith(".") and p.is_file()
        )

    def _load(self, path: Path) -> tuple[dict[str, Any], str] | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:  # e.g. a directory where the object's file belongs
            raise ProviderError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        try:
            manifest = self.parsed.load(data)
        except UnicodeDecodeError as exc:
            raise ProviderError(f"{path}: not UTF-8 text: {exc.reason}") from exc
        except yaml.YAMLError as exc:
            raise yaml_error(path, exc) from exc
        if not isinstance(manifest, dict) or "kind" not in manifest:
            return None
        return manifest, content_hash(data)

    def _ref_of(self, path: Path, manifest: dict[str, Any]) -> ObjectRef:
        kind = manifest.get("kind", "")
        meta = manifest.get("metadata") or {}
        scope = path.parent.parent.name
        namespace = None if is_cluster_scoped(kind) else meta.get("namespace") or scope
        return ObjectRef(
            manifest.get("apiVersion", ""), kind, namespace, meta.get("name", path.stem)
        )

    def _live(self, path: Path, stack: str) -> LiveObject | None:
        loaded = self._load(path)
        if loaded is None:
            return None
        manifest, version = loaded
        return LiveObject(
            ref=self._ref_of(path, manifest),
            manifest=manifest,
            resource_version=version,
            address=address_of(manifest),
            owned=owned_by(manifest, stack),
            # No other tool writes these files: anything in a spec that gp did not write is a
            # hand edit, shown as drift and undone when apply rewrites the file.
            foreign={"spec": None} if "spec" in manifest else None,
        )

    # -- Provider -------------------------------------------------------------------------

    def owned(self, stack: str) -> StackRecord:
        return self._read_record(stack) or StackRecord(stack=stack)

    def backup(self, stack: str) -> StackRecord | None:
        return self._read_record(stack, backup=True)

    def _read_record(self, stack: str, backup: bool = False) -> StackRecord | None:
        path = self._record_path(stack, backup)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return record_from_json(text, stack, str(path))

    def save_record(self, record: StackRecord, backup: StackRecord) -> None:
        """`gp state`: the record changed by hand, the one before kept as its backup."""
        write_atomically(
            self._record_path(record.stack, backup=True), record_to_json(backup).encode("utf-8")
        )
        self._save_record(record)

    def set_marks(self, ref: ObjectRef, stack: str, address: str | None) -> LiveObject | None:
        path = self.path_for(ref)
        loaded = self._load(path)
        if loaded is None:
            return None
        other = labels_of(loaded[0]).get(STACK_LABEL)
        if other not in (None, stack):
            raise ConflictError(f"{ref} belongs to the stack {other!r}, not {stack!r}")
        manifest = (
            with_ownership(loaded[0], stack, address)
            if address is not None
            else without_marks(loaded[0])
        )
        write_atomically(path, dump_yaml(manifest).encode("utf-8"))
        return self._live(path, stack)

    def read(self, stack: str, desired: Sequence[CompiledObject]) -> LiveState:
        record = self.owned(stack)
        wanted = {o.ref for o in desired} | {e.ref for e in record.entries.values()}
        objects: dict[ObjectRef, LiveObject] = {}
        for path in self._object_files():
            live = self._live(path, stack)
            if live is not None and (live.owned or live.ref in wanted):
                objects[live.ref] = live
        return LiveState(objects=objects, record=record)

    def dry_run(self, obj: CompiledObject, live: LiveObject | None) -> dict:
        # The directory holds exactly what is written; the round trip normalises the values.
        return load_yaml(dump_yaml(obj.manifest))

    def lock(self, stack: str, holder: str, timeout_s: float) -> AbstractContextManager[StackLock]:
        return held(self._lock(stack), stack, holder, timeout_s, self.lock_seconds, self.poll_s)

    def unlock(self, stack: str, lock_id: str) -> None:
        self._lock(stack).unlock(lock_id)

    def changed_refs(self, refs: dict[ObjectRef, str | None]) -> list[ObjectRef]:
        changed = []
        for ref, version in refs.items():
            loaded = self._load(self.path_for(ref))
            if (loaded[1] if loaded else None) != version:
                changed.append(ref)
        return sorted(changed)

    def apply(
        self,
        plan: PlanData,
        *,
        force_conflicts: bool = False,
        parallelism: int = 10,
        progress: Progress | None = None,
        lock: StackLock | None = None,
        interrupted: Interrupted | None = None,
    ) -> ApplyReport:
        # Files are written one at a time: it is fast, and directory pruning cannot race.
        result, record = apply_and_record(
            plan,
            self.target,
            read_record=self.owned,
            write=lambda c: self._write(c, plan.stack),
            parallelism=1,
            progress=progress,
            now=lambda: iso(self.clock()),
            identity=self.identity,
            lock=lock,
            interrupted=interrupted,
        )
        self._save_record(record)
        return result

    def adopt(self, ref: ObjectRef, stack: str, address: str) -> LiveObject:
        path = self.path_for(ref)
        loaded = self._load(path)
        if loaded is None:
            raise ProviderError(f"{ref} does not exist in {self.root} (looked for {path})")
        other = labels_of(loaded[0]).get(STACK_LABEL)
        if other not in (None, stack):
            raise ConflictError(f"{ref} already belongs to the stack {other!r}")
        manifest = with_ownership(loaded[0], stack, address)
        write_atomically(path, dump_yaml(manifest).encode("utf-8"))
        old = self.owned(stack)
        self._save_record(
            record_with(
                old, address, ref, strip_server_fields(manifest), iso(self.clock()), self.identity
            )
        )
        live = self._live(path, stack)
        assert live is not None
        return live

    # -- writes ---------------------------------------------------------------------------

    def _save_record(self, record: StackRecord) -> None:
        path = self._record_path(record.stack)
        if record.entries:
            write_atomically(path, record_to_json(record).encode("utf-8"))
        else:
            path.unlink(missing_ok=True)

    def _check_current(self, change: ResourceChange, ref: ObjectRef, stack: str) -> bool:
        """Refuse to touch a file that changed since the plan or is not the stack's.

        Returns whether the file exists.
        """
        loaded = self._load(self.path_for(ref))
        if loaded is None:
            return False
        manifest, version = loaded
        if change.resource_version is not None and version != change.resource_version:
            raise ConflictError(
                f"{ref} changed since the plan was made (resourceVersion "
                f"{change.resource_version}, now {version}); run gp plan again"
            )
        if not owned_by(manifest, stack):
            raise ConflictError(f"{ref} is not marked as belonging to the stack {stack!r}")
        return True

    def _remove(self, ref: ObjectRef) -> None:
        path = self.path_for(ref)
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == self.root or self.root not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:  # not empty
                break

    def _write(self, change: ResourceChange, stack: str) -> None:
        if change.action is Action.FORGET:
            if self._check_current(change, change.ref, stack):
                self.set_marks(change.ref, stack, None)
            return
        if change.action is Action.CREATE:
            if self.path_for(change.ref).exists():
                raise ConflictError(f"{change.ref} already exists ({self.path_for(change.ref)})")
        elif change.action in (Action.DELETE, Action.REPLACE, Action.UPDATE):
            old_ref = self._before_ref(change)
            exists = self._check_current(change, old_ref, stack)
            if change.action is not Action.UPDATE and exists:
                self._remove(old_ref)
        if change.action is not Action.DELETE:
            if change.after is None:
                raise ProviderError(f"{change.address}: the plan has no manifest to write")
            write_atomically(self.path_for(change.ref), dump_yaml(change.after).encode("utf-8"))

    def _before_ref(self, change: ResourceChange) -> ObjectRef:
        if change.prior_ref is not None:
            return change.prior_ref
        meta = (change.before or {}).get("metadata") or {}
        if not meta.get("name"):
            return change.ref
        ns = (
            None
            if is_cluster_scoped(change.ref.kind)
            else meta.get("namespace", change.ref.namespace)
        )
        return ObjectRef(change.ref.api_version, change.ref.kind, ns, meta["name"])
