"""Function calls in expressions: the function table, ``try``/``can``, and the marks.

Functions work on plain values. A marked argument (or a marked part of one) marks the result,
and an error a function raises is shown with any marked argument it quotes masked.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

from gp.config import ast
from gp.config.marks import has_marks, mark, mark_if, marked_texts, strip, unmark
from gp.config.types import TypeConvError
from gp.errors import ConfigError
from gp.redact import mask_message
from gp.suggest import did_you_mean


class FuncError(Exception):
    """Raised by a function implementation; the evaluator names the function and position."""


# Terraform's functions that add or remove the mark; they take marked values as they are.
MARK_FUNCTIONS = ("sensitive", "nonsensitive")


class Caller(Protocol):
    """What a call needs of the evaluator that meets it."""

    functions: dict[str, Callable[..., Any]]

    def eval(self, node: ast.Expr) -> Any: ...

    def error(self, message: str, node: Any) -> ConfigError: ...


def evaluate_call(ev: Caller, node: ast.Call) -> Any:
    """The value of ``node``: a function of the table, ``try``/``can``, or a mark function."""
    if node.name in ("try", "can"):
        return _try(ev, node)
    fn = ev.functions.get(node.name)
    if fn is None and node.name not in MARK_FUNCTIONS:
        raise ev.error(
            f'Call to unknown function "{node.name}"'
            + did_you_mean(node.name, [*ev.functions, "try", "can", *MARK_FUNCTIONS]),
            node,
        )
    args = [ev.eval(a) for a in node.args]
    if node.expand_last:
        last, secret = unmark(args[-1]) if args else (None, False)
        if not isinstance(last, (list, tuple)):
            raise ev.error(
                f'Call to function "{node.name}" failed: the last argument before '
                '"..." must be a list or tuple',
                node,
            )
        args = args[:-1] + [mark_if(v, secret) for v in last]
    if node.name in MARK_FUNCTIONS:
        if len(args) != 1:
            raise ev.error(
                f'Call to function "{node.name}" failed: wrong number of arguments '
                f"({len(args)} given)",
                node,
            )
        return mark(args[0]) if node.name == "sensitive" else strip(args[0])
    try:
        inspect.signature(fn).bind(*args)
    except TypeError:
        raise ev.error(
            f'Call to function "{node.name}" failed: wrong number of arguments ({len(args)} given)',
            node,
        ) from None
    # Functions see plain values; a marked argument, anywhere inside, marks the result.
    secret = any(has_marks(a) for a in args)
    plain = [strip(a) for a in args] if secret else args
    try:
        return mark_if(fn(*plain), secret)
    except ConfigError:
        raise
    except (
        FuncError,
        TypeConvError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        OverflowError,
        RecursionError,
    ) as e:
        raise ev.error(f'Call to function "{node.name}" failed: {_reason(e, args)}', node) from None


def _reason(error: Exception, args: list) -> str:
    """The function's own words, with any marked argument it quotes masked."""
    reason = str(error)
    masked = mask_message(reason, {t for a in args for t in marked_texts(a)})
    if masked is None:
        return "the reason is not shown, because it quotes a sensitive argument"
    return masked


def _try(ev: Caller, node: ast.Call) -> Any:
    if node.name == "can" and len(node.args) != 1:
        raise ev.error('Call to function "can" failed: exactly one argument is required', node)
    if not node.args:
        raise ev.error('Call to function "try" failed: at least one argument is required', node)
    for arg in node.args:
        try:
            value = ev.eval(arg)
        except ConfigError as e:
            if _is_cycle(e):
                raise
            continue
        return True if node.name == "can" else value
    if node.name == "can":
        return False
    raise ev.error('Call to function "try" failed: no expression succeeded', node)


def _is_cycle(e: ConfigError) -> bool:
    return e.message.startswith("Cycle:")
