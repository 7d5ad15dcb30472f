"""HCL's operators: unary, binary and the conditional, with Terraform's conversions and its
rule that a sensitive operand makes the result sensitive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gp.config import ast
from gp.config.marks import has_marks, mark_if, strip, unmark
from gp.config.types import (
    TypeConvError,
    normalize_number,
    to_bool,
    to_number,
    type_name,
    values_equal,
)

if TYPE_CHECKING:
    from gp.config.evaluator import Evaluator


def as_bool(ev: Evaluator, value: Any, node: Any, what: str = "operand") -> bool:
    try:
        return to_bool(value)
    except TypeConvError:
        raise ev.error(
            f"Invalid {what}: a bool is required, not a {type_name(value)}", node
        ) from None


def _num(ev: Evaluator, value: Any, node: Any) -> int | float:
    try:
        return to_number(value)
    except TypeConvError:
        raise ev.error(
            f"Invalid operand: a number is required, not a {type_name(value)}", node
        ) from None


def eval_unary(ev: Evaluator, node: ast.Unary) -> Any:
    value, secret = unmark(ev.eval(node.operand))
    if node.op == "!":
        return mark_if(not as_bool(ev, value, node.operand), secret)
    return mark_if(-_num(ev, value, node.operand), secret)


def eval_conditional(ev: Evaluator, node: ast.Conditional) -> Any:
    # A marked condition marks the result: which branch was taken tells its value.
    cond, secret = unmark(ev.eval(node.cond))
    value = ev.eval(node.then if as_bool(ev, cond, node.cond, "condition") else node.else_)
    return mark_if(value, secret)


def eval_binary(ev: Evaluator, node: ast.Binary) -> Any:
    op = node.op
    if op in ("&&", "||"):
        left, secret = unmark(ev.eval(node.left))
        left = as_bool(ev, left, node.left)
        if (op == "&&" and not left) or (op == "||" and left):
            return mark_if(left, secret)
        right, secret_right = unmark(ev.eval(node.right))
        return mark_if(as_bool(ev, right, node.right), secret or secret_right)
    left, right = ev.eval(node.left), ev.eval(node.right)
    secret = has_marks(left) or has_marks(right)
    return mark_if(_arith(ev, op, strip(left), strip(right), node), secret)


def _arith(ev: Evaluator, op: str, left: Any, right: Any, node: ast.Binary) -> Any:
    if op == "==":
        return values_equal(left, right)
    if op == "!=":
        return not values_equal(left, right)
    a, b = _num(ev, left, node.left), _num(ev, right, node.right)
    if op in ("<", ">", "<=", ">="):
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    if op in ("/", "%") and b == 0:
        raise ev.error("Division by zero", node)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return normalize_number(a / b)
    # Terraform's % keeps the sign of the dividend, like C's fmod.
    return normalize_number(a - b * int(a / b))
