"""Reading managedFields: which fields others set by ordinary edits, and where they are.

CLI.md: drift made by ordinary edits (field managers whose operation is Update: kubectl
edit/patch, the Argo UI suspending a cron) is reverted by apply. Server-side apply never
removes another manager's field, so gp needs to know those fields (to plan their removal) and
to find them in the object (to remove them with a JSON patch).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from gp.planner.paths import ItemName, parse_path

# Only the pipeline itself: labels and annotations that others add (controllers, tooling)
# are theirs to keep, and `status` is never gp's.
_TRACKED_ROOT = "f:spec"


def foreign_fields(managed: Iterable[dict[str, Any]], own_manager: str) -> dict[str, Any] | None:
    """A skeleton (nested dicts, None at leaves) of the spec fields that managers other than
    ``own_manager`` own through Update operations; None when there are none."""
    skeleton: dict[str, Any] = {}
    for entry in managed:
        if entry.get("operation") != "Update" or entry.get("manager") == own_manager:
            continue
        if entry.get("subresource"):  # status written through the subresource
            continue
        spec = (entry.get("fieldsV1") or {}).get(_TRACKED_ROOT)
        if not isinstance(spec, dict):
            continue
        # With Argo's default CRDs the spec is schemaless, so the API server tracks it as one
        # field: an Update of any part makes its manager the owner of the whole spec.
        fields = _skeleton(spec) if spec else None
        if fields is None or skeleton.get("spec", {}) is None:
            skeleton["spec"] = None
        else:
            _merge(skeleton.setdefault("spec", {}), fields)
    return skeleton or None


def spec_writer(managed: Iterable[dict[str, Any]]) -> tuple[str, str] | None:
    """(manager, time) of the entry that last wrote the spec (status subresource writes and
    entries without the spec aside); None when none says."""
    found: tuple[str, str] | None = None
    for entry in managed:
        if entry.get("subresource") or _TRACKED_ROOT not in (entry.get("fieldsV1") or {}):
            continue
        when = str(entry.get("time") or "")
        if when and (found is None or when >= found[1]):
            found = (str(entry.get("manager") or ""), when)
    return found


def gp_wrote_after(
    managed: Iterable[dict[str, Any]], own_manager: str, recorded_at: str | None
) -> bool:
    """Whether ``own_manager`` (gp's) last wrote the spec, after the record was saved at
    ``recorded_at``: then the object differs from the record because an apply was killed
    between its writes and its record, not because someone changed it.

    Both times are to the second, and the next apply may write within the second its record
    was saved, so a write in that same second counts as after: the previous apply's own
    writes of that second are the record, so they never differ from it."""
    writer = spec_writer(managed)
    if writer is None or writer[0] != own_manager:
        return False
    wrote, recorded = _moment(writer[1]), _moment(recorded_at)
    return wrote is not None and (recorded is None or wrote >= recorded)


def _moment(stamp: str | None) -> datetime | None:
    """An RFC 3339 time to the second (managedFields have no finer resolution)."""
    try:
        parsed = datetime.fromisoformat((stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(microsecond=0) if parsed.tzinfo else None


def _skeleton(fields: dict[str, Any]) -> dict[str, Any] | None:
    """fieldsV1 -> skeleton. An entry with no children, or that only says the item itself
    (`.`), a set value (`v:`) or an index (`i:`) is a leaf: owned as a whole."""
    out: dict[str, Any] = {}
    for key, children in fields.items():
        if key.startswith("f:"):
            name: str | None = key[2:]
        elif key.startswith("k:"):
            item = json.loads(key[2:])
            name = item.get("name") or item.get("key") if isinstance(item, dict) else None
            if name is None:  # a list keyed otherwise: the whole list is the unit
                return None
            name = ItemName(name)
        else:  # ".", "v:...", "i:...": the enclosing field is owned whole
            return None
        sub = _skeleton(children) if isinstance(children, dict) and children else None
        out[name] = sub
    return out or None


def _merge(into: dict[str, Any], more: dict[str, Any] | None) -> None:
    if more is None:
        return
    for key, value in more.items():
        if key in into and isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value)
        elif key in into and into[key] is None:
            continue  # already owned whole
        else:
            into[key] = value


def json_pointer(manifest: dict[str, Any], path_text: str) -> str | None:
    """The RFC 6901 pointer of a plan path (list items by name) in ``manifest``; None when the
    field is not there (nothing to remove)."""
    node: Any = manifest
    parts: list[str] = []
    for seg in parse_path(path_text):
        if isinstance(node, dict) and not isinstance(seg, int) and seg in node:
            parts.append(str(seg))
            node = node[seg]
        elif isinstance(node, list):
            index = _index_of(node, seg)
            if index is None:
                return None
            parts.append(str(index))
            node = node[index]
        else:
            return None
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _index_of(items: list[Any], seg: Any) -> int | None:
    if isinstance(seg, int):
        return seg if 0 <= seg < len(items) else None
    for i, item in enumerate(items):
        if isinstance(item, dict) and seg in (item.get("name"), item.get("key")):
            return i
    return None
