"""Argo data -> HCL attributes and blocks, named by Argo's schema (``gp.compile.schema``).

The inverse of ``gp.compile.body``: a model-valued field becomes a nested block, a list of
models becomes repeated blocks named by the singular (labelled with the entry's name when the
model has one), a map of models becomes labelled blocks, and everything else an attribute under
its snake_case name. User data (maps, free values) keeps its keys exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.compile.schema import FieldInfo, FieldKind, SchemaNode
from gp.errors import ConfigError
from gp.importer.hcl_writer import HclAttr, HclBlock
from gp.suggest import closest


class CannotExpress(ConfigError):
    """Input that gp's language has no way to say; the message names where it is in the YAML."""


def model_items(
    data: dict, node: SchemaNode, skip: Iterable[str] = (), where: str = ""
) -> list[HclAttr | HclBlock]:
    """The body of a block holding ``data``, an instance of ``node``'s model, found at ``where``."""
    skipped = set(skip)
    items: list[HclAttr | HclBlock] = []
    for key, value in data.items():
        if key in skipped:
            continue
        items.extend(field_items(known_field(node, key, where), value, node, _join(where, key)))
    return attrs_first(items)


def known_field(node: SchemaNode, key: Any, where: str) -> FieldInfo:
    """The field ``key`` of ``node``; a key Argo does not know cannot be written in gp's language."""
    f = node.by_argo_name(key) if isinstance(key, str) else None
    if f is None:
        known = [fi.argo_name for fi in node.fields.values()]
        close = closest(str(key), known)
        hint = f' (did you mean "{close}"?)' if close else ""
        raise CannotExpress(
            f'{_join(where, str(key))}: "{key}" is not a field of Argo\'s {node.name}'
            f"{hint}; gp cannot express it"
        )
    return f


def _join(where: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


def attrs_first(items: list[HclAttr | HclBlock]) -> list[HclAttr | HclBlock]:
    return [i for i in items if isinstance(i, HclAttr)] + [
        i for i in items if isinstance(i, HclBlock)
    ]


def field_items(
    f: FieldInfo, value: Any, parent: SchemaNode, where: str = ""
) -> list[HclAttr | HclBlock]:
    node = f.child
    if f.kind == FieldKind.MODEL and node is not None and isinstance(value, dict):
        return [HclBlock(f.hcl_name, (), model_items(value, node, where=where))]
    if f.kind == FieldKind.LIST_OF_MODEL and node is not None and _all_dicts(value) and value:
        if env_map_fits(f, value):
            return [HclAttr(f.hcl_name, {item["name"]: item["value"] for item in value})]
        return repeated_blocks(f, value, parent, where)
    if (
        f.kind == FieldKind.MAP_OF_MODEL
        and node is not None
        and isinstance(value, dict)
        and _all_dicts(list(value.values()))
    ):
        block_type = singular(f, parent)
        return [
            HclBlock(block_type, (str(k),), model_items(v, node, where=f"{where}.{k}"))
            for k, v in value.items()
        ]
    return [HclAttr(f.hcl_name, to_value(value, f, where))]


def repeated_blocks(
    f: FieldInfo, items: list[dict], parent: SchemaNode, where: str = ""
) -> list[HclBlock]:
    node = f.child
    assert node is not None
    block_type = singular(f, parent)
    named = node.field("name") is not None and all(isinstance(i.get("name"), str) for i in items)
    if named:
        return [
            HclBlock(
                block_type,
                (i["name"],),
                model_items(i, node, skip=("name",), where=_join(where, n)),
            )
            for n, i in enumerate(items)
        ]
    return [
        HclBlock(block_type, (), model_items(i, node, where=_join(where, n)))
        for n, i in enumerate(items)
    ]


def env_map_fits(f: FieldInfo, items: list[dict]) -> bool:
    """``env = { NAME = "value" }`` when every entry is a plain name and string value."""
    if f.argo_name != "env":
        return False
    names = [i.get("name") for i in items]
    plain = all(
        set(i) == {"name", "value"} and isinstance(i["value"], str) and isinstance(i["name"], str)
        for i in items
    )
    return plain and len(set(names)) == len(names)


def singular(f: FieldInfo, parent: SchemaNode) -> str:
    """The block type for one entry of a repeated field: `toleration` for tolerations."""
    return parent.block_name(f)


def to_value(value: Any, f: FieldInfo | None, where: str = "") -> Any:
    """An attribute value: model keys in snake_case, user data as is."""
    if f is None or value is None:
        return value
    node = f.child
    if f.kind == FieldKind.MODEL and node is not None and isinstance(value, dict):
        return model_value(value, node, where)
    if f.kind == FieldKind.LIST_OF_MODEL and node is not None and isinstance(value, list):
        return [
            model_value(v, node, _join(where, n)) if isinstance(v, dict) else v
            for n, v in enumerate(value)
        ]
    if f.kind == FieldKind.LIST_OF_LIST_OF_MODEL and node is not None and isinstance(value, list):
        return [
            [model_value(v, node, f"{where}[{n}][{m}]") for m, v in enumerate(g)]
            if isinstance(g, list)
            else g
            for n, g in enumerate(value)
        ]
    if f.kind == FieldKind.MAP_OF_MODEL and node is not None and isinstance(value, dict):
        return {
            k: model_value(v, node, f"{where}.{k}") if isinstance(v, dict) else v
            for k, v in value.items()
        }
    return value


def model_value(data: dict, node: SchemaNode, where: str = "") -> dict:
    out = {}
    for key, value in data.items():
        f = known_field(node, key, where)
        out[f.hcl_name] = to_value(value, f, _join(where, key))
    return out


def _all_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)
