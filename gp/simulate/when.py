"""Argo's `when` conditions: govaluate expressions, read after `{{...}}` substitution.

Argo (workflow/controller/steps.go, shouldExecute) lexes the text with govaluate, turns every
*variable* token into a string (so `T11UNQ == T11UNQ` compares two strings), and evaluates.
Modelled here: numbers (float64, as govaluate), quoted strings, true/false, bare words as
strings, parentheses, `!` and unary `-`, `+ - * / %`, the comparators `== != < > <= >=`,
`=~ !~` (regular expressions), `&&` and `||` (short-circuiting, as govaluate's stage planner
does). Type rules follow govaluate: `< > <= >=` need two numbers or two strings, `=~` two
strings, `&& || !` booleans, `==` compares type and value. A type or syntax error is a
``WhenError``, which Argo turns into an Error node.

Not modelled (``NotModelledError``): the ternary `?:`, `??`, `IN`, arrays, bitwise operators,
function calls, and quoted strings that govaluate would read as dates.
"""

from __future__ import annotations

import re
from typing import Any

from gp.errors import NotModelledError


class WhenError(ValueError):
    """Argo would fail to evaluate the condition; the task's node ends in Error."""


_NUMBER = re.compile(r"0x[0-9a-fA-F]+|[0-9][0-9.]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_OPS = (
    "&&",
    "||",
    "==",
    "!=",
    ">=",
    "<=",
    "=~",
    "!~",
    "??",
    "**",
    "<<",
    ">>",
    "<",
    ">",
    "!",
    "+",
    "-",
    "*",
    "/",
    "%",
    "(",
    ")",
    "?",
    ":",
    "&",
    "|",
    "^",
    "~",
    ",",
    "[",
    "]",
)
_UNMODELLED = {"??", "?", ":", "**", "<<", ">>", "&", "|", "^", "~", ",", "[", "]"}
# govaluate tries these layouts on quoted strings and compares matches as times.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}:\d{2}|^[A-Z][a-z]{2},? ")


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "'\"":
            end = text.find(c, i + 1)
            if end < 0:
                raise WhenError(f"unclosed string in {text!r}")
            value = text[i + 1 : end]
            if _DATE.match(value):
                raise NotModelledError(
                    f"when {text!r}: govaluate reads the string {value!r} as a date, "
                    "which the simulator does not model"
                )
            out.append(("value", value))
            i = end + 1
            continue
        m = _NUMBER.match(text, i)
        if m:
            raw = m.group()
            try:
                out.append(("value", float(int(raw, 16)) if raw.startswith("0x") else float(raw)))
            except ValueError:
                raise WhenError(f"cannot read {raw!r} as a number in {text!r}") from None
            i = m.end()
            continue
        m = _WORD.match(text, i)
        if m:
            word = m.group()
            if word in ("true", "false"):
                out.append(("value", word == "true"))
            elif word == "IN":
                raise NotModelledError(f"when {text!r}: the IN operator is not modelled")
            elif m.end() < len(text) and text[m.end()] == "(":
                raise NotModelledError(f"when {text!r}: function calls are not modelled")
            else:
                out.append(("value", word))  # Argo turns govaluate variables into strings
            i = m.end()
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op is None:
            raise WhenError(f"invalid token {c!r} in {text!r}")
        if op in _UNMODELLED:
            raise NotModelledError(f"when {text!r}: the operator {op!r} is not modelled")
        out.append(("op", op))
        i += len(op)
    return out


_LEVELS = (
    ("||",),
    ("&&",),
    ("==", "!=", ">", "<", ">=", "<=", "=~", "!~"),
    ("+", "-"),
    ("*", "/", "%"),
)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, Any]:
        tok = self.peek()
        if tok is None:
            raise WhenError(f"unexpected end of {self.text!r}")
        self.i += 1
        return tok

    def binary(self, level: int) -> Any:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in _LEVELS[level]:
            self.take()
            node = ("bin", tok[1], node, self.binary(level + 1))
        return node

    def unary(self) -> Any:
        kind, value = self.take()
        if kind == "value":
            return ("lit", value)
        if value in ("!", "-"):
            return ("neg" if value == "-" else "not", self.unary())
        if value == "(":
            inner = self.binary(0)
            if self.take() != ("op", ")"):
                raise WhenError(f"expected ')' in {self.text!r}")
            return inner
        raise WhenError(f"unexpected {value!r} in {self.text!r}")


def evaluate(text: str) -> bool:
    """The condition's value; an empty condition is true (the task runs)."""
    if not text.strip():
        return True
    parser = _Parser(text)
    tree = parser.binary(0)
    if parser.peek() is not None:
        raise WhenError(f"unexpected {parser.peek()[1]!r} in {text!r}")
    result = _eval(tree, text)
    if not isinstance(result, bool):
        raise WhenError(f"expected a boolean from {text!r}, got {result!r}")
    return result


def _is_num(v: Any) -> bool:
    return isinstance(v, float) and not isinstance(v, bool)


def _eval(node: Any, text: str) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "not":
        value = _eval(node[1], text)
        if not isinstance(value, bool):
            raise WhenError(f"'!' needs a boolean in {text!r}")
        return not value
    if kind == "neg":
        value = _eval(node[1], text)
        if not _is_num(value):
            raise WhenError(f"'-' needs a number in {text!r}")
        return -value
    _, op, left_node, right_node = node
    left = _eval(left_node, text)
    if (op == "&&" and left is False) or (op == "||" and left is True):
        return left
    right = _eval(right_node, text)
    if op in ("&&", "||"):
        if not (isinstance(left, bool) and isinstance(right, bool)):
            raise WhenError(f"'{op}' needs booleans in {text!r}")
        return right
    if op == "==":
        return type(left) is type(right) and left == right
    if op == "!=":
        return not (type(left) is type(right) and left == right)
    if op in ("=~", "!~"):
        if not (isinstance(left, str) and isinstance(right, str)):
            raise WhenError(f"'{op}' needs strings in {text!r}")
        try:
            found = re.search(right, left) is not None
        except re.error as e:
            raise WhenError(f"bad regular expression {right!r}: {e}") from None
        return found if op == "=~" else not found
    if op in ("<", ">", "<=", ">="):
        if not (
            (_is_num(left) and _is_num(right)) or (isinstance(left, str) and isinstance(right, str))
        ):
            raise WhenError(f"'{op}' needs two numbers or two strings in {text!r}")
        return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    if op == "+" and (isinstance(left, str) or isinstance(right, str)):
        return _text(left) + _text(right)
    if not (_is_num(left) and _is_num(right)):
        raise WhenError(f"'{op}' needs numbers in {text!r}")
    if op in ("/", "%") and right == 0:
        raise WhenError(f"division by zero in {text!r}")
    return {
        "+": left + right,
        "-": left - right,
        "*": left * right,
        "/": left / right,
        "%": float(int(left) % int(right)),
    }[op]


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_num(v):
        return f"{v:g}"
    return str(v)
