"""What gp writes to a live object beside its server-side apply of the whole manifest: the
ownership marks alone (`gp import`, `gp state mv|rm|restore`, apply's forget), and the removal
of fields others set by ordinary edits.

The marks of an object gp already owns change by a JSON patch, not a server-side apply: an
apply of the marks alone would drop every other field gp's manager owns. Patches test the
resourceVersion, so an object changed since it was read is refused instead of overwritten.
"""

from __future__ import annotations

from typing import Any

from gp.compile.objects import ADDRESS_ANNOTATION, MANAGED_BY_LABEL, STACK_LABEL, ObjectRef
from gp.errors import ConflictError, ProviderError
from gp.providers.kubeclient import ApiFailure, Kube
from gp.providers.managed import json_pointer
from gp.providers.manifests import labels_of, with_ownership

_MARKS = (
    ("labels", MANAGED_BY_LABEL),
    ("labels", STACK_LABEL),
    ("annotations", ADDRESS_ANNOTATION),
)

Rest = tuple[str, str, str, str | None]


def _escape(name: str) -> str:
    """A JSON pointer's segment (RFC 6901)."""
    return name.replace("~", "~0").replace("/", "~1")


def _ops(live: dict[str, Any], stack: str, address: str | None, manager: str) -> list[dict]:
    meta = live.get("metadata") or {}
    ops: list[dict[str, Any]] = []
    if address is not None:
        wanted = with_ownership({"metadata": {}}, stack, address)["metadata"]
        for key in ("labels", "annotations"):
            if not meta.get(key):
                ops.append({"op": "add", "path": f"/metadata/{key}", "value": {}})
            for name, value in wanted[key].items():
                ops.append(
                    {"op": "add", "path": f"/metadata/{key}/{_escape(name)}", "value": value}
                )
        return ops
    ops += [
        {"op": "remove", "path": f"/metadata/{key}/{_escape(name)}"}
        for key, name in _MARKS
        if name in (meta.get(key) or {})
    ]
    # gp lets go of the fields it managed, so that whoever applies the object next owns them.
    managed = meta.get("managedFields") or []
    kept = [m for m in managed if m.get("manager") != manager]
    if len(kept) != len(managed):
        ops.append({"op": "replace", "path": "/metadata/managedFields", "value": kept or [{}]})
    return ops


def patch_marks(
    kube: Kube,
    rest: Rest,
    ref: ObjectRef,
    stack: str,
    address: str | None,
    resource_version: str | None,
    manager: str,
) -> dict[str, Any] | None:
    """Mark ``ref`` as the stack's under ``address``, or (``address`` None) take the marks
    off; the object after, None when it does not exist. Refuses another stack's object."""
    live = kube.get(*rest, ref.name)
    if live is None:
        return None
    other = labels_of(live).get(STACK_LABEL)
    if other not in (None, stack):
        raise ConflictError(f"{ref} belongs to the stack {other!r}, not {stack!r}")
    rv = resource_version or (live.get("metadata") or {}).get("resourceVersion")
    ops = [{"op": "test", "path": "/metadata/resourceVersion", "value": rv}]
    ops += _ops(live, stack, address, manager)
    try:
        return kube.json_patch(*rest, ref.name, ops, manager=manager)
    except ApiFailure as exc:
        if exc.code in (409, 422):
            raise ConflictError(
                f"{ref} changed since it was read (resourceVersion {rv}); run the command again"
            ) from exc
        raise


def stale(ref: ObjectRef, resource_version: str | None) -> str:
    return (
        f"{ref} changed since the plan was made (it was at resourceVersion {resource_version}); "
        "run gp plan again"
    )


def take_back(
    kube: Kube,
    rest: Rest,
    ref: ObjectRef,
    current: dict[str, Any],
    paths: tuple[str, ...],
    manager: str,
) -> None:
    """Remove ``paths`` of ``current`` (the fields a plan showed as set by others' ordinary
    edits, which server-side apply leaves to their owners)."""
    pointers = [p for p in (json_pointer(current, path) for path in paths) if p]
    if not pointers:
        return
    # The test makes the removal refuse an object that changed since gp wrote it.
    rv = (current.get("metadata") or {}).get("resourceVersion")
    ops = [{"op": "test", "path": "/metadata/resourceVersion", "value": rv}]
    ops += [{"op": "remove", "path": p} for p in sorted(pointers, reverse=True)]
    try:
        kube.json_patch(*rest, ref.name, ops, manager=manager)
    except ApiFailure as exc:
        if exc.code in (409, 422):
            raise ConflictError(stale(ref, rv)) from exc
        raise


def adopt_marks(
    kube: Kube, rest: Rest, ref: ObjectRef, stack: str, address: str, manager: str
) -> dict[str, Any]:
    """`gp import`: the marks on an object no stack owns yet, by a forced server-side apply
    (the user asked for this object explicitly); the object after."""
    live = kube.get(*rest, ref.name)
    if live is None:
        raise ProviderError(f"{ref} does not exist on {kube.host}")
    other = labels_of(live).get(STACK_LABEL)
    if other not in (None, stack):
        raise ConflictError(f"{ref} already belongs to the stack {other!r}")
    marks = with_ownership({"apiVersion": live["apiVersion"], "kind": live["kind"]}, stack, address)
    marks["metadata"]["name"] = ref.name
    if ref.namespace:
        marks["metadata"]["namespace"] = ref.namespace
    return kube.apply(*rest, ref.name, marks, manager=manager, force=True)
