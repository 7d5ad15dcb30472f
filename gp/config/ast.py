"""The parsed form of a gp file: small frozen dataclasses, built once from lark's tree.

Every node carries the 1-based ``line`` and ``col`` where it starts; the file name lives on
``FileAST`` only, so cached trees stay small. Values are evaluated from these nodes by
``gp.config.evaluator``; nothing here knows about scopes or functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Bumped whenever a node changes shape, so that cached trees of an older shape are ignored.
AST_VERSION = 3


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any  # str, int, float, bool or None
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Interp:
    expr: Expr


@dataclass(frozen=True, slots=True)
class IfDirective:
    cond: Expr
    then: tuple[Part, ...]
    else_: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class ForDirective:
    key_var: str | None
    value_var: str
    coll: Expr
    body: tuple[Part, ...]


Part = str | Interp | IfDirective | ForDirective


@dataclass(frozen=True, slots=True)
class Template:
    """A quoted string or heredoc with at least one interpolation or directive."""

    parts: tuple[Part, ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple[tuple[Expr, Expr], ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Name:
    """A bare identifier: the root of a reference such as ``var`` in ``var.x``."""

    name: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: Expr
    name: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Index:
    obj: Expr
    key: Expr
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Splat:
    """``src[*].a[0]`` or ``src.*.a``: ``each`` is applied to every element of ``src``.

    ``each`` is an expression over ``SplatItem`` (the current element).
    """

    src: Expr
    each: Expr
    full: bool
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class SplatItem:
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    expand_last: bool
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Expr
    right: Expr
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Expr
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Conditional:
    cond: Expr
    then: Expr
    else_: Expr
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class ForExpr:
    key_var: str | None
    value_var: str
    coll: Expr
    key: Expr | None  # set for the object form {for ... : k => v}
    value: Expr
    cond: Expr | None
    group: bool
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Paren:
    expr: Expr
    line: int
    col: int


Expr = (
    Literal
    | Template
    | TupleExpr
    | ObjectExpr
    | Name
    | GetAttr
    | Index
    | Splat
    | SplatItem
    | Call
    | Binary
    | Unary
    | Conditional
    | ForExpr
    | Paren
)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class BlockNode:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Body:
    # Kept in source order; duplicates are reported by the loader, not here.
    attrs: tuple[Attribute, ...]
    blocks: tuple[BlockNode, ...]


@dataclass(frozen=True, slots=True)
class FileAST:
    path: str
    body: Body


def pos_of(node: Any) -> tuple[int, int]:
    return getattr(node, "line", 0), getattr(node, "col", 0)
