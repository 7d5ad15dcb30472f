"""An object block's ``lifecycle`` block: ``prevent_destroy`` and ``ignore_changes``."""

from __future__ import annotations

from gp.config import ast
from gp.config.decls import attr_map
from gp.config.evaluator import Evaluator
from gp.config.fieldpath import parse_path
from gp.config.marks import strip
from gp.config.model import Lifecycle
from gp.errors import Diagnostic, SourcePos
from gp.suggest import did_you_mean


def lifecycle_of(b: ast.BlockNode, ev: Evaluator, diags: list[Diagnostic]) -> Lifecycle:
    """An object block's ``lifecycle`` block, evaluated by ``ev``."""
    attrs = attr_map(b.body, ev.file, diags)
    prevent = False
    ignore: list[tuple[str, SourcePos]] = []
    for name, a in attrs.items():
        if name == "prevent_destroy":
            prevent = strip(ev.eval(a.expr))
            if not isinstance(prevent, bool):
                raise ev.error("prevent_destroy must be true or false", a.expr)
        elif name == "ignore_changes":
            ignore = _ignore_paths(a.expr, ev)
        else:
            raise ev.error(
                f'Unsupported argument "{name}" in lifecycle'
                + did_you_mean(name, ["prevent_destroy", "ignore_changes"]),
                a,
            )
    return Lifecycle(
        prevent_destroy=prevent,
        ignore_changes=tuple(p for p, _ in ignore),
        positions=tuple(pos for _, pos in ignore),
    )


def _ignore_paths(expr: ast.Expr, ev: Evaluator) -> list[tuple[str, SourcePos]]:
    """Paths as strings ("spec.suspend") or bare traversals (spec.templates[0].metadata),
    each with where it is written."""
    where = SourcePos(ev.file, *ast.pos_of(expr))
    if isinstance(expr, ast.Name) and expr.name == "all":
        return [("all", where)]
    if not isinstance(expr, ast.TupleExpr):
        value = strip(ev.eval(expr))
        if value == "all":
            return [("all", where)]
        raise ev.error('ignore_changes must be a list of paths, or "all"', expr)
    out = []
    for item in expr.items:
        path = traversal_text(item)
        if path is None:
            value = strip(ev.eval(item))
            if not isinstance(value, str) or not value:
                raise ev.error(
                    "Each ignore_changes entry must be a path such as spec.suspend", item
                )
            path = value
        try:
            parse_path(path)
        except ValueError as exc:
            raise ev.error(
                f"ignore_changes: {exc}; write a path such as "
                'spec.templates["main"].container.image',
                item,
            ) from None
        out.append((path, SourcePos(ev.file, *ast.pos_of(_first_part(item)))))
    return out


def _first_part(expr: ast.Expr) -> ast.Expr:
    """Where a traversal such as spec.templates[0].name starts (its own position is its end)."""
    while isinstance(expr, (ast.GetAttr, ast.Index)):
        expr = expr.obj
    return expr


def traversal_text(expr: ast.Expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.GetAttr):
        base = traversal_text(expr.obj)
        return None if base is None else f"{base}.{expr.name}"
    if isinstance(expr, ast.Index) and isinstance(expr.key, ast.Literal):
        base = traversal_text(expr.obj)
        key = expr.key.value
        if base is None:
            return None
        return f"{base}[{key}]" if isinstance(key, int) else f'{base}["{key}"]'
    return None
