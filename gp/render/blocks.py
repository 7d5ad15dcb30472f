"""Field changes as nested blocks, the way Terraform shows nested blocks.

Every item of a name-keyed list (a template, a task, a parameter, an env var, ...) is a block
headed ``task "sen2cor-291" {``: added or removed whole (``+``/``-``, its fields inside), or
changed (``~``, only its changed fields inside). Fields outside any item keep their paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gp.planner.paths import (
    ItemName,
    Keyed,
    Path,
    format_path,
    get_path,
    keyed,
    leaf_paths,
    parse_path,
    plain,
)
from gp.planner.plan import FieldDiff
from gp.render.mask import mask_value
from gp.render.values import Line, one_line, value_lines

# Singular words for block headers; any other list drops a trailing "s".
_SINGULAR = {
    "env": "env",
    "tolerations": "toleration",
    "hostAliases": "hostAlias",
    "status": "status",
}
# Paths every reader knows are there: templates are under spec (a cron's under its
# workflowSpec), tasks under dag. Leaving them out of block headers keeps them short.
_IMPLIED = {(): ("spec", "workflowSpec"), ("template",): ("dag",)}
# List items keyed by name that a hand-made plan (without manifests) still shows as blocks.
_KNOWN_LISTS = frozenset(
    {"templates", "tasks", "parameters", "env", "volumes", "volumeMounts", "artifacts"}
)

Leaf = tuple[Path, Any, Any]


def _singular(field: str) -> str:
    if field in _SINGULAR:
        return _SINGULAR[field]
    return field[:-1] if field.endswith("s") and not field.endswith("ss") else field


def _expand(change: FieldDiff, secrets: Sequence[str]) -> list[Leaf]:
    """A change split into its leaves: a whole item added or removed becomes its fields."""
    path = parse_path(change.path) if change.path else ()
    before = mask_value(change.before, secrets)
    after = mask_value(change.after, secrets)
    whole = after if before is None else before if after is None else None
    if not (isinstance(whole, dict) and whole):
        return [(path, before, after)]
    tree = keyed(whole)
    out: list[Leaf] = []
    for sub in leaf_paths(tree):
        _, value = get_path(tree, sub)
        value = plain(value)
        out.append(
            (path + sub, None if before is None else value, None if after is None else value)
        )
    return out


class _Items:
    """Which path segments select a list item, read from the trees the fields came from."""

    def __init__(self, before: Any, after: Any):
        self.before, self.after = before, after

    def is_item(self, path: Path, i: int) -> bool:
        if not isinstance(path[i], ItemName):
            return False
        for tree in (self.before, self.after):
            found, node = get_path(tree, path[:i]) if tree is not None else (False, None)
            if found:
                return isinstance(node, Keyed)
        return i > 0 and path[i - 1] in _KNOWN_LISTS

    def present(self, path: Path) -> tuple[bool, bool]:
        """(in before, in after) for an item; a tree that is not known counts as holding it."""
        return (
            self.before is None or get_path(self.before, path)[0],
            self.after is None or get_path(self.after, path)[0],
        )


def _header(segs: Path, kind: tuple[str, ...]) -> str:
    """'template "main"', 'inputs.parameter "tile"' for the segments down to an item."""
    plain_segs = list(segs[:-1])
    for implied in _IMPLIED.get(kind, ()):
        if plain_segs[:-1] and plain_segs[0] == implied:
            plain_segs.pop(0)
    if not plain_segs:
        return format_path(segs)
    word = _singular(str(plain_segs[-1]))
    prefix = format_path(tuple(plain_segs[:-1])) + "." if plain_segs[:-1] else ""
    return f'{prefix}{word} "{segs[-1]}"'


def grouped_lines(
    fields: Sequence[FieldDiff],
    before: Any,
    after: Any,
    secrets: Sequence[str] = (),
    depth: int = 1,
    marker: str | None = None,
) -> list[Line]:
    """The lines of ``fields`` (before/after: the prepared trees they were computed from, or
    None when unknown; ``marker``: force every line's marker, for a whole object's fields)."""
    leaves = [leaf for f in fields for leaf in _expand(f, secrets)]
    items = _Items(before, after)
    return _group(leaves, 0, depth, items, (), marker)


def _group(
    leaves: list[Leaf],
    start: int,
    depth: int,
    items: _Items,
    kind: tuple[str, ...],
    marker: str | None,
) -> list[Line]:
    order: list[tuple[str, Any]] = []  # ("leaf", leaf) or ("block", the item's path)
    blocks: dict[Path, list[Leaf]] = {}
    for leaf in leaves:
        path = leaf[0]
        cut = next((i for i in range(start, len(path)) if items.is_item(path, i)), None)
        if cut is None:
            order.append(("leaf", leaf))
            continue
        key = path[: cut + 1]
        if key not in blocks:
            blocks[key] = []
            order.append(("block", key))
        if len(path) > cut + 1 and not _own_name(path, cut, leaf):
            blocks[key].append(leaf)
    simple = [leaf for what, leaf in order if what == "leaf" and one_line(leaf[1], leaf[2])]
    width = max((len(_label(leaf[0], start)) for leaf in simple), default=0)
    out: list[Line] = []
    for what, entry in order:
        if what == "block":
            out.extend(_block(entry, blocks[entry], start, depth, items, kind, marker))
            continue
        path, old, new = entry
        pad = width if one_line(old, new) else 0
        out.extend(_force(value_lines(depth, _label(path, start), old, new, pad), marker))
    return out


def _own_name(path: Path, cut: int, leaf: Leaf) -> bool:
    """An item's own name field: already in its block's header."""
    return (
        len(path) == cut + 2
        and path[-1] in ("name", "key")
        and (leaf[1] is None or leaf[2] is None)
    )


def _block(
    key: Path,
    leaves: list[Leaf],
    start: int,
    depth: int,
    items: _Items,
    kind: tuple[str, ...],
    marker: str | None,
) -> list[Line]:
    in_before, in_after = items.present(key)
    mark = marker or ("+" if not in_before else "-" if not in_after else "~")
    header = _header(key[start:], kind)
    word = header.split(" ")[0].split(".")[-1]
    if not leaves:
        return [Line(depth, mark, f"{header} {{}}")]
    inner = _group(leaves, len(key), depth + 1, items, (word,), marker)
    return [Line(depth, mark, f"{header} {{"), *inner, Line(depth, "", "}")]


def _label(path: Path, start: int) -> str:
    rest = path[start:]
    return format_path(rest) if rest else "(object)"


def _force(lines: list[Line], marker: str | None) -> list[Line]:
    if marker is None:
        return lines
    return [Line(line.depth, marker if line.marker else "", line.text) for line in lines]
