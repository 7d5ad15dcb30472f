"""Argo's `depends` expressions, parsed with their grammar:

expr    := and ("||" and)*
and     := unary ("&&" unary)*
unary   := "!" unary | primary
primary := "(" expr ")" | TASK ("." RESULT)?
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RESULTS = (
    "Succeeded",
    "Failed",
    "Errored",
    "Skipped",
    "Omitted",
    "Daemoned",
    "AnySucceeded",
    "AllFailed",
)
FAN_OUT_RESULTS = ("AnySucceeded", "AllFailed")

_TOKEN = re.compile(
    r"\s*(?:(?P<op>&&|\|\||!|\(|\))|(?P<ref>[A-Za-z0-9_][-A-Za-z0-9_]*(?:\.[A-Za-z]+)?)|(?P<bad>\S))"
)


class DependsSyntaxError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset  # 0-based character offset in the expression


@dataclass(frozen=True)
class Ref:
    task: str
    result: str | None  # None: the bare form, which Argo reads as succeeded, skipped or daemoned
    offset: int


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class BinOp:
    op: str  # "&&" or "||"
    left: Expr
    right: Expr


Expr = Ref | Not | BinOp


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing whitespace remains
            break
        kind = m.lastgroup or "bad"
        start = m.start(kind)
        if kind == "bad":
            raise DependsSyntaxError(f"unexpected {m.group(kind)!r}", start)
        out.append((kind, m.group(kind), start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise DependsSyntaxError("unexpected end of expression", len(self.text))
        self.i += 1
        return tok

    def expr(self) -> Expr:
        left = self.conj()
        while (tok := self.peek()) and tok[1] == "||":
            self.take()
            left = BinOp("||", left, self.conj())
        return left

    def conj(self) -> Expr:
        left = self.unary()
        while (tok := self.peek()) and tok[1] == "&&":
            self.take()
            left = BinOp("&&", left, self.unary())
        return left

    def unary(self) -> Expr:
        kind, text, off = self.take()
        if text == "!":
            return Not(self.unary())
        if text == "(":
            inner = self.expr()
            _kind2, text2, off2 = self.take()
            if text2 != ")":
                raise DependsSyntaxError(f"expected ')', found {text2!r}", off2)
            return inner
        if kind != "ref":
            raise DependsSyntaxError(f"expected a task name, found {text!r}", off)
        task, _, result = text.partition(".")
        if result and result not in RESULTS:
            raise DependsSyntaxError(
                f"unknown task result {result!r} (one of {', '.join(RESULTS)})", off + len(task) + 1
            )
        return Ref(task, result or None, off)


def parse(text: str) -> Expr:
    p = _Parser(text)
    if not p.toks:
        raise DependsSyntaxError("empty expression", 0)
    tree = p.expr()
    if (tok := p.peek()) is not None:
        raise DependsSyntaxError(f"unexpected {tok[1]!r}", tok[2])
    return tree


def refs(tree: Expr, negated: bool = False) -> list[tuple[Ref, bool]]:
    """Every task reference in order, with whether it sits under an odd number of `!`."""
    if isinstance(tree, Ref):
        return [(tree, negated)]
    if isinstance(tree, Not):
        return refs(tree.operand, not negated)
    return refs(tree.left, negated) + refs(tree.right, negated)


def task_edges(name: str, task: dict) -> list[tuple[str, str, str]]:
    """The edges into DAG task ``name`` from the tasks it waits for, each labelled with the
    result it waits on ("" for a plain Succeeded, "!Failed" when negated); a `dependencies` list
    gives plain edges. A `depends` that does not parse gives none: gp validate reports it, and a
    graph or summary shows what it can."""
    deps = task.get("depends")
    if deps is None:
        return [(str(d), name, "") for d in task.get("dependencies") or []]
    try:
        tree = parse(str(deps))
    except DependsSyntaxError:
        return []
    out: list[tuple[str, str, str]] = []
    for ref, negated in refs(tree):
        label = f"{'!' if negated else ''}{ref.result or ''}"
        edge = (ref.task, name, "" if label == "Succeeded" else label)
        if edge not in out:
            out.append(edge)
    return out
