"""What an update sends and takes back: fields others set by ordinary edits, and the paths
``lifecycle.ignore_changes`` keeps at their live values."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from gp.planner.paths import (
    Path,
    drop_path,
    get_path,
    keyed,
    leaf_paths,
    plain,
    project,
    set_path,
)


def widen(shape: Any, foreign: Any) -> Any:
    """gp's fields plus those others set by ordinary edits; a None in ``foreign`` means the
    whole field (with Argo's default, schemaless CRDs: the whole spec)."""
    if foreign is None:
        return None
    if not isinstance(shape, dict):
        return shape if shape is not None else foreign
    out = type(shape)(shape)
    for key, sub in foreign.items():
        out[key] = widen(out[key], sub) if key in out else sub
    return out


def taken_back(live: Any, foreign: dict[str, Any] | None, desired: Any) -> list[Path]:
    """Fields others set by ordinary edits that the configuration does not set at all."""
    if not foreign:
        return []
    edited = project(live, foreign)
    return [p for p in leaf_paths(edited) if not get_path(desired, p)[0]]


def keep_ignored(manifest: dict[str, Any], live: dict[str, Any], ignore: Sequence[Path]) -> dict:
    """The manifest to send, with ignore_changes paths at their live values (or left out)."""
    if not ignore:
        return manifest
    out = keyed(copy.deepcopy(manifest))
    live_tree = keyed(live)
    for path in ignore:
        found, value = get_path(live_tree, path)
        if not (found and set_path(out, path, copy.deepcopy(value))):
            drop_path(out, path)
    return plain(out)
