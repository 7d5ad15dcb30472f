"""Field-level differences between two manifests, restricted to what counts.

Trees here are "prepared": server fields stripped, podSpecPatch parsed and name-keyed lists
keyed (``paths.keyed``). Equality is decided on their canonical form (``normalize.canonical``),
while the values shown come from the prepared trees, so a plan says ``suspend = true -> false``
rather than ``true -> null``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gp.planner.fingerprint import fingerprint
from gp.planner.normalize import canonical, parse_pod_spec_patches, strip_server_fields
from gp.planner.paths import (
    ItemName,
    Keyed,
    Path,
    Segment,
    drop_path,
    format_path,
    get_path,
    keyed,
    leaf_paths,
    plain,
)
from gp.planner.plan import FieldDiff


def prepare(manifest: dict[str, Any] | None) -> Any:
    if manifest is None:
        return None
    return keyed(parse_pod_spec_patches(strip_server_fields(manifest)))


def without(tree: Any, ignore: Iterable[Path]) -> Any:
    """The prepared tree without the ignore_changes paths (a copy only when there are some)."""
    if not ignore:
        return tree
    out = copy.deepcopy(tree)
    for path in ignore:
        drop_path(out, path)
    return out


def _classify(before: Any, after: Any, raw: Sequence[Segment]) -> Path:
    out: list[Segment] = []
    a, b = before, after
    for seg in raw:
        by_name = isinstance(a, Keyed) or isinstance(b, Keyed)
        out.append(ItemName(seg) if by_name else seg)
        a = a.get(seg) if isinstance(a, dict) else None
        b = b.get(seg) if isinstance(b, dict) else None
    return tuple(out)


def _whole_list(path: Path) -> Path:
    """Plain lists (args, command, ...) change as a whole, as Terraform shows them."""
    for i, seg in enumerate(path):
        if isinstance(seg, int):
            return path[:i]
    return path


def _same(a: Any, b: Any) -> bool:
    """Exact equality (unlike ==, true is not 1); a "no" falls through to deepdiff."""
    dump = lambda v: json.dumps(v, sort_keys=True, default=str)  # noqa: E731
    return a == b and dump(a) == dump(b)


def _pruned(a: Any, b: Any) -> tuple[Any, Any]:
    """Both trees without the map entries they hold exactly alike (same keys, values and
    types), at every depth: deepdiff reports nothing for those, and walking them was most of
    its time (a changed image in one step made it walk every other step too). The paths of
    what differs are unchanged, so its answer is the same."""
    if not (isinstance(a, dict) and isinstance(b, dict) and type(a) is type(b)):
        return a, b
    out_a, out_b = type(a)(), type(b)()
    for key, value in a.items():
        if key not in b:
            out_a[key] = value
        elif not (value == b[key] and fingerprint(value) == fingerprint(b[key])):
            out_a[key], out_b[key] = _pruned(value, b[key])
    for key, value in b.items():
        if key not in a:
            out_b[key] = value
    return out_a, out_b


def raw_paths(a: Any, b: Any, at: tuple = ()) -> Iterator[tuple]:
    """Where ``a`` and ``b`` (canonical trees) differ, as deepdiff reports it with
    ``ignore_numeric_type_changes`` (1, 1.0 and true are one value) and always diffing maps
    deeper: a key on one side only, a value changed, or a list somewhere inside which an item
    changed (a plan shows a plain list whole, so the path stops at the list)."""
    if isinstance(a, dict) and isinstance(b, dict) and type(a) is type(b):
        for key, value in a.items():
            if key in b:
                yield from raw_paths(value, b[key], (*at, key))
            else:
                yield (*at, key)
        for key in b:
            if key not in a:
                yield (*at, key)
    elif not _alike(a, b):
        yield (*at, 0) if isinstance(a, list) and isinstance(b, list) else at


def _alike(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b  # bool is an int here too, as deepdiff sees numbers
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_alike(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b))
    return bool(a == b)


def field_changes(before: Any, after: Any) -> tuple[FieldDiff, ...]:
    """The differences from ``before`` to ``after`` (prepared trees), sorted by path."""
    old_tree, new_tree = canonical(before or {}), canonical(after or {})
    if _same(old_tree, new_tree):  # the usual case
        return ()
    paths: dict[str, Path] = {}
    for raw in raw_paths(*_pruned(old_tree, new_tree)):
        path = _whole_list(_classify(before, after, raw))
        if path:
            paths.setdefault(format_path(path), path)
        else:  # the whole object differs in kind (e.g. list vs map at the top)
            paths.setdefault("", ())
    changes = []
    for text, path in sorted(paths.items()):
        found_b, old = get_path(before, path)
        found_a, new = get_path(after, path)
        changes.append(
            FieldDiff(text, plain(old) if found_b else None, plain(new) if found_a else None)
        )
    return tuple(changes)


def unchanged_count(after: dict[str, Any] | None, fields: Sequence[FieldDiff]) -> int:
    """How many fields of ``after`` no change touches, for '# (N unchanged fields hidden)'."""
    if after is None:
        return 0
    changed = [f.path for f in fields]
    count = 0
    for path in leaf_paths(canonical(prepare(after))):
        text = format_path(path)
        if not any(text == c or text.startswith((c + ".", c + "[")) for c in changed):
            count += 1
    return count
