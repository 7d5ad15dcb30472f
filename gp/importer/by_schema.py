"""Argo data -> HCL attributes and blocks, named by Argo's schema (``gp.compile.schema``).

The inverse of ``gp.compile.body``: a model-valued field becomes a nested block, a list of
models becomes repeated blocks named by the singular (labelled with the entry's name when the
model has one), a map of models becomes labelled blocks, and everything else an attribute under
its snake_case name. User data (maps, free values) keeps its keys exactly.
"""

from __future__ import annotations

from typing import Any, Iterable

from gp.compile.schema import FieldInfo, Kind, SchemaNode
from gp.importer.hcl_writer import Attr, Block


def model_items(data: dict, node: SchemaNode, skip: Iterable[str] = ()) -> list[Attr | Block]:
    """The body of a block holding ``data``, an instance of ``node``'s model."""
    skipped = set(skip)
    items: list[Attr | Block] = []
    for key, value in data.items():
        if key in skipped:
            continue
        f = node.by_argo_name(key)
        if f is None:
            # Not in the schema: written as is, so that compiling names the problem.
            items.append(Attr(key, value))
        else:
            items.extend(field_items(f, value, node))
    return attrs_first(items)


def attrs_first(items: list[Attr | Block]) -> list[Attr | Block]:
    return [i for i in items if isinstance(i, Attr)] + [i for i in items if isinstance(i, Block)]


def field_items(f: FieldInfo, value: Any, parent: SchemaNode) -> list[Attr | Block]:
    node = f.child
    if f.kind == Kind.MODEL and node is not None and isinstance(value, dict):
        return [Block(f.hcl_name, (), model_items(value, node))]
    if f.kind == Kind.LIST_OF_MODEL and node is not None and _all_dicts(value) and value:
        if env_map_fits(f, value):
            return [Attr(f.hcl_name, {item["name"]: item["value"] for item in value})]
        return repeated_blocks(f, value, parent)
    if f.kind == Kind.MAP_OF_MODEL and node is not None and isinstance(value, dict) and _all_dicts(list(value.values())):
        block_type = singular(f, parent)
        return [Block(block_type, (str(k),), model_items(v, node)) for k, v in value.items()]
    return [Attr(f.hcl_name, to_value(value, f))]


def repeated_blocks(f: FieldInfo, items: list[dict], parent: SchemaNode) -> list[Block]:
    node = f.child
    assert node is not None
    block_type = singular(f, parent)
    named = node.field("name") is not None and all(isinstance(i.get("name"), str) for i in items)
    if named:
        return [Block(block_type, (i["name"],), model_items(i, node, skip=("name",))) for i in items]
    return [Block(block_type, (), model_items(i, node)) for i in items]


def env_map_fits(f: FieldInfo, items: list[dict]) -> bool:
    """``env = { NAME = "value" }`` when every entry is a plain name and string value."""
    if f.argo_name != "env":
        return False
    names = [i.get("name") for i in items]
    plain = all(set(i) == {"name", "value"} and isinstance(i["value"], str) and isinstance(i["name"], str) for i in items)
    return plain and len(set(names)) == len(names)


def singular(f: FieldInfo, parent: SchemaNode) -> str:
    """The block type for one entry of a repeated field: `toleration` for tolerations."""
    plural = f.hcl_name
    candidates = []
    if plural.endswith("ies"):
        candidates.append(plural[:-3] + "y")
    if plural.endswith("s"):
        candidates.append(plural[:-1])
    if plural.endswith("es"):
        candidates.append(plural[:-2])
    for cand in candidates:
        if parent.field(cand) is None and parent.repeated(cand) is f:
            return cand
    return plural


def to_value(value: Any, f: FieldInfo | None) -> Any:
    """An attribute value: model keys in snake_case, user data as is."""
    if f is None or value is None:
        return value
    node = f.child
    if f.kind == Kind.MODEL and node is not None and isinstance(value, dict):
        return model_value(value, node)
    if f.kind == Kind.LIST_OF_MODEL and node is not None and isinstance(value, list):
        return [model_value(v, node) if isinstance(v, dict) else v for v in value]
    if f.kind == Kind.LIST_OF_LIST_OF_MODEL and node is not None and isinstance(value, list):
        return [[model_value(v, node) for v in g] if isinstance(g, list) else g for g in value]
    if f.kind == Kind.MAP_OF_MODEL and node is not None and isinstance(value, dict):
        return {k: model_value(v, node) if isinstance(v, dict) else v for k, v in value.items()}
    return value


def model_value(data: dict, node: SchemaNode) -> dict:
    out = {}
    for key, value in data.items():
        f = node.by_argo_name(key)
        out[f.hcl_name if f else key] = to_value(value, f)
    return out


def _all_dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)
