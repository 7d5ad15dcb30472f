"""Evaluates ``ast`` expressions to plain Python values.

References that are not local bindings (``var.x``, ``local.y``, ``module.m.out``, object
blocks, ``each``/``count``/``path``) are handed to a ``Resolver`` supplied by the loader, which
evaluates them lazily and records what was touched (sensitivity, object references) on the
current ``Frame``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from gp.config import ast
from gp.config.calls import evaluate_call
from gp.config.marks import has_marks, mark, mark_if, strip, unmark
from gp.config.operators import as_bool, eval_binary, eval_conditional, eval_unary
from gp.config.types import (
    TypeConvError,
    to_number,
    to_string,
    type_name,
)
from gp.errors import ConfigError, SourcePos
from gp.redact import MASK
from gp.suggest import did_you_mean


@dataclass
class Frame:
    """What one evaluation touched: the object blocks referenced. (Sensitivity is not
    recorded here but carried on the values themselves: ``gp.config.marks``.)"""

    refs: set[str] = field(default_factory=set)

    def merge(self, other: Frame) -> None:
        self.refs |= other.refs


class Resolver(Protocol):
    def lookup(self, root: str, steps: list[str], node: ast.Name, ev: Evaluator) -> tuple[Any, int]:
        """Resolve a root name and leading static steps; return (value, steps consumed)."""


class Evaluator:
    def __init__(
        self,
        file: str,
        resolver: Resolver,
        functions: dict[str, Callable],
        bindings: dict[str, Any] | None = None,
        frame: Frame | None = None,
    ):
        self.file = file
        self.resolver = resolver
        self.functions = functions
        self.bindings = bindings or {}
        self.frame = frame or Frame()
        # For messages written by the user (a validation's error_message): a template shows a
        # marked interpolation as "(sensitive value)" instead of marking the whole text.
        self.redact = False

    def error(self, message: str, node: Any) -> ConfigError:
        line, col = ast.pos_of(node)
        return ConfigError(message, SourcePos(self.file, line, col))

    def child(self, bindings: dict[str, Any]) -> Evaluator:
        ev = Evaluator(
            self.file, self.resolver, self.functions, {**self.bindings, **bindings}, self.frame
        )
        ev.redact = self.redact
        return ev

    def eval(self, node: ast.Expr) -> Any:
        return _EVALUATE[type(node)](self, node)

    def eval_call(self, node: ast.Call) -> Any:
        return evaluate_call(self, node)

    # --- leaves ---------------------------------------------------------------------------

    def eval_literal(self, node: ast.Literal) -> Any:
        return node.value

    def eval_paren(self, node: ast.Paren) -> Any:
        return self.eval(node.expr)

    def eval_splat_item(self, node: ast.SplatItem) -> Any:
        return self.bindings["\0splat"]

    def eval_name(self, node: ast.Name) -> Any:
        if node.name in self.bindings:
            return self.bindings[node.name]
        value, _ = self.resolver.lookup(node.name, [], node, self)
        return value

    # --- templates ------------------------------------------------------------------------

    def eval_template(self, node: ast.Template) -> Any:
        out: list[str] = []
        # One marked part (an interpolation, an %{if} condition, a %{for} collection) marks
        # the whole string: its pieces cannot be told apart once joined.
        marked = [False]
        self._render(node.parts, out, marked)
        return mark_if("".join(out), marked[0])

    def _render(self, parts: tuple[ast.Part, ...], out: list[str], marked: list[bool]) -> None:
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, ast.Interp):
                value, secret = unmark(self.eval(part.expr))
                if self.redact and (secret or has_marks(value)):
                    out.append(MASK)
                    continue
                marked[0] |= secret or has_marks(value)
                out.append(self._interp_string(strip(value), part.expr))
            elif isinstance(part, ast.IfDirective):
                cond, secret = unmark(self.eval(part.cond))
                marked[0] |= secret
                self._render(
                    part.then if as_bool(self, cond, part.cond, "condition") else part.else_,
                    out,
                    marked,
                )
            else:
                items, secret = self.iterate(self.eval(part.coll), part.coll)
                marked[0] |= secret
                for key, value in items:
                    names = {part.value_var: value}
                    if part.key_var:
                        names[part.key_var] = key
                    self.child(names)._render(part.body, out, marked)

    def _interp_string(self, value: Any, expr: ast.Expr) -> str:
        if value is None:
            raise self.error(
                "Invalid template interpolation value: the expression result is null", expr
            )
        try:
            return to_string(value)
        except TypeConvError:
            raise self.error(
                f"Invalid template interpolation value: cannot include a {type_name(value)} "
                "in a string template; string required",
                expr,
            ) from None

    # --- collections ----------------------------------------------------------------------

    def eval_tuple_expr(self, node: ast.TupleExpr) -> list:
        return [self.eval(item) for item in node.items]

    def eval_object_expr(self, node: ast.ObjectExpr) -> Any:
        out: dict = {}
        secret_key = False
        for key_expr, value_expr in node.items:
            key, secret = unmark(self.eval(key_expr))
            secret_key |= secret
            out[self._key_string(key, key_expr)] = self.eval(value_expr)
        # A marked key cannot be marked alone (keys show in paths): the object is marked.
        return mark_if(out, secret_key)

    def _key_string(self, key: Any, node: Any) -> str:
        key = unmark(key)[0]
        if key is None:
            raise self.error("Object key cannot be null", node)
        try:
            return to_string(key)
        except TypeConvError:
            raise self.error(f"Object key must be a string, not a {type_name(key)}", node) from None

    def iterate(self, coll: Any, node: Any) -> tuple[list[tuple[Any, Any]], bool]:
        """(key, value) pairs and whether the collection was marked; the keys and values of a
        marked collection are marked, so what the loop computes from them is too."""
        coll, secret = unmark(coll)
        items = self._items(coll, node)
        if secret:
            items = [(mark(k), mark(v)) for k, v in items]
        return items, secret

    def _items(self, coll: Any, node: Any) -> list[tuple[Any, Any]]:
        if isinstance(coll, dict):
            return [(k, coll[k]) for k in sorted(coll)]
        if isinstance(coll, (list, tuple)):
            return list(enumerate(coll))
        if coll is None:
            raise self.error("Iteration over null value", node)
        raise self.error(
            f"Cannot iterate over a {type_name(coll)} value; a list, set, map or "
            "object is required",
            node,
        )

    def eval_for_expr(self, node: ast.ForExpr) -> Any:
        # A marked collection, filter or key marks the result as a whole: which elements
        # exist (or under which keys) would tell something about the secret.
        items, marked = self.iterate(self.eval(node.coll), node.coll)
        is_object = node.key is not None
        out_list: list = []
        out_map: dict = {}
        for key, value in items:
            names = {node.value_var: value}
            if node.key_var:
                names[node.key_var] = key
            ev = self.child(names)
            if node.cond is not None:
                keep, secret = unmark(ev.eval(node.cond))
                marked |= secret
                if not as_bool(self, keep, node.cond, "condition"):
                    continue
            if not is_object:
                out_list.append(ev.eval(node.value))
                continue
            k, secret = unmark(ev.eval(node.key))
            marked |= secret
            k = self._key_string(k, node.key)
            v = ev.eval(node.value)
            if node.group:
                out_map.setdefault(k, []).append(v)
            elif k in out_map:
                shown = "" if secret else f' "{k}"'
                raise self.error(
                    f'Duplicate object key{shown} in for expression; add "..." after '
                    "the value to group values by key",
                    node.key,
                )
            else:
                out_map[k] = v
        return mark_if(out_map if is_object else out_list, marked)

    # --- traversal ------------------------------------------------------------------------

    def eval_get_attr(self, node: ast.GetAttr) -> Any:
        return self._traverse(node)

    def eval_index(self, node: ast.Index) -> Any:
        return self._traverse(node)

    def _traverse(self, node: ast.Expr) -> Any:
        ops: list[ast.Expr] = []
        root = node
        while isinstance(root, (ast.GetAttr, ast.Index)):
            ops.append(root)
            root = root.obj
        ops.reverse()
        if isinstance(root, ast.Name) and root.name not in self.bindings:
            steps = []
            for op in ops:
                if isinstance(op, ast.GetAttr):
                    steps.append(op.name)
                elif isinstance(op.key, ast.Literal) and op.key.value is not None:
                    steps.append(to_string(op.key.value))
                else:
                    break
            value, used = self.resolver.lookup(root.name, steps, root, self)
            ops = ops[used:]
        else:
            value = self.eval(root)
        for op in ops:
            if isinstance(op, ast.GetAttr):
                value = self.get_attr(value, op.name, op)
            else:
                value = self.index(value, self.eval(op.key), op)
        return value

    def get_attr(self, value: Any, name: str, node: Any) -> Any:
        value, secret = unmark(value)
        if secret:
            return mark(self._get_attr(value, name, node, secret))
        return self._get_attr(value, name, node, secret)

    def _get_attr(self, value: Any, name: str, node: Any, secret: bool) -> Any:
        if isinstance(value, dict):
            if name in value:
                return value[name]
            keys = [k for k in value if not k.startswith("__")]
            # The keys of a marked object are part of the secret: no suggestion from them.
            raise self.error(
                f'Unsupported attribute "{name}"' + ("" if secret else did_you_mean(name, keys)),
                node,
            )
        if value is None:
            raise self.error(f'Attempt to get attribute "{name}" from a null value', node)
        if isinstance(value, list) and name.isdigit():
            return self.index(value, int(name), node)
        raise self.error(
            f'Unsupported attribute "{name}": a {type_name(value)} has no attributes', node
        )

    def index(self, value: Any, key: Any, node: Any) -> Any:
        value, secret_value = unmark(value)
        key, secret_key = unmark(key)
        found = self._index(value, key, node, secret_value or secret_key)
        return mark_if(found, secret_value or secret_key)

    def _index(self, value: Any, key: Any, node: Any, secret: bool) -> Any:
        if value is None:
            raise self.error("Attempt to index a null value", node)
        if isinstance(value, dict):
            k = self._key_string(key, node)
            if k not in value:
                if secret:
                    raise self.error(
                        "Invalid index: the key does not exist (the key or the map is "
                        "sensitive, so neither is shown)",
                        node,
                    )
                raise self.error(
                    f'Invalid index: key "{k}" does not exist'
                    + did_you_mean(k, [str(x) for x in value]),
                    node,
                )
            return value[k]
        if isinstance(value, (list, tuple)):
            try:
                i = to_number(key)
            except TypeConvError:
                raise self.error(
                    f"Invalid index: a number is required to index a list, not a {type_name(key)}",
                    node,
                ) from None
            if not float(i).is_integer() or not 0 <= i < len(value):
                if secret:
                    raise self.error(
                        "Invalid index: the index is out of range (the index or the list "
                        "is sensitive, so neither is shown)",
                        node,
                    )
                raise self.error(
                    f"Invalid index: index {to_string(i)} is out of range for a list "
                    f"of {len(value)} elements",
                    node,
                )
            return value[int(i)]
        raise self.error(f"Invalid index: a {type_name(value)} value cannot be indexed", node)

    def eval_splat(self, node: ast.Splat) -> Any:
        src, secret = unmark(self.eval(node.src))
        if src is None:
            return mark_if([], secret)
        items = list(src) if isinstance(src, (list, tuple)) else [src]
        if secret:
            items = [mark(item) for item in items]
        return mark_if([self.child({"\0splat": item}).eval(node.each) for item in items], secret)


# Each kind of expression and what evaluates it.
_EVALUATE: dict[type, Callable[[Evaluator, Any], Any]] = {
    ast.Binary: eval_binary,
    ast.Call: Evaluator.eval_call,
    ast.Conditional: eval_conditional,
    ast.ForExpr: Evaluator.eval_for_expr,
    ast.GetAttr: Evaluator.eval_get_attr,
    ast.Index: Evaluator.eval_index,
    ast.Literal: Evaluator.eval_literal,
    ast.Name: Evaluator.eval_name,
    ast.ObjectExpr: Evaluator.eval_object_expr,
    ast.Paren: Evaluator.eval_paren,
    ast.Splat: Evaluator.eval_splat,
    ast.SplatItem: Evaluator.eval_splat_item,
    ast.Template: Evaluator.eval_template,
    ast.TupleExpr: Evaluator.eval_tuple_expr,
    ast.Unary: eval_unary,
}
