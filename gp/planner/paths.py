"""Field paths in Argo objects, with name-keyed lists addressed by name.

Argo keys many lists by ``name`` (templates, DAG tasks, parameters, env, volumes, ...) and
Kubernetes keys tolerations by ``key``. Turning such a list into a ``Keyed`` mapping lets the
differ match items by name, so a plan says ``spec.templates["sen2cor290"].container.image``
and never ``spec.templates[3]``, and lets a path written by a user find the same item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from gp.config.fieldpath import ItemName, Path, Segment, parse_path  # noqa: F401  (re-exported)

# Lists whose items are keyed by something other than ``name``.
_KEY_FIELD = {"tolerations": "key"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Keyed(dict):
    """A name-keyed list seen as a mapping from each item's name to the item."""


def keyed(value: Any, field: str | None = None) -> Any:
    """A copy of ``value`` with every name-keyed list turned into a ``Keyed`` mapping."""
    if isinstance(value, dict):
        return type(value)((k, keyed(v, k)) for k, v in value.items())
    if isinstance(value, list):
        items = [keyed(v) for v in value]
        key_field = _KEY_FIELD.get(field or "", "name")
        names = [i.get(key_field) if isinstance(i, dict) else None for i in items]
        if items and all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            return Keyed(zip(names, items))
        return items
    return value


def keyed_path(value: Any, path: Sequence[Segment]) -> Path:
    """A path of keys and list indices into ``value`` as a path into ``keyed(value)``: an
    item of a name-keyed list is named by its name. A path to the name itself stops at the
    list, because a name in a path is shown wherever the path is."""
    out: list[Segment] = []
    node, field = value, None
    for i, seg in enumerate(path):
        if isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            key_field = _KEY_FIELD.get(field or "", "name")
            names = [item.get(key_field) if isinstance(item, dict) else None for item in node]
            if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
                if tuple(path[i + 1 :]) == (key_field,):
                    return tuple(out)
                out.append(ItemName(names[seg]))
            else:
                out.append(seg)
            node, field = node[seg], None
        elif isinstance(node, dict) and seg in node:
            out.append(seg)
            node, field = node[seg], seg
        else:
            out.append(seg)
            node, field = None, None
    return tuple(out)


def plain(value: Any) -> Any:
    """The inverse of ``keyed``: plain dicts and lists again."""
    if isinstance(value, Keyed):
        return [plain(v) for v in value.values()]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def format_path(path: Sequence[Segment]) -> str:
    parts: list[str] = []
    for i, seg in enumerate(path):
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        elif isinstance(seg, ItemName) or not _IDENT.match(seg):
            parts.append(f"[{json.dumps(str(seg))}]")
        else:
            parts.append(seg if i == 0 else f".{seg}")
    return "".join(parts)


def _child(node: Any, seg: Segment) -> Any:
    if isinstance(node, dict):
        return node.get(str(seg)) if str(seg) in node else node.get(seg)
    if isinstance(node, list) and isinstance(seg, int) and -len(node) <= seg < len(node):
        return node[seg]
    return None


def get_path(tree: Any, path: Sequence[Segment]) -> tuple[bool, Any]:
    """(found, value) at ``path`` in a keyed tree; segments match keys as strings."""
    node = tree
    for seg in path:
        if isinstance(node, dict) and str(seg) in node:
            node = node[str(seg)]
        elif isinstance(node, list) and isinstance(seg, int) and -len(node) <= seg < len(node):
            node = node[seg]
        else:
            return False, None
    return True, node


def drop_path(tree: Any, path: Sequence[Segment]) -> None:
    """Remove the value at ``path`` from a keyed tree, in place, if it is there."""
    found, parent = get_path(tree, path[:-1])
    if found and isinstance(parent, dict):
        parent.pop(str(path[-1]), None)


def set_path(tree: Any, path: Sequence[Segment], value: Any) -> bool:
    """Set the value at ``path`` in a keyed tree whose parent exists; False when it does not."""
    found, parent = get_path(tree, path[:-1])
    if found and isinstance(parent, dict):
        parent[str(path[-1])] = value
        return True
    return False


def starts_with(path: Sequence[Segment], prefix: Sequence[Segment]) -> bool:
    return len(path) >= len(prefix) and all(str(a) == str(b) for a, b in zip(path, prefix))


def merge_shapes(a: Any, b: Any) -> Any:
    """The union of two keyed trees' fields (``a``'s values win where both have one)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = type(a)(a)
        for k, v in b.items():
            out[k] = merge_shapes(a[k], v) if k in a else v
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        # Item by item, so that a list of name-keyed lists (a steps template's groups) keeps
        # the items gp applied to each group: a step moved to another group stays visible.
        return [merge_shapes(x, y) for x, y in zip(a, b)]
    return b if a is None else a


# Fields that hold a whole document gp wrote as one string: compared whole, never projected.
ATOMIC_FIELDS = frozenset({"podSpecPatch"})


def project(live: Any, shape: Any) -> Any:
    """``live`` restricted to the fields present in ``shape`` (gp's fields)."""
    if isinstance(shape, dict) and isinstance(live, dict):
        return type(live)(
            (k, live[k] if k in ATOMIC_FIELDS else project(live[k], shape[k]))
            for k in shape
            if k in live
        )
    if isinstance(shape, list) and isinstance(live, list) and len(shape) == len(live):
        return [project(lv, sv) for lv, sv in zip(live, shape)]
    return live


def leaf_count(value: Any, field: str | None = None, top: bool = True) -> int:
    """How many paths ``leaf_paths(keyed(parse_pod_spec_patches(value)))`` gives, counted
    without building those trees (a create plan counts the fields of every object)."""
    from gp.planner.normalize import parse_patch

    if isinstance(value, dict):
        if not value:
            return 0 if top else 1
        return sum(
            leaf_count(
                parse_patch(v) if k == "podSpecPatch" and isinstance(v, str) else v, k, False
            )
            for k, v in value.items()
        )
    if isinstance(value, list) and value:
        key_field = _KEY_FIELD.get(field or "", "name")
        names = [i.get(key_field) if isinstance(i, dict) else None for i in value]
        if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            return sum(leaf_count(item, None, False) for item in value)  # a Keyed mapping
    return 0 if top else 1


def leaf_paths(tree: Any, prefix: Path = ()) -> Iterable[Path]:
    """Every field path of a keyed tree; plain lists count as one field."""
    if isinstance(tree, dict) and tree:
        for k, v in tree.items():
            seg: Segment = ItemName(k) if isinstance(tree, Keyed) else k
            yield from leaf_paths(v, prefix + (seg,))
    elif prefix:
        yield prefix
