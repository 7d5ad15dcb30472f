"""Top-level blocks that know the text they came from, and read their bodies only when asked.

A file is parsed item by item (``gp.config.chunks``): each top-level item's tree is cached by
its text and first line, and a file's cache entry is only its index, the items' digests with
the head of each block (type, labels, position, the names of its attributes). A load then reads
no tree of a block it does not evaluate: an object block whose evaluation is remembered
(``gp.config.memo``) is never read at all. ``SourcedBlock.source`` names the item's text; the
block memo keys on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gp.config import ast

# (type, labels, line, col, names of the body's attributes): what gathering and expansion need.
Head = tuple[str, tuple[str, ...], int, int, tuple[str, ...]]

# The slots' descriptors: set once, even on a frozen node.
_BODY: Any = ast.BlockNode.__dict__["body"]
_SETS: dict[str, Any] = {
    name: ast.BlockNode.__dict__[name] for name in ("type", "labels", "line", "col")
}


class SourcedBlock(ast.BlockNode):
    """A top-level block with the digest of its item's text; ``body`` is read on first use."""

    __slots__ = ("_load", "attr_names", "source")

    source: str
    attr_names: tuple[str, ...]
    _load: Callable[[], ast.Body] | None

    @classmethod
    def of(
        cls, head: Head, source: str, load: Callable[[], ast.Body] | None, body: ast.Body | None
    ) -> SourcedBlock:
        node = object.__new__(cls)
        type_, labels, line, col, names = head
        for name, value in zip(("type", "labels", "line", "col"), (type_, labels, line, col)):
            _SETS[name].__set__(node, value)
        object.__setattr__(node, "source", source)
        object.__setattr__(node, "attr_names", names)
        object.__setattr__(node, "_load", load)
        if body is not None:
            _BODY.__set__(node, body)
        return node

    @property
    def body(self) -> ast.Body:
        try:
            return _BODY.__get__(self, SourcedBlock)
        except AttributeError:
            assert self._load is not None
            body = self._load()
            _BODY.__set__(self, body)
            object.__setattr__(self, "_load", None)
            return body

    def _fields(self) -> tuple[Any, ...]:
        return (self.type, self.labels, self.body, self.line, self.col)

    def __eq__(self, other: object) -> bool:
        # The plain node it stands for: equal to it, and to another sourced one of it.
        if not isinstance(other, ast.BlockNode):
            return NotImplemented
        theirs = (other.type, other.labels, other.body, other.line, other.col)
        return self._fields() == theirs

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[Any, ...]:
        # Kept anywhere (a cache, a copy), it is the plain node it stands for.
        return (ast.BlockNode, (self.type, self.labels, self.body, self.line, self.col))


def head_of(block: ast.BlockNode) -> Head:
    return (
        block.type,
        tuple(block.labels),
        block.line,
        block.col,
        tuple(a.name for a in block.body.attrs),
    )


@dataclass(frozen=True)
class Item:
    """One top-level item of a file as its index keeps it: where its text is (first line,
    offsets), the digest of its text, and the heads of its blocks, or None when it holds
    attributes (read whole: such an item is small)."""

    line: int
    start: int
    end: int
    digest: str
    heads: tuple[Head, ...] | None


def sourced(item: Item, body: ast.Body) -> ast.Body:
    """The item's body, its blocks sourced (their trees already read)."""
    return ast.Body(
        body.attrs,
        tuple(
            SourcedBlock.of(head_of(b), f"{item.digest}:{k}", None, b.body)
            for k, b in enumerate(body.blocks)
        ),
    )


def lazy(item: Item, read: Callable[[], ast.Body]) -> ast.Body:
    """The item's blocks as heads whose bodies ``read`` gives (once, shared by its blocks)."""
    assert item.heads is not None
    cell: list[ast.Body] = []

    def body_at(k: int) -> Callable[[], ast.Body]:
        def load() -> ast.Body:
            if not cell:
                cell.append(read())
            return cell[0].blocks[k].body

        return load

    return ast.Body(
        (),
        tuple(
            SourcedBlock.of(head, f"{item.digest}:{k}", body_at(k), None)
            for k, head in enumerate(item.heads)
        ),
    )


def joined(bodies: list[ast.Body]) -> ast.Body:
    return ast.Body(
        tuple(a for b in bodies for a in b.attrs), tuple(x for b in bodies for x in b.blocks)
    )
