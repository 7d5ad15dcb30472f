"""Ownership marks on a live object, changed without touching anything else (`gp state mv`,
`gp state rm`, `gp state restore`, and apply's forget).

A JSON patch, not a server-side apply: an apply of the marks alone would drop every other
field gp's manager owns. The patch tests the resourceVersion, so an object changed since it
was read is refused instead of overwritten.
"""

from __future__ import annotations

from typing import Any

from gp.compile.objects import ADDRESS_ANNOTATION, MANAGED_BY_LABEL, STACK_LABEL, ObjectRef
from gp.errors import ConflictError
from gp.providers.kubeclient import ApiFailure, Kube
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
