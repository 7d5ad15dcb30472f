"""Type constraints (``list(string)``, ``object({...})``, ``optional(T, d)``) and conversion.

Conversion follows Terraform: numbers and bools convert to strings and back, tuples to lists,
objects to maps, and errors say what was required (``a number is required``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gp.config import ast
from gp.config.marks import strip

PRIMITIVES = ("string", "number", "bool", "any")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


class TypeConvError(Exception):
    """A value does not fit a type; the message is Terraform's phrasing, without position."""


@dataclass(frozen=True)
class Type:
    kind: str  # string number bool any list set map object tuple
    elem: Type | None = None
    attrs: tuple[tuple[str, Type], ...] = ()
    optional: frozenset[str] = frozenset()
    defaults: tuple[tuple[str, Any], ...] = field(default=())
    elems: tuple[Type, ...] = ()

    def __str__(self) -> str:
        if self.kind in PRIMITIVES:
            return self.kind
        if self.kind in ("list", "set", "map"):
            return f"{self.kind}({self.elem})"
        if self.kind == "tuple":
            return "tuple([" + ", ".join(map(str, self.elems)) + "])"
        return "object({" + ", ".join(f"{k}={v}" for k, v in self.attrs) + "})"


ANY = Type("any")


class TypeSpecError(Exception):
    def __init__(self, message: str, node: Any):
        super().__init__(message)
        self.message, self.node = message, node


def parse_type(expr: ast.Expr, eval_default=None) -> Type:
    """Read a type expression. ``eval_default`` evaluates ``optional`` defaults (an Expr)."""
    if isinstance(expr, ast.Name) and expr.name in PRIMITIVES:
        return Type(expr.name)
    if isinstance(expr, ast.Call) and expr.name in ("list", "set", "map") and len(expr.args) == 1:
        return Type(expr.name, elem=parse_type(expr.args[0], eval_default))
    if (
        isinstance(expr, ast.Call)
        and expr.name == "tuple"
        and len(expr.args) == 1
        and isinstance(expr.args[0], ast.TupleExpr)
    ):
        return Type("tuple", elems=tuple(parse_type(e, eval_default) for e in expr.args[0].items))
    if (
        isinstance(expr, ast.Call)
        and expr.name == "object"
        and len(expr.args) == 1
        and isinstance(expr.args[0], ast.ObjectExpr)
    ):
        return _parse_object(expr.args[0], eval_default)
    if isinstance(expr, ast.Call) and expr.name == "optional":
        raise TypeSpecError("optional() is only allowed for an attribute of object(...)", expr)
    raise TypeSpecError(
        "Invalid type specification; expected string, number, bool, any, list(T), set(T), "
        "map(T), object({...}) or tuple([...])",
        expr,
    )


def _parse_object(obj: ast.ObjectExpr, eval_default) -> Type:
    attrs, optional, defaults = [], set(), []
    for key, value in obj.items:
        if not isinstance(key, ast.Literal) or not isinstance(key.value, str):
            raise TypeSpecError("Object type attribute names must be plain names", key)
        name = key.value
        if isinstance(value, ast.Call) and value.name == "optional":
            if not 1 <= len(value.args) <= 2:
                raise TypeSpecError("optional() takes a type and an optional default", value)
            attr_type = parse_type(value.args[0], eval_default)
            optional.add(name)
            if len(value.args) == 2 and eval_default is not None:
                defaults.append((name, convert(eval_default(value.args[1]), attr_type)))
        else:
            attr_type = parse_type(value, eval_default)
        attrs.append((name, attr_type))
    return Type(
        "object", attrs=tuple(attrs), optional=frozenset(optional), defaults=tuple(defaults)
    )


# --- conversion -------------------------------------------------------------------------


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "tuple"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def number_to_string(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isinf(value) or math.isnan(value):
        raise TypeConvError("a finite number is required")
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def normalize_number(value: float | int) -> int | float:
    """Integral floats become ints, so ``10 / 2`` renders as ``5`` like Terraform."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_to_string(value)
    raise TypeConvError("string required")


def to_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise TypeConvError("a number is required")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return normalize_number(
            float(value) if not value.strip().lstrip("-").isdigit() else int(value)
        )
    raise TypeConvError("a number is required")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise TypeConvError("a bool is required")


def distinct(values: list) -> list:
    out: list = []
    seen: set[str] = set()
    for v in values:
        k = json.dumps(v, sort_keys=True, default=str) + type_name(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def as_set(values: list) -> list:
    """A set value: distinct, and strings in lexical order as Terraform presents them."""
    items = distinct(values)
    if all(isinstance(v, str) for v in items):
        return sorted(items)
    return items


def convert(value: Any, t: Type) -> Any:
    if value is None or t.kind == "any":
        return value
    if t.kind == "string":
        return to_string(value)
    if t.kind == "number":
        return to_number(value)
    if t.kind == "bool":
        return to_bool(value)
    if t.kind in ("list", "set"):
        if not isinstance(value, (list, tuple)):
            raise TypeConvError(f"{t.kind} of {_elem_phrase(t.elem)} required")
        items = [_at(f"element {i}", v, t.elem) for i, v in enumerate(value)]
        return as_set(items) if t.kind == "set" else items
    if t.kind == "map":
        if not isinstance(value, dict):
            raise TypeConvError(f"map of {_elem_phrase(t.elem)} required")
        return {k: _at(f'element "{k}"', v, t.elem) for k, v in value.items()}
    if t.kind == "tuple":
        if not isinstance(value, (list, tuple)) or len(value) != len(t.elems):
            raise TypeConvError(f"tuple of {len(t.elems)} elements required")
        return [_at(f"element {i}", v, et) for i, (v, et) in enumerate(zip(value, t.elems))]
    return _convert_object(value, t)


def _convert_object(value: Any, t: Type) -> dict:
    if not isinstance(value, dict):
        raise TypeConvError("object required")
    defaults = dict(t.defaults)
    out = {}
    for name, attr_type in t.attrs:
        if name in value and value[name] is not None:
            out[name] = _at(f'attribute "{name}"', value[name], attr_type)
        elif name in t.optional:
            out[name] = defaults.get(name)
        elif name in value:
            out[name] = None
        else:
            raise TypeConvError(f'attribute "{name}" is required')
    return out


def _at(where: str, value: Any, t: Type) -> Any:
    try:
        return convert(value, t)
    except TypeConvError as e:
        raise TypeConvError(f"{where}: {e}") from None


def _elem_phrase(t: Type | None) -> str:
    return str(t) if t else "any"


def values_equal(a: Any, b: Any) -> bool:
    """HCL's ==: by value and type (1 == 1.0, "1" != 1), through collections, marks aside."""
    a, b = strip(a), strip(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b
