"""HCL block bodies -> Argo objects, by schema.

Attributes hold Argo values under snake_case names. A nested block fills a model field
(`retry_strategy { limit = 3 }`), a map field (`node_selector { pool = "small" }`), or adds one
entry to a list or map field, named by its plural or singular (`toleration {}` -> tolerations,
`volume "data" {}` -> volumes with name "data", `hook "exit" {}` -> hooks["exit"]).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.compile.context import Ctx, Path, quote
from gp.compile.schema import FieldKind, SchemaNode
from gp.compile.values import convert, convert_scalar
from gp.config.model import Attr, Block
from gp.suggest import hint


def describe(block: Block) -> str:
    return " ".join([block.type, *(quote(label) for label in block.labels)])


def compile_attrs(
    attrs: Iterable[Attr],
    node: SchemaNode,
    ctx: Ctx,
    path: Path,
    where: str,
    out: dict,
    extra: Iterable[str] = (),
) -> None:
    for attr in attrs:
        f = node.lookup(attr.name)
        if f is None:
            ctx.error(unknown("field", attr.name, where, node.closest(attr.name, extra)), attr.pos)
            continue
        value = convert(attr.value, f, attr.pos, ctx, (*path, f.argo_name))
        if value is None:
            continue
        if f.argo_name in out and isinstance(out[f.argo_name], list) and isinstance(value, list):
            out[f.argo_name] = [*out[f.argo_name], *value]
        else:
            out[f.argo_name] = value


def unknown(what: str, name: str, where: str, closest: str | None) -> str:
    return f"unknown {what} {quote(name)} in {where}{hint(closest)}"


def compile_block_into(
    block: Block,
    node: SchemaNode,
    ctx: Ctx,
    path: Path,
    out: dict,
    where: str,
    extra: Iterable[str] = (),
) -> None:
    """Add one nested block to ``out``, the object being built for ``node`` (``where``, in messages)."""
    f = node.field(block.type)
    if f is not None and f.kind in (FieldKind.MODEL, FieldKind.MAP):
        if block.labels:
            ctx.error(f"block {quote(block.type)} takes no labels", block.pos)
        if f.argo_name in out:
            ctx.error(
                f"duplicate block {quote(block.type)}; it may appear only once here", block.pos
            )
            return
        sub_path = (*path, f.argo_name)
        ctx.mark(sub_path, block.pos)
        if f.kind == FieldKind.MAP:
            out[f.argo_name] = _map_block(block, f.scalar, ctx)
        else:
            assert f.child is not None
            out[f.argo_name] = compile_body(block, f.child, ctx, sub_path)
        return
    if (
        f is not None and f.kind == FieldKind.ANY
    ):  # open data, e.g. a plugin's settings: keys as written
        out[f.argo_name] = data_block(block)
        ctx.mark((*path, f.argo_name), block.pos)
        return
    f = node.repeated(block.type)
    if f is None:
        if node.field(block.type) is not None:
            ctx.error(
                f"{quote(block.type)} is an attribute, not a block: write {block.type} = ...",
                block.pos,
            )
        else:
            ctx.error(
                unknown("block", block.type, where, node.closest(block.type, extra)), block.pos
            )
        return
    assert f.child is not None
    if f.kind == FieldKind.MAP_OF_MODEL:
        if len(block.labels) != 1:
            ctx.error(
                f"block {quote(block.type)} needs one label, the key in {f.hcl_name}", block.pos
            )
            return
        key = block.labels[0]
        entries = out.setdefault(f.argo_name, {})
        if key in entries:
            ctx.error(f"duplicate {block.type} {quote(key)}", block.pos)
        sub_path = (*path, f.argo_name, key)
        ctx.mark(sub_path, block.pos)
        entries[key] = compile_body(block, f.child, ctx, sub_path)
        return
    items = out.setdefault(f.argo_name, [])
    sub_path = (*path, f.argo_name, len(items))
    ctx.mark(sub_path, block.pos)
    items.append(labelled_body(block, f.child, ctx, sub_path))


def labelled_body(block: Block, node: SchemaNode, ctx: Ctx, path: Path) -> dict:
    """A list entry whose label, if any, is its name."""
    named = node.field("name") is not None
    if len(block.labels) > 1 or (block.labels and not named):
        ctx.error(
            f"block {quote(block.type)} takes {'at most one label' if named else 'no labels'}",
            block.pos,
        )
    head: dict[str, Any] = {"name": block.labels[0]} if block.labels and named else {}
    if head:
        ctx.mark((*path, "name"), block.pos)
    body = compile_body(block, node, ctx, path)
    if head and "name" in body:
        ctx.error(
            f"{describe(block)} sets its name twice (label and attribute)", block.attrs["name"].pos
        )
    return {**head, **body}


def compile_body(block: Block, node: SchemaNode, ctx: Ctx, path: Path) -> dict:
    out: dict[str, Any] = {}
    compile_attrs(block.attrs.values(), node, ctx, path, describe(block), out)
    for sub in block.blocks:
        compile_block_into(sub, node, ctx, path, out, describe(block))
    return out


def _map_block(block: Block, scalar: type | None, ctx: Ctx) -> dict:
    for sub in block.blocks:
        ctx.error(
            f"{quote(block.type)} holds plain values; block {quote(sub.type)} is not allowed here",
            sub.pos,
        )
    return {
        a.name: convert_scalar(a.value, scalar, f"{block.type}.{a.name}", a.pos, ctx)
        for a in block.attrs.values()
    }


def data_block(block: Block) -> dict:
    """A block holding free-form data: attributes as written, nested blocks as nested objects."""
    out: dict[str, Any] = {a.name: a.value for a in block.attrs.values()}
    for sub in block.blocks:
        out[sub.type] = data_block(sub)
    return out
