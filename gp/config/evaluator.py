"""Evaluates ``ast`` expressions to plain Python values.

References that are not local bindings (``var.x``, ``local.y``, ``module.m.out``, object
blocks, ``each``/``count``/``path``) are handed to a ``Resolver`` supplied by the loader, which
evaluates them lazily and records what was touched (sensitivity, object references) on the
current ``Frame``.
"""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from gp.config import ast
from gp.config.types import TypeConvError, normalize_number, to_bool, to_number, to_string, type_name
from gp.errors import ConfigError, SourcePos


class FuncError(Exception):
    """Raised by a function implementation; the evaluator names the function and position."""


@dataclass
class Frame:
    """What one evaluation touched: sensitive inputs and object blocks referenced."""

    sensitive: bool = False
    refs: set[str] = field(default_factory=set)

    def merge(self, other: "Frame") -> None:
        self.sensitive |= other.sensitive
        self.refs |= other.refs


class Resolver(Protocol):
    def lookup(self, root: str, steps: list[str], node: ast.Name, ev: "Evaluator") -> tuple[Any, int]:
        """Resolve a root name and leading static steps; return (value, steps consumed)."""


def suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def suggest_ref(prefix: str, name: str, candidates: list[str]) -> str:
    """Like ``suggest`` but matching bare names, so a shared "var." prefix does not count."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f'; did you mean "{prefix}{close[0]}"?' if close else ""


class Evaluator:
    def __init__(self, file: str, resolver: Resolver, functions: dict[str, Callable],
                 bindings: dict[str, Any] | None = None, frame: Frame | None = None):
        self.file = file
        self.resolver = resolver
        self.functions = functions
        self.bindings = bindings or {}
        self.frame = frame or Frame()

    def error(self, message: str, node: Any) -> ConfigError:
        line, col = ast.pos_of(node)
        return ConfigError(message, SourcePos(self.file, line, col))

    def child(self, bindings: dict[str, Any]) -> "Evaluator":
        return Evaluator(self.file, self.resolver, self.functions, {**self.bindings, **bindings}, self.frame)

    def eval(self, node: ast.Expr) -> Any:
        return getattr(self, "e_" + type(node).__name__)(node)

    # --- leaves ---------------------------------------------------------------------------

    def e_Literal(self, node: ast.Literal) -> Any:
        return node.value

    def e_Paren(self, node: ast.Paren) -> Any:
        return self.eval(node.expr)

    def e_SplatItem(self, node: ast.SplatItem) -> Any:
        return self.bindings["\0splat"]

    def e_Name(self, node: ast.Name) -> Any:
        if node.name in self.bindings:
            return self.bindings[node.name]
        value, _ = self.resolver.lookup(node.name, [], node, self)
        return value

    # --- templates ------------------------------------------------------------------------

    def e_Template(self, node: ast.Template) -> str:
        out: list[str] = []
        self._render(node.parts, out)
        return "".join(out)

    def _render(self, parts: tuple[ast.Part, ...], out: list[str]) -> None:
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, ast.Interp):
                out.append(self._interp_string(part.expr))
            elif isinstance(part, ast.IfDirective):
                cond = self._bool(self.eval(part.cond), part.cond, "condition")
                self._render(part.then if cond else part.else_, out)
            else:
                for key, value in self._iterate(self.eval(part.coll), part.coll):
                    names = {part.value_var: value}
                    if part.key_var:
                        names[part.key_var] = key
                    self.child(names)._render(part.body, out)

    def _interp_string(self, expr: ast.Expr) -> str:
        value = self.eval(expr)
        if value is None:
            raise self.error("Invalid template interpolation value: the expression result is null", expr)
        try:
            return to_string(value)
        except TypeConvError:
            raise self.error(
                f"Invalid template interpolation value: cannot include a {type_name(value)} "
                "in a string template; string required", expr) from None

    # --- collections ----------------------------------------------------------------------

    def e_TupleExpr(self, node: ast.TupleExpr) -> list:
        return [self.eval(item) for item in node.items]

    def e_ObjectExpr(self, node: ast.ObjectExpr) -> dict:
        out: dict = {}
        for key_expr, value_expr in node.items:
            key = self.eval(key_expr)
            out[self._key_string(key, key_expr)] = self.eval(value_expr)
        return out

    def _key_string(self, key: Any, node: Any) -> str:
        if key is None:
            raise self.error("Object key cannot be null", node)
        try:
            return to_string(key)
        except TypeConvError:
            raise self.error(f"Object key must be a string, not a {type_name(key)}", node) from None

    def _iterate(self, coll: Any, node: Any) -> list[tuple[Any, Any]]:
        if isinstance(coll, dict):
            return [(k, coll[k]) for k in sorted(coll)]
        if isinstance(coll, (list, tuple)):
            return list(enumerate(coll))
        if coll is None:
            raise self.error("Iteration over null value", node)
        raise self.error(f"Cannot iterate over a {type_name(coll)} value; a list, set, map or "
                         "object is required", node)

    def e_ForExpr(self, node: ast.ForExpr) -> Any:
        items = self._iterate(self.eval(node.coll), node.coll)
        is_object = node.key is not None
        out_list: list = []
        out_map: dict = {}
        for key, value in items:
            names = {node.value_var: value}
            if node.key_var:
                names[node.key_var] = key
            ev = self.child(names)
            if node.cond is not None and not self._bool(ev.eval(node.cond), node.cond, "condition"):
                continue
            if not is_object:
                out_list.append(ev.eval(node.value))
                continue
            k = self._key_string(ev.eval(node.key), node.key)
            v = ev.eval(node.value)
            if node.group:
                out_map.setdefault(k, []).append(v)
            elif k in out_map:
                raise self.error(f'Duplicate object key "{k}" in for expression; add "..." after '
                                 "the value to group values by key", node.key)
            else:
                out_map[k] = v
        return out_map if is_object else out_list

    # --- traversal ------------------------------------------------------------------------

    def e_GetAttr(self, node: ast.GetAttr) -> Any:
        return self._traverse(node)

    def e_Index(self, node: ast.Index) -> Any:
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
        if isinstance(value, dict):
            if name in value:
                return value[name]
            keys = [k for k in value if not k.startswith("__")]
            raise self.error(f'Unsupported attribute "{name}"' + suggest(name, keys), node)
        if value is None:
            raise self.error(f'Attempt to get attribute "{name}" from a null value', node)
        if isinstance(value, list) and name.isdigit():
            return self.index(value, int(name), node)
        raise self.error(f'Unsupported attribute "{name}": a {type_name(value)} has no attributes', node)

    def index(self, value: Any, key: Any, node: Any) -> Any:
        if value is None:
            raise self.error("Attempt to index a null value", node)
        if isinstance(value, dict):
            k = self._key_string(key, node)
            if k not in value:
                raise self.error(f'Invalid index: key "{k}" does not exist' +
                                 suggest(k, [str(x) for x in value]), node)
            return value[k]
        if isinstance(value, (list, tuple)):
            try:
                i = to_number(key)
            except TypeConvError:
                raise self.error(f"Invalid index: a number is required to index a list, "
                                 f"not a {type_name(key)}", node) from None
            if not float(i).is_integer() or not 0 <= i < len(value):
                raise self.error(f"Invalid index: index {to_string(i)} is out of range for a list "
                                 f"of {len(value)} elements", node)
            return value[int(i)]
        raise self.error(f"Invalid index: a {type_name(value)} value cannot be indexed", node)

    def e_Splat(self, node: ast.Splat) -> list:
        src = self.eval(node.src)
        if src is None:
            return []
        items = list(src) if isinstance(src, (list, tuple)) else [src]
        return [self.child({"\0splat": item}).eval(node.each) for item in items]

    # --- operators ------------------------------------------------------------------------

    def _bool(self, value: Any, node: Any, what: str = "operand") -> bool:
        try:
            return to_bool(value)
        except TypeConvError:
            raise self.error(f"Invalid {what}: a bool is required, not a {type_name(value)}", node) from None

    def _num(self, value: Any, node: Any) -> int | float:
        try:
            return to_number(value)
        except TypeConvError:
            raise self.error(f"Invalid operand: a number is required, not a {type_name(value)}", node) from None

    def e_Unary(self, node: ast.Unary) -> Any:
        value = self.eval(node.operand)
        if node.op == "!":
            return not self._bool(value, node.operand)
        return -self._num(value, node.operand)

    def e_Conditional(self, node: ast.Conditional) -> Any:
        cond = self._bool(self.eval(node.cond), node.cond, "condition")
        return self.eval(node.then if cond else node.else_)

    def e_Binary(self, node: ast.Binary) -> Any:
        op = node.op
        if op in ("&&", "||"):
            left = self._bool(self.eval(node.left), node.left)
            if (op == "&&" and not left) or (op == "||" and left):
                return left
            return self._bool(self.eval(node.right), node.right)
        left, right = self.eval(node.left), self.eval(node.right)
        if op == "==":
            return values_equal(left, right)
        if op == "!=":
            return not values_equal(left, right)
        a, b = self._num(left, node.left), self._num(right, node.right)
        if op in ("<", ">", "<=", ">="):
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        if op in ("/", "%") and b == 0:
            raise self.error("Division by zero", node)
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

    # --- calls ----------------------------------------------------------------------------

    def e_Call(self, node: ast.Call) -> Any:
        if node.name in ("try", "can"):
            return self._try(node)
        fn = self.functions.get(node.name)
        if fn is None:
            raise self.error(f'Call to unknown function "{node.name}"' +
                             suggest(node.name, list(self.functions) + ["try", "can"]), node)
        args = [self.eval(a) for a in node.args]
        if node.expand_last:
            if not args or not isinstance(args[-1], (list, tuple)):
                raise self.error(f'Call to function "{node.name}" failed: the last argument before '
                                 '"..." must be a list or tuple', node)
            args = args[:-1] + list(args[-1])
        try:
            inspect.signature(fn).bind(*args)
        except TypeError:
            raise self.error(f'Call to function "{node.name}" failed: wrong number of arguments '
                             f"({len(args)} given)", node) from None
        try:
            return fn(*args)
        except (FuncError, TypeConvError) as e:
            raise self.error(f'Call to function "{node.name}" failed: {e}', node) from None
        except ConfigError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as e:
            raise self.error(f'Call to function "{node.name}" failed: {e}', node) from None

    def _try(self, node: ast.Call) -> Any:
        if node.name == "can" and len(node.args) != 1:
            raise self.error('Call to function "can" failed: exactly one argument is required', node)
        if not node.args:
            raise self.error('Call to function "try" failed: at least one argument is required', node)
        for arg in node.args:
            try:
                value = self.eval(arg)
            except ConfigError as e:
                if _is_cycle(e):
                    raise
                continue
            return True if node.name == "can" else value
        if node.name == "can":
            return False
        raise self.error('Call to function "try" failed: no expression succeeded', node)


def _is_cycle(e: ConfigError) -> bool:
    return e.message.startswith("Cycle:")


def values_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b
