"""Compiled objects -> text: a YAML stream, JSON, or one file per object (`gp render --out DIR`).

Keys keep the order compile gave them (apiVersion, kind, metadata, spec; names first in lists),
so the same objects always give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from gp.compile.objects import CompiledObject

CLUSTER_DIR = "_cluster"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML with multi-line strings as literal blocks, so scripts read as they were written."""

    def ignore_aliases(self, data: Any) -> bool:
        # Shared sub-objects are written out in full: a manifest never holds anchors.
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def manifest_yaml(manifest: dict[str, Any], *, sort_keys: bool = False) -> str:
    """One manifest as YAML; the same object always gives the same bytes."""
    return yaml.dump(
        manifest, Dumper=_Dumper, sort_keys=sort_keys, allow_unicode=True, width=1_000_000
    )


def to_yaml(objects: Iterable[CompiledObject]) -> str:
    """A YAML stream, one document per object, `---` between them."""
    return "---\n".join(manifest_yaml(o.manifest) for o in objects)


def to_json(objects: Iterable[CompiledObject]) -> str:
    """A JSON array of the manifests."""
    return json.dumps([o.manifest for o in objects], indent=2, ensure_ascii=False) + "\n"


def text(objects: Iterable[CompiledObject], fmt: str) -> str:
    """`gp render`'s text: "yaml" (a stream) or "json" (an array)."""
    return to_yaml(objects) if fmt == "yaml" else to_json(objects)


def out_path(obj: CompiledObject, fmt: str = "yaml") -> Path:
    """`<namespace>/<Kind>/<name>.<ext>`; cluster-scoped objects under `_cluster/`."""
    ns = obj.ref.namespace or CLUSTER_DIR
    return Path(ns) / obj.ref.kind / f"{obj.ref.name}.{fmt}"


def files(objects: Iterable[CompiledObject], fmt: str = "yaml") -> list[tuple[Path, str]]:
    """One file per object, (relative path, text), in object order (`gp render --out`)."""
    return [
        (
            out_path(obj, fmt),
            manifest_yaml(obj.manifest)
            if fmt == "yaml"
            else json.dumps(obj.manifest, indent=2) + "\n",
        )
        for obj in objects
    ]
