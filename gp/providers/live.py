"""Live objects as a plan keeps them: the JSON they came in, and their fingerprint.

A plan of a thousand objects finds most of them exactly as gp left them, and for those it needs
no tree, only the fingerprint of the object without its server fields (``planner.fingerprint``).
Read page by page from a LIST, each object is fingerprinted at once and kept as its compact
JSON; its tree is decoded only if the planner asks (an object that changed, one to delete).
"""

from __future__ import annotations

from typing import Any

from gp.compile.objects import ObjectRef
from gp.planner.fingerprint import digest
from gp.planner.normalize import strip_server_fields
from gp.planner.plan import LiveObject
from gp.providers.fastjson import dumps_compact, loads


class PackedLive(LiveObject):
    """A LiveObject whose manifest is decoded from its JSON when first asked for."""

    _data: bytes
    fingerprint: bytes  # what the planner compares first (``planner.fingerprint.digest``)

    def __init__(
        self,
        ref: ObjectRef,
        data: bytes,
        resource_version: str | None,
        address: str | None,
        owned: bool,
        foreign: dict[str, Any] | None,
        interrupted_write: bool,
        print_: bytes,
    ) -> None:
        for name, value in (
            ("ref", ref),
            ("resource_version", resource_version),
            ("address", address),
            ("owned", owned),
            ("foreign", foreign),
            ("interrupted_write", interrupted_write),
            ("fingerprint", print_),
            ("_data", data),
        ):
            object.__setattr__(self, name, value)

    @property
    def manifest(self) -> dict[str, Any]:
        return loads(self._data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LiveObject):
            return NotImplemented
        return _fields(self) == _fields(other)

    def __hash__(self) -> int:
        return hash((self.ref, self.resource_version))

    def __reduce__(self) -> tuple[Any, ...]:
        return (LiveObject, _fields(self))


def _fields(o: LiveObject) -> tuple[Any, ...]:
    return (
        o.ref,
        o.manifest,
        o.resource_version,
        o.address,
        o.owned,
        o.foreign,
        o.interrupted_write,
    )


def packed(
    ref: ObjectRef,
    manifest: dict[str, Any],
    resource_version: str | None,
    address: str | None,
    owned: bool,
    foreign: dict[str, Any] | None,
    interrupted_write: bool = False,
) -> LiveObject:
    """``manifest`` fingerprinted and kept as JSON (the tree itself is let go)."""
    return PackedLive(
        ref,
        dumps_compact(manifest),
        resource_version,
        address,
        owned,
        foreign,
        interrupted_write,
        digest(strip_server_fields(manifest)),
    )
