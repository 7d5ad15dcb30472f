"""Manifest helpers shared by the providers: stable YAML, content hashes, ownership marks."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import yaml

from gp.blobs import BlobStore
from gp.compile.emit import manifest_yaml
from gp.compile.objects import (
    ADDRESS_ANNOTATION,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    STACK_LABEL,
)
from gp.providers.fastjson import dumps_compact, loads

# libyaml's scanner when PyYAML has it: the same result, many times faster (a directory of a
# thousand objects is read on every plan).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump_yaml(manifest: dict[str, Any]) -> str:
    """A GitOps file: the compiler's YAML with sorted keys, so the same object always gives the
    same bytes whatever order its keys arrived in (compiled, or read back from a cluster)."""
    return manifest_yaml(manifest, sort_keys=True)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


class ParsedYaml:
    """YAML files parsed once per content: a directory provider reads every object's file on
    every plan, and a file gp wrote is read back many times before it changes. Kept as JSON
    (read many times faster), and only when JSON holds the parsed value exactly."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.store = BlobStore(cache_dir / "yaml") if cache_dir is not None else None

    def load(self, data: bytes) -> Any:
        if self.store is None:
            return load_yaml(data.decode("utf-8"))
        digest = hashlib.sha256(b"gp-yaml-1\0" + data).hexdigest()
        kept = self.store.get(digest, ".json")
        if kept is not None:
            try:
                return loads(kept)
            except ValueError:
                pass
        value = load_yaml(data.decode("utf-8"))
        try:
            text = dumps_compact(value)
            exact = loads(text) == value
        except (TypeError, ValueError):
            exact = False  # dates, binary, keys that are not strings: not kept
        if exact:
            self.store.put(digest, ".json", text)
        return value


def content_hash(data: bytes) -> str:
    """The directory provider's resourceVersion: changes exactly when the file's bytes do."""
    return hashlib.sha256(data).hexdigest()[:16]


def labels_of(manifest: dict[str, Any]) -> dict[str, str]:
    return (manifest.get("metadata") or {}).get("labels") or {}


def annotations_of(manifest: dict[str, Any]) -> dict[str, str]:
    return (manifest.get("metadata") or {}).get("annotations") or {}


def owned_by(manifest: dict[str, Any], stack: str) -> bool:
    return labels_of(manifest).get(STACK_LABEL) == stack


def address_of(manifest: dict[str, Any]) -> str | None:
    return annotations_of(manifest).get(ADDRESS_ANNOTATION)


def with_ownership(manifest: dict[str, Any], stack: str, address: str) -> dict[str, Any]:
    """A copy of ``manifest`` marked as the stack's (what `gp import` does to a live object)."""
    out = copy.deepcopy(manifest)
    meta = out.setdefault("metadata", {})
    labels = meta.get("labels") or {}
    labels.update({MANAGED_BY_LABEL: MANAGED_BY_VALUE, STACK_LABEL: stack})
    meta["labels"] = labels
    annotations = meta.get("annotations") or {}
    annotations[ADDRESS_ANNOTATION] = address
    meta["annotations"] = annotations
    return out


def without_managed_fields(manifest: dict[str, Any]) -> dict[str, Any]:
    """Live objects as the planner sees them: managedFields are bulky and only apply needs them."""
    meta = manifest.get("metadata") or {}
    if "managedFields" not in meta:
        return manifest
    out = dict(manifest)
    out["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
    return out
