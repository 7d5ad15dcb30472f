"""Attribute values -> Argo values, guided by the schema.

Keys of model values may be written snake_case or in Argo's spelling; keys of user data (maps)
are kept exactly as written. Scalars are coerced where Argo's type leaves no doubt (a number
given for a string field becomes its decimal text), and rejected otherwise.
"""

from __future__ import annotations

import copy
from typing import Any

from gp.compile.context import Ctx, Path, quote
from gp.compile.schema import FieldInfo, FieldKind, SchemaNode
from gp.errors import SourcePos
from gp.suggest import hint

REF_KEY = "__gp_ref__"


def is_ref(value: Any) -> bool:
    return isinstance(value, dict) and REF_KEY in value


def number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def convert_scalar(value: Any, typ: type | None, name: str, pos: SourcePos, ctx: Ctx) -> Any:
    if typ is None or value is None:
        return copy.deepcopy(value)
    if typ is str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return number_text(value)
        if isinstance(value, str):
            return value
    elif typ is int:
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            return value
        elif isinstance(value, float) and value.is_integer():
            return int(value)
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif typ is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    elif typ is bool:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    ctx.error(f"{quote(name)} expects {_type_word(typ)}, got {_kind_word(value)}", pos)
    return None


def _type_word(typ: type) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "a bool"}[typ]


def _kind_word(value: Any) -> str:
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def convert(value: Any, f: FieldInfo, pos: SourcePos, ctx: Ctx, path: Path) -> Any:
    """Convert the value of field ``f``; problems are reported at ``pos``."""
    ctx.mark(path, pos)
    if value is None:
        return None
    kind = f.kind
    if kind == FieldKind.SCALAR:
        return convert_scalar(value, f.scalar, f.hcl_name, pos, ctx)
    if kind == FieldKind.INT_OR_STRING:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            return value
        ctx.error(f"{quote(f.hcl_name)} expects a number or a string, got {_kind_word(value)}", pos)
        return None
    if kind == FieldKind.QUANTITY:
        return convert_scalar(value, str, f.hcl_name, pos, ctx)
    if kind == FieldKind.ANY:
        return copy.deepcopy(value)
    if kind == FieldKind.MAP:
        return _convert_map(value, f, pos, ctx)
    if kind == FieldKind.LIST:
        if not isinstance(value, list):
            return _expected(f, "a list", value, pos, ctx)
        return [convert_scalar(v, f.scalar, f.hcl_name, pos, ctx) for v in value]
    assert f.child is not None
    if kind == FieldKind.MODEL:
        if not isinstance(value, dict) or is_ref(value):
            return _expected(f, "an object", value, pos, ctx)
        return convert_model(value, f.child, pos, ctx, path)
    if kind == FieldKind.MAP_OF_MODEL:
        if not isinstance(value, dict):
            return _expected(f, "an object", value, pos, ctx)
        return {k: convert_model(v, f.child, pos, ctx, (*path, k)) for k, v in value.items()}
    if kind == FieldKind.LIST_OF_MODEL:
        return convert_model_list(value, f, pos, ctx, path)
    # LIST_OF_LIST_OF_MODEL (steps): a plain list of steps means one step per group.
    if not isinstance(value, list):
        return _expected(f, "a list", value, pos, ctx)
    groups = []
    for i, group in enumerate(value):
        items = group if isinstance(group, list) else [group]
        groups.append(
            [convert_model(v, f.child, pos, ctx, (*path, i, j)) for j, v in enumerate(items)]
        )
    return groups


def _expected(f: FieldInfo, what: str, value: Any, pos: SourcePos, ctx: Ctx) -> None:
    ctx.error(f"{quote(f.hcl_name)} expects {what}, got {_kind_word(value)}", pos)
    return None


def _convert_map(value: Any, f: FieldInfo, pos: SourcePos, ctx: Ctx) -> Any:
    if not isinstance(value, dict):
        return _expected(f, "a map", value, pos, ctx)
    return {
        str(k): convert_scalar(v, f.scalar, f"{f.hcl_name}.{k}", pos, ctx) for k, v in value.items()
    }


def name_value_form(node: SchemaNode) -> bool:
    """Lists like env and parameters may be written as a map of name -> value."""
    return node.field("name") is not None and node.field("value") is not None


def convert_model_list(value: Any, f: FieldInfo, pos: SourcePos, ctx: Ctx, path: Path) -> Any:
    node = f.child
    assert node is not None
    if isinstance(value, dict) and name_value_form(node):
        out = []
        for i, (k, v) in enumerate(value.items()):
            body = dict(v) if isinstance(v, dict) and not is_ref(v) else {"value": v}
            out.append(convert_model({"name": k, **body}, node, pos, ctx, (*path, i)))
        return out
    if not isinstance(value, list):
        return _expected(f, "a list", value, pos, ctx)
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            ctx.error(
                f"{quote(f.hcl_name)} expects a list of objects, got {_kind_word(item)} in it", pos
            )
            continue
        out.append(convert_model(item, node, pos, ctx, (*path, i)))
    return out


def convert_model(value: Any, node: SchemaNode, pos: SourcePos, ctx: Ctx, path: Path) -> dict:
    if not isinstance(value, dict):
        ctx.error(f"expected an object for {node.name}, got {_kind_word(value)}", pos)
        return {}
    out: dict[str, Any] = {}
    for key, v in _name_first(value):
        f = node.lookup(key)
        if f is None:
            ctx.error(f"unknown field {quote(key)} in {node.name}{hint(node.closest(key))}", pos)
            continue
        converted = convert(v, f, pos, ctx, (*path, f.argo_name))
        if converted is not None:
            out[f.argo_name] = converted
    return out


def _name_first(d: dict) -> list[tuple[str, Any]]:
    # Argo lists keyed by name read best with the name first; the rest keeps its written order.
    items = list(d.items())
    return sorted(items, key=lambda kv: kv[0] != "name")
