"""`moved` and `removed` blocks, as Terraform has them: read in every module instance, then
checked against the declared objects (from must not be declared, to must be; chains resolve;
cycles and two moves from one address are errors)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

from gp.config import ast
from gp.config.addresses import address_kind, block_type, covers, has_key
from gp.config.decls import Decl, Declarations, attr_map, check_allowed
from gp.config.model import Moved, Removed
from gp.errors import Diagnostic, SourcePos


def traversal(expr: ast.Expr) -> str | None:
    """The address an expression such as ``module.geo.workflow_template.t["a"]`` names, or
    None when it is not a plain traversal (a string, a call, ...)."""
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.GetAttr):
        head = traversal(expr.obj)
        return None if head is None else f"{head}.{expr.name}"
    if isinstance(expr, ast.Index) and isinstance(expr.key, ast.Literal):
        head, key = traversal(expr.obj), expr.key.value
        if head is None or isinstance(key, bool) or not isinstance(key, (str, int)):
            return None
        return f"{head}[{json.dumps(key)}]"
    return None


def _block(decl: Decl) -> ast.BlockNode:
    assert isinstance(decl.node, ast.BlockNode)
    return decl.node


def _address(attrs: dict[str, ast.Attribute], name: str, decl: Decl, diags: list) -> str | None:
    attr = attrs.get(name)
    if attr is None:
        diags.append(Diagnostic(f'A "{_block(decl).type}" block needs "{name}"', decl.pos))
        return None
    found = traversal(attr.expr)
    if found is None or address_kind(found) is None:
        diags.append(
            Diagnostic(
                f"{_block(decl).type}.{name} must be an address such as workflow_template.NAME, "
                'workflow_template.NAME["key"] or module.NAME (written without quotes)',
                SourcePos(decl.file, attr.line, attr.col),
            )
        )
        return None
    return found


def instance_blocks(
    decls: Declarations, prefix: str, diags: list[Diagnostic]
) -> tuple[list[Moved], list[Removed]]:
    """The `moved` and `removed` blocks of one module instance, addresses made absolute."""
    moved, removed = [], []
    for decl in decls.moved:
        body = _block(decl).body
        attrs = attr_map(body, decl.file, diags)
        check_allowed(attrs, ("from", "to"), '"moved" block', decl.file, diags)
        for inner in body.blocks:
            diags.append(
                Diagnostic(
                    f'Unexpected block "{inner.type}" in a "moved" block',
                    SourcePos(decl.file, inner.line, inner.col),
                )
            )
        src, dst = _address(attrs, "from", decl, diags), _address(attrs, "to", decl, diags)
        if src is not None and dst is not None:
            moved.append(Moved(prefix + src, prefix + dst, decl.pos))
    for decl in decls.removed:
        found = _removed(decl, diags)
        if found is not None:
            src, destroy = found
            removed.append(Removed(prefix + src, destroy, decl.pos))
    return moved, removed


def _removed(decl: Decl, diags: list[Diagnostic]) -> tuple[str, bool] | None:
    body = _block(decl).body
    attrs = attr_map(body, decl.file, diags)
    check_allowed(attrs, ("from",), '"removed" block', decl.file, diags)
    destroy = True
    for inner in body.blocks:
        where = SourcePos(decl.file, inner.line, inner.col)
        if inner.type != "lifecycle":
            diags.append(Diagnostic(f'Unexpected block "{inner.type}" in a "removed" block', where))
            continue
        life = attr_map(inner.body, decl.file, diags)
        check_allowed(life, ("destroy",), "a removed block's lifecycle", decl.file, diags)
        if "destroy" in life:
            value = life["destroy"].expr
            if not (isinstance(value, ast.Literal) and isinstance(value.value, bool)):
                diags.append(
                    Diagnostic(
                        "lifecycle.destroy must be true or false",
                        SourcePos(decl.file, life["destroy"].line, life["destroy"].col),
                    )
                )
                return None
            destroy = value.value
    src = _address(attrs, "from", decl, diags)
    if src is None:
        return None
    if has_key(src):
        diags.append(
            Diagnostic(
                f"removed.from names a whole block or module, without an instance key: {src}",
                decl.pos,
            )
        )
        return None
    return src, destroy


def _near(pos: SourcePos, here: SourcePos) -> str:
    """Where another block is, said from ``here``: "line 12", or "geo/main.gp.hcl:12"."""
    if pos.file == here.file:
        return f"line {pos.line}"
    return f"{os.path.relpath(pos.file, os.path.dirname(here.file))}:{pos.line}"


def _declared(address: str, declared: Iterable[str]) -> bool:
    return any(covers(a, address) for a in declared)


def check(
    moved: Sequence[Moved], removed: Sequence[Removed], declared: Sequence[str]
) -> tuple[list[Moved], list[Diagnostic]]:
    """The moves with chains resolved (a -> b, b -> c: a -> c), and every problem."""
    diags: list[Diagnostic] = []
    by_from: dict[str, Moved] = {}
    for move in moved:
        first = by_from.get(move.from_)
        if first is not None:
            diags.append(
                Diagnostic(
                    f"Two moves from {move.from_}: the first is at {_near(first.pos, move.pos)}",
                    move.pos,
                )
            )
            continue
        kinds = (address_kind(move.from_), address_kind(move.to))
        if kinds[0] != kinds[1] or block_type(move.from_) != block_type(move.to):
            diags.append(
                Diagnostic(
                    f"A move keeps what it moves: {move.from_} cannot move to {move.to}",
                    move.pos,
                )
            )
            continue
        if move.from_ == move.to:
            diags.append(Diagnostic(f"{move.from_} is moved to itself", move.pos))
            continue
        adds_key = move.to.startswith(move.from_ + "[") or move.from_.startswith(move.to + "[")
        if not adds_key and _declared(move.from_, declared):
            diags.append(
                Diagnostic(
                    f"{move.from_} is still declared: a moved block's from must name an "
                    "address the configuration no longer has",
                    move.pos,
                )
            )
            continue
        by_from[move.from_] = move
    resolved = []
    cycles: set[frozenset[str]] = set()
    for move in by_from.values():
        seen, dst = [move.from_], move.to
        while dst in by_from and dst not in seen:
            seen.append(dst)
            dst = by_from[dst].to
        if dst in seen:
            members = frozenset(seen[seen.index(dst) :])
            if members not in cycles:
                cycles.add(members)
                cycle = " -> ".join([*seen, dst])
                diags.append(Diagnostic(f"The moved blocks form a cycle: {cycle}", move.pos))
            continue
        if not _declared(dst, declared):
            diags.append(
                Diagnostic(
                    f"{dst} is not declared: a moved block's to must name an object or "
                    "module of the configuration",
                    move.pos,
                )
            )
            continue
        resolved.append(Moved(move.from_, dst, move.pos))
    seen_removed: dict[str, Removed] = {}
    for removal in removed:
        if removal.from_ in seen_removed:
            earlier = seen_removed[removal.from_]
            diags.append(
                Diagnostic(
                    f"Two removed blocks for {removal.from_}: the first is at "
                    f"{_near(earlier.pos, removal.pos)}",
                    removal.pos,
                )
            )
        elif _declared(removal.from_, declared):
            diags.append(
                Diagnostic(
                    f"{removal.from_} is still declared: remove its block, or the removed block",
                    removal.pos,
                )
            )
        elif removal.from_ in by_from:
            diags.append(Diagnostic(f"{removal.from_} is both moved and removed", removal.pos))
        seen_removed.setdefault(removal.from_, removal)
    return resolved, diags
