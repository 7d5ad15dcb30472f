"""The Kubernetes provider's lock: a ``coordination.k8s.io/v1`` Lease ``gp-lock-<stack>``.

The holder is ``spec.holderIdentity``; the lock id sits in an annotation so that `gp unlock ID`
can name exactly one lock. A lease whose ``renewTime + leaseDurationSeconds`` has passed belongs
to a crashed run and is taken over. Every write carries the resourceVersion it read, so two
lockers racing for the same lease cannot both win.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from gp.compile.objects import LABEL_PREFIX, MANAGED_BY_LABEL, MANAGED_BY_VALUE, STACK_LABEL
from gp.errors import ProviderError
from gp.providers.base import LockInfo
from gp.providers.kinds import object_name
from gp.providers.kubeclient import ApiFailure, Kube
from gp.providers.locking import Clock, expired, iso, mismatch_error, new_info, parse_iso

LOCK_ID_ANNOTATION = f"{LABEL_PREFIX}/lock-id"
_GROUP, _VERSION, _PLURAL = "coordination.k8s.io", "v1", "leases"


def micro_time(moment: datetime) -> str:
    """Kubernetes' MicroTime, the format Lease times must have."""
    return iso(moment).replace("Z", ".000000Z")


def lease_name(stack: str) -> str:
    return object_name("gp-lock-", stack)


class LeaseLock:
    def __init__(self, kube: Kube, namespace: str, stack: str, duration_s: float, clock: Clock):
        self.kube = kube
        self.namespace = namespace
        self.stack = stack
        self.name = lease_name(stack)
        self.duration_s = max(1, math.ceil(duration_s))
        self.clock = clock

    def _body(self, info: LockInfo, renewed: datetime, resource_version: str | None = None) -> dict:
        meta: dict[str, Any] = {
            "name": self.name,
            "namespace": self.namespace,
            "labels": {MANAGED_BY_LABEL: MANAGED_BY_VALUE, STACK_LABEL: self.stack},
            "annotations": {LOCK_ID_ANNOTATION: info.lock_id},
        }
        if resource_version:
            meta["resourceVersion"] = resource_version
        return {
            "apiVersion": f"{_GROUP}/{_VERSION}",
            "kind": "Lease",
            "metadata": meta,
            "spec": {
                "holderIdentity": info.holder,
                "leaseDurationSeconds": self.duration_s,
                "acquireTime": micro_time(parse_iso(info.acquired_at)),
                "renewTime": micro_time(renewed),
            },
        }

    @staticmethod
    def info_of(lease: dict) -> LockInfo:
        spec = lease.get("spec") or {}
        annotations = (lease.get("metadata") or {}).get("annotations") or {}
        renewed = _moment(spec.get("renewTime")) or _moment(spec.get("acquireTime"))
        acquired = _moment(spec.get("acquireTime"))
        try:
            duration = int(spec.get("leaseDurationSeconds") or 0)
        except (TypeError, ValueError):
            renewed = None
        return LockInfo(
            lock_id=annotations.get(LOCK_ID_ANNOTATION, "?"),
            holder=spec.get("holderIdentity") or "an unknown holder",
            acquired_at=iso(acquired) if acquired else "?",
            expires_at=iso(renewed + timedelta(seconds=duration)) if renewed else "?",
        )

    def _expired(self, held: LockInfo) -> bool:
        return expired(held, self.clock())

    def read(self) -> LockInfo | None:
        current = self._get()
        return None if current is None else self.info_of(current)

    def how_to_release(self, held: LockInfo) -> str:
        if held.lock_id == "?":  # not written by gp (no lock id): only kubectl can name it
            return f"delete it with `kubectl -n {self.namespace} delete lease {self.name}`"
        return f"release it with `gp unlock {held.lock_id}`"

    def _get(self) -> dict | None:
        return self.kube.get(_GROUP, _VERSION, _PLURAL, self.namespace, self.name)

    def _replace(self, body: dict) -> LockInfo | None:
        """The lease as written; None when someone else wrote it since we read it."""
        try:
            written = self.kube.replace(_GROUP, _VERSION, _PLURAL, self.namespace, self.name, body)
        except ApiFailure as exc:
            if exc.code in (404, 409):
                return None
            raise
        return self.info_of(written)

    def try_acquire(self, holder: str) -> tuple[LockInfo | None, LockInfo | None]:
        held: LockInfo | None = None
        for _ in range(3):
            now = self.clock()
            ours = new_info(holder, now, self.duration_s)
            try:
                # What the server stored is what later checks compare with: take it from there.
                created = self.kube.create(
                    _GROUP, _VERSION, _PLURAL, self.namespace, self._body(ours, now)
                )
                return self.info_of(created), None
            except ApiFailure as exc:
                if exc.code == 404:  # the only thing a create can miss is the namespace
                    raise ProviderError(
                        f'namespace "{self.namespace}" does not exist on the cluster; create it '
                        f"(kubectl create namespace {self.namespace}) or set the provider's namespace"
                    ) from exc
                if exc.code != 409:
                    raise
            current = self._get()
            if current is None:
                continue
            held = self.info_of(current)
            if not self._expired(held):
                return None, held
            rv = current["metadata"]["resourceVersion"]
            taken = self._replace(self._body(ours, now, rv))
            if taken is not None:
                return taken, None
        return None, held or LockInfo("?", "a concurrent locker", "?", "?")

    def renew(self, ours: LockInfo) -> LockInfo | None:
        current = self._get()
        if current is None or self.info_of(current) != ours or self._expired(ours):
            return None
        # The resourceVersion makes the write fail if anyone wrote the lease since this read.
        return self._replace(self._body(ours, self.clock(), current["metadata"]["resourceVersion"]))

    def _delete(self, current: dict) -> None:
        try:
            self.kube.delete(
                _GROUP,
                _VERSION,
                _PLURAL,
                self.namespace,
                self.name,
                current["metadata"]["resourceVersion"],
            )
        except ApiFailure as exc:
            if exc.code not in (404, 409):
                raise

    def release(self, lock_id: str) -> None:
        current = self._get()
        if current is not None and self.info_of(current).lock_id == lock_id:
            self._delete(current)

    def unlock(self, lock_id: str) -> None:
        current = self._get()
        held = self.info_of(current) if current is not None else None
        if current is None or held is None or held.lock_id != lock_id:
            raise mismatch_error(self.stack, lock_id, held)
        self._delete(current)


def _moment(value: object) -> datetime | None:
    """A Lease time, or None when it is missing or not a time (a hand-edited lease)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None
