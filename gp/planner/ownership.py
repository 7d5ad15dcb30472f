"""Whose an object is: the words for it, and the marks that say it (LANGUAGE.md "Ownership")."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from gp.compile.objects import (
    ADDRESS_ANNOTATION,
    MANAGED_BY_LABEL,
    STACK_LABEL,
    CompiledObject,
    ObjectRef,
)
from gp.planner.plan import LiveObject, LiveState


def describe(ref: ObjectRef) -> str:
    """'WorkflowTemplate pipeline/sen2cor' (cluster-scoped kinds have no namespace)."""
    return f"{ref.kind} {ref.namespace}/{ref.name}" if ref.namespace else f"{ref.kind} {ref.name}"


def not_ours(ref: ObjectRef, live: LiveObject, stack: str) -> str:
    """Why a declared object cannot be planned, and what to do: import refuses an object that
    another stack owns, so that case names the stack instead."""
    labels = (live.manifest.get("metadata") or {}).get("labels") or {}
    other = labels.get(STACK_LABEL) if isinstance(labels, dict) else None
    if other and other != stack:
        return (
            f"{describe(ref)} exists and belongs to the stack {other!r}: remove it from that "
            "stack's configuration (and apply there) before declaring it here, or give this "
            "object another name or namespace"
        )
    return f"{describe(ref)} exists and is not managed by this stack; use gp import"


def read_refs(
    desired: Iterable[CompiledObject], live: LiveState
) -> tuple[tuple[ObjectRef, str | None], ...]:
    """Every live object read, and every declared object found absent (None)."""
    refs: dict[ObjectRef, str | None] = {ref: o.resource_version for ref, o in live.objects.items()}
    for obj in desired:
        refs.setdefault(obj.ref, None)
    return tuple(sorted(refs.items()))


def without_marks(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` without gp's ownership marks: what a forgotten object keeps."""
    out = copy.deepcopy(manifest)
    meta = out.get("metadata") or {}
    for key, names in (
        ("labels", (MANAGED_BY_LABEL, STACK_LABEL)),
        ("annotations", (ADDRESS_ANNOTATION,)),
    ):
        values = meta.get(key)
        if isinstance(values, dict):
            for name in names:
                values.pop(name, None)
            if not values:
                del meta[key]
    return out
