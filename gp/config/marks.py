"""Sensitivity as a mark on values, as Terraform does it.

A value of a sensitive variable (or one passed through ``sensitive()``) is wrapped in
``Sensitive``. The evaluator carries the mark to everything computed from it: a function's
result, an operator's, a template's, a conditional's whose condition is marked, an element
read from a marked collection. Collections keep marks on the elements that have them, so
``{ user = "app", password = var.secret }`` marks only ``password``.

At the edge of the evaluator (an object's attribute, an output) ``unmark_deep`` turns a value
back into plain data plus the paths that were marked; the compiler maps those onto manifest
fields, and every renderer masks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# A path into a value: dict keys and list indices.
ValuePath = tuple[Any, ...]


class Sensitive:
    """A marked value. The wrapped value is plain data: a mark on the whole covers its parts."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return "Sensitive(...)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sensitive) and other.value == self.value

    def __hash__(self) -> int:
        return hash(("Sensitive", repr(type(self.value))))


def mark(value: Any) -> Sensitive:
    return value if isinstance(value, Sensitive) else Sensitive(strip(value))


def mark_if(value: Any, marked: bool) -> Any:
    return mark(value) if marked else value


def unmark(value: Any) -> tuple[Any, bool]:
    """(the value without its own mark, whether it had one); marks inside stay."""
    if isinstance(value, Sensitive):
        return value.value, True
    return value, False


def is_marked(value: Any) -> bool:
    return isinstance(value, Sensitive)


def has_marks(value: Any) -> bool:
    """Whether the value or anything inside it is marked."""
    if isinstance(value, Sensitive):
        return True
    if isinstance(value, dict):
        return any(has_marks(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_marks(v) for v in value)
    return False


def strip(value: Any) -> Any:
    """Plain data: every mark removed, at any depth."""
    if isinstance(value, Sensitive):
        return value.value
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items()} if has_marks(value) else value
    if isinstance(value, (list, tuple)):
        return [strip(v) for v in value] if has_marks(value) else value
    return value


def unmark_deep(value: Any, prefix: ValuePath = ()) -> tuple[Any, tuple[ValuePath, ...]]:
    """(plain data, the paths that were marked); the path () means the whole value."""
    paths: list[ValuePath] = []
    plain = _unmark(value, prefix, paths)
    return plain, tuple(paths)


def _unmark(value: Any, path: ValuePath, paths: list[ValuePath]) -> Any:
    if isinstance(value, Sensitive):
        paths.append(path)
        return value.value
    if isinstance(value, dict) and has_marks(value):
        return {k: _unmark(v, (*path, k), paths) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and has_marks(value):
        return [_unmark(v, (*path, i), paths) for i, v in enumerate(value)]
    return value


def remark(value: Any, paths: Iterable[ValuePath]) -> Any:
    """``value`` with ``paths`` marked again; a path that no longer exists marks the nearest
    ancestor that does (never less than was marked)."""
    for path in sorted(set(paths), key=len):
        value = _remark(value, tuple(path))
    return value


def _remark(value: Any, path: ValuePath) -> Any:
    if isinstance(value, Sensitive):
        return value
    if not path:
        return mark(value)
    head, rest = path[0], path[1:]
    if isinstance(value, dict) and head in value:
        return {**value, head: _remark(value[head], rest)}
    if isinstance(value, list) and isinstance(head, int) and 0 <= head < len(value):
        return [*value[:head], _remark(value[head], rest), *value[head + 1 :]]
    return mark(value)


def leaf_texts(value: Any) -> set[str]:
    """The text of every scalar in a plain value (what a message could quote). Keys are left
    out: in a marked structure they are field names ("name", "spec") far more often than
    secrets, and replacing those in every message would garble all of them."""
    if isinstance(value, Sensitive):
        return leaf_texts(value.value)
    if isinstance(value, dict):
        return {s for v in value.values() for s in leaf_texts(v)}
    if isinstance(value, (list, tuple)):
        return {s for v in value for s in leaf_texts(v)}
    if value is None or isinstance(value, bool):
        return set()  # "true" is in too many messages to be masked in them
    if isinstance(value, float) and value.is_integer():
        return {str(int(value)), str(value)}
    return {str(value)}


def marked_texts(value: Any) -> set[str]:
    """The texts of the marked parts of ``value`` (keys and scalars inside a marked part)."""
    if isinstance(value, Sensitive):
        return leaf_texts(value.value)
    if isinstance(value, dict):
        return {s for v in value.values() for s in marked_texts(v)}
    if isinstance(value, (list, tuple)):
        return {s for v in value for s in marked_texts(v)}
    return set()
