"""The Kubernetes target: Argo objects in a cluster, written with server-side apply.

The stack's record is the ConfigMap ``gp-stack-<stack>`` and its lock the Lease
``gp-lock-<stack>``, both in the provider's namespace, so any checkout plans the same.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from gp.compile.objects import STACK_LABEL, CompiledObject, ObjectRef
from gp.config.model import ProviderConfig
from gp.errors import ApplyError, ConflictError, ProviderError
from gp.external.identity import whoami
from gp.planner.applied import ApplyReport
from gp.planner.normalize import strip_server_fields
from gp.planner.plan import Action, LiveObject, LiveState, PlanData, ResourceChange, Target
from gp.planner.stack_record import StackRecord
from gp.providers.base import Interrupted, Progress, StackLock
from gp.providers.conflicts import CONFLICT_ADVICE, conflict_message, decide, is_field_conflict
from gp.providers.discovery import Discovery
from gp.providers.kinds import ARGO_GROUP, ARGO_VERSION, argo_kind, split_api_version
from gp.providers.kubeclient import ApiFailure, Kube
from gp.providers.kubeconfig import load_configuration, transport_for
from gp.providers.kubelists import PARALLEL_FROM, list_scopes, listed, parallel, unlabelled
from gp.providers.kubepatch import adopt_marks, patch_marks, stale, take_back
from gp.providers.kubestore import RecordStore
from gp.providers.kubetransport import LibraryTransport
from gp.providers.lease import LeaseLock
from gp.providers.live import packed
from gp.providers.locking import DEFAULT_LEASE_SECONDS, Clock, held, iso, utc_now
from gp.providers.managed import foreign_fields, gp_wrote_after
from gp.providers.manifests import (
    address_of,
    labels_of,
    owned_by,
    without_managed_fields,
)
from gp.providers.record import record_with

DEFAULT_FIELD_MANAGER = "gp"
_REPLACE_WAIT_S = 30.0
# Objects of one kind and namespace read by a GET each; more are found by one LIST.


class KubernetesProvider:
    def __init__(
        self,
        api_client: Any,
        namespace: str,
        *,
        field_manager: str = DEFAULT_FIELD_MANAGER,
        identity: str | None = None,
        clock: Clock = utc_now,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        poll_s: float = 0.5,
    ):
        self.kube = Kube(api_client)
        self.namespace = namespace
        self.field_manager = field_manager
        self.identity = identity or whoami()
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.poll_s = poll_s
        self.records = RecordStore(self.kube, namespace, field_manager)
        self.discovery = Discovery(self.kube)
        self.target = Target(provider="kubernetes", namespace=namespace, server=self.kube.host)

    @classmethod
    def from_config(
        cls, config: ProviderConfig, root_dir: Path, **kwargs: Any
    ) -> KubernetesProvider:
        transport = transport_for(config.settings, root_dir)
        manager = config.settings.get("field_manager") or DEFAULT_FIELD_MANAGER
        provider = cls(transport, config.namespace, field_manager=manager, **kwargs)
        provider._settings = (dict(config.settings), root_dir)
        return provider

    def close(self) -> None:
        self.kube.close()

    def engine(self):
        """Argo's runs on this cluster (gp run, watch, runs, logs, stop, resubmit)."""
        from gp.providers.kubernetes_runs import KubeEngine

        return KubeEngine(self.kube, self._library_client)

    _settings: tuple[dict, Path] | None = None

    def _library_client(self) -> Any:
        """The kubernetes library's client for what plain REST does not cover (watches, pod
        logs): the transport's own, or one made from the same kubeconfig. Only runs pay for it."""
        transport = self.kube.transport
        if isinstance(transport, LibraryTransport):
            return transport.api_client
        if self._settings is None:
            raise ProviderError("the runs engine needs a provider made from a kubeconfig")
        from kubernetes import client as kube_client

        return kube_client.ApiClient(configuration=load_configuration(*self._settings))

    # -- addressing -----------------------------------------------------------------------

    def _rest(self, ref: ObjectRef) -> tuple[str, str, str, str | None]:
        group, version = split_api_version(ref.api_version or f"{ARGO_GROUP}/{ARGO_VERSION}")
        kind = argo_kind(ref.kind)
        return (
            group,
            version,
            kind.plural,
            (ref.namespace or self.namespace) if kind.namespaced else None,
        )

    def _ref(self, manifest: dict[str, Any]) -> ObjectRef:
        meta = manifest.get("metadata") or {}
        kind = manifest.get("kind", "")
        ns = meta.get("namespace") if argo_kind(kind).namespaced else None
        return ObjectRef(manifest.get("apiVersion", ""), kind, ns, meta.get("name", ""))

    def _live(
        self, manifest: dict[str, Any], stack: str, recorded_at: str | None = None
    ) -> LiveObject:
        """As the plan keeps it: fingerprinted, its tree let go (``live.packed``)."""
        managed = (manifest.get("metadata") or {}).get("managedFields") or []
        return packed(
            self._ref(manifest),
            without_managed_fields(manifest),
            (manifest.get("metadata") or {}).get("resourceVersion"),
            address_of(manifest),
            owned_by(manifest, stack),
            foreign_fields(managed, self.field_manager),
            gp_wrote_after(managed, self.field_manager, recorded_at),
        )

    def _get(self, ref: ObjectRef) -> dict | None:
        return self.kube.get(*self._rest(ref), ref.name)

    # -- reading --------------------------------------------------------------------------

    def owned(self, stack: str) -> StackRecord:
        self.discovery.check_server()
        return self.records.load(stack) or StackRecord(stack=stack)

    def backup(self, stack: str) -> StackRecord | None:
        self.discovery.check_server()
        return self.records.load(stack, backup=True)

    def save_record(self, record: StackRecord, backup: StackRecord) -> None:
        """`gp state`: the record changed by hand, the one before kept as its backup."""
        self.records.save(backup, backup=True)
        self.records.save(record)

    def set_marks(
        self, ref: ObjectRef, stack: str, address: str | None, resource_version: str | None = None
    ) -> LiveObject | None:
        ref = self._normal(ref)
        patched = patch_marks(
            self.kube, self._rest(ref), ref, stack, address, resource_version, self.field_manager
        )
        return None if patched is None else self._live(patched, stack)

    def read(self, stack: str, desired: Sequence[CompiledObject]) -> LiveState:
        self.discovery.require((o.ref.api_version, o.ref.kind, o.address) for o in desired)
        record = self.owned(stack)
        refs = [o.ref for o in desired] + [e.ref for e in record.entries.values()]
        objects: dict[ObjectRef, LiveObject] = {}
        scopes = list_scopes(refs, self.namespace, self.discovery.serves)
        # The LISTs at once (one per kind and namespace), taken in scope order; for a small
        # stack one after the other on one connection: a LIST of a few objects answers in a
        # millisecond or two, less than another connection's TLS handshake costs.
        workers = 10 if len(refs) >= PARALLEL_FROM else 1
        selector = f"{STACK_LABEL}={stack}"
        found = parallel(
            lambda scope: listed(
                self.kube, scope, selector, lambda m: self._live(m, stack, record.applied_at)
            ),
            scopes,
            workers,
        )
        for live in (live for lives in found for live in lives):
            objects[live.ref] = live
        missing = sorted({self._normal(r) for r in refs} - set(objects))
        for manifest in unlabelled(self.kube, missing, self._get):
            live = self._live(manifest, stack, record.applied_at)
            objects[live.ref] = live
        return LiveState(objects=objects, record=record)

    def _normal(self, ref: ObjectRef) -> ObjectRef:
        ns = (ref.namespace or self.namespace) if argo_kind(ref.kind).namespaced else None
        return ObjectRef(ref.api_version, ref.kind, ns, ref.name)

    def changed_refs(self, refs: dict[ObjectRef, str | None]) -> list[ObjectRef]:
        wanted = sorted(refs)
        found = parallel(lambda r: self._get(self._normal(r)), wanted)
        versions = [(live or {}).get("metadata", {}).get("resourceVersion") for live in found]
        return [ref for ref, now in zip(wanted, versions) if now != refs[ref]]

    def dry_run(self, obj: CompiledObject, live: LiveObject | None) -> dict:
        # Forced: the plan shows the object as it will be; conflicts are settled at apply.
        result = self.kube.apply(
            *self._rest(obj.ref),
            obj.ref.name,
            obj.manifest,
            manager=self.field_manager,
            force=True,
            dry_run=True,
        )
        return without_managed_fields(result)

    # -- locking --------------------------------------------------------------------------

    def _lease(self, stack: str) -> LeaseLock:
        return LeaseLock(self.kube, self.namespace, stack, self.lease_seconds, self.clock)

    def lock(self, stack: str, holder: str, timeout_s: float) -> AbstractContextManager[StackLock]:
        self.discovery.check_server()
        return held(self._lease(stack), stack, holder, timeout_s, self.lease_seconds, self.poll_s)

    def unlock(self, stack: str, lock_id: str) -> None:
        self.discovery.check_server()
        self._lease(stack).unlock(lock_id)

    # -- writing --------------------------------------------------------------------------

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
        # A saved plan may meet a cluster whose CRDs changed since: refuse before any write.
        self.discovery.require(
            (c.ref.api_version, c.ref.kind, c.address) for c in plan.changes if c.after is not None
        )
        from gp.providers.executor import apply_and_record  # a plan never writes

        result, new = apply_and_record(
            plan,
            self.target,
            read_record=self.owned,
            write=lambda c: self._write(c, force_conflicts),
            parallelism=parallelism,
            progress=progress,
            now=lambda: iso(self.clock()),
            identity=self.identity,
            lock=lock,
            interrupted=interrupted,
        )
        try:
            self.records.save(new)
        except ProviderError as exc:
            if not result.ok:
                # Writes already failed (typically the server went away): the result's listing
                # is the report, and the rerun it asks for rebuilds the record from the labels.
                return result
            message = f"the objects were written but the stack record was not: {exc.message}"
            raise ApplyError(message, result) from exc
        return result

    def _write(self, change: ResourceChange, force_conflicts: bool) -> None:
        if change.action is Action.FORGET:
            # The object's own stack label names the stack (the plan read it so).
            stack = labels_of(change.before or {}).get(STACK_LABEL, "")
            self.set_marks(change.ref, stack, None, change.resource_version)
            return
        if change.action in (Action.DELETE, Action.REPLACE):
            old_ref = self._before_ref(change)
            self._delete(old_ref, change.resource_version)
            if change.action is Action.REPLACE:
                self._wait_gone(old_ref)
        if change.action is Action.DELETE:
            return
        if change.after is None:
            raise ProviderError(f"{change.address}: the plan has no manifest to apply")
        rv = change.resource_version if change.action is Action.UPDATE else None
        written = self._apply(change.ref, change.after, rv, force_conflicts)
        if change.remove:
            self._take_back(change, written)

    def _take_back(self, change: ResourceChange, written: dict | None) -> None:
        current = written or self._get(change.ref) or {}
        rest = self._rest(change.ref)
        take_back(self.kube, rest, change.ref, current, change.remove, self.field_manager)

    def _before_ref(self, change: ResourceChange) -> ObjectRef:
        if change.prior_ref is not None:
            return self._normal(change.prior_ref)
        if change.before and (change.before.get("metadata") or {}).get("name"):
            return self._normal(self._ref(change.before))
        return self._normal(change.ref)

    def _delete(self, ref: ObjectRef, resource_version: str | None) -> None:
        try:
            self.kube.delete(*self._rest(ref), ref.name, resource_version)
        except ApiFailure as exc:
            if exc.code == 404:  # already gone: what the plan wanted
                return
            if exc.code == 409:
                raise ConflictError(stale(ref, resource_version)) from exc
            raise

    def _wait_gone(self, ref: ObjectRef) -> None:
        deadline = time.monotonic() + _REPLACE_WAIT_S
        while self._get(ref) is not None:
            if time.monotonic() > deadline:
                raise ProviderError(f"{ref} was deleted for replacement but is still there")
            time.sleep(0.2)

    def _apply(self, ref: ObjectRef, manifest: dict, rv: str | None, force_conflicts: bool) -> dict:
        body = manifest  # sent as it is: encoding never changes it, so no copy is needed
        if rv:
            body = {
                **manifest,
                "metadata": {**(manifest.get("metadata") or {}), "resourceVersion": rv},
            }
        rest = self._rest(ref)
        try:
            return self.kube.apply(*rest, ref.name, body, manager=self.field_manager)
        except ApiFailure as exc:
            if exc.code != 409:
                raise
            if not is_field_conflict(exc.status):
                raise ConflictError(stale(ref, rv)) from exc
            conflict = exc.status
        live = self._get(ref) or {}
        managed = (live.get("metadata") or {}).get("managedFields") or []
        decision = decide(conflict, managed, self.field_manager, force_conflicts)
        if decision.blocking:
            raise ConflictError(conflict_message(str(ref), decision), advice=CONFLICT_ADVICE)
        try:
            return self.kube.apply(*rest, ref.name, body, manager=self.field_manager, force=True)
        except ApiFailure as exc:
            if exc.code == 409:
                raise ConflictError(stale(ref, rv)) from exc
            raise

    def adopt(self, ref: ObjectRef, stack: str, address: str) -> LiveObject:
        ref = self._normal(ref)
        self.discovery.require([(ref.api_version, ref.kind, address)])
        updated = adopt_marks(self.kube, self._rest(ref), ref, stack, address, self.field_manager)
        old = self.owned(stack)
        self.records.save(
            record_with(
                old, address, ref, strip_server_fields(updated), iso(self.clock()), self.identity
            )
        )
        return self._live(updated, stack)
