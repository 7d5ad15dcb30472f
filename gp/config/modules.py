"""``count``/``for_each`` expansion and child module instantiation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gp.config import ast
from gp.config.decls import attr_map
from gp.config.evaluator import Evaluator, Frame
from gp.config.marks import has_marks, is_marked
from gp.config.session import MODULE_GLOB, Poisoned, Result, at, module_files
from gp.config.types import TypeConvError, to_number, type_name
from gp.errors import ConfigError

if TYPE_CHECKING:
    from gp.config.instance import ModuleInstance


@dataclass(frozen=True)
class Expansion:
    """How a block expands: ``mode`` is "single", "count" or "for_each"."""

    mode: str
    keys: tuple[Any, ...]  # ints for count, strings for for_each
    bindings: tuple[dict[str, Any], ...]
    frame: Frame

    def suffix(self, i: int) -> str:
        if self.mode == "single":
            return ""
        key = self.keys[i]
        return f"[{key}]" if self.mode == "count" else f"[{json.dumps(key, ensure_ascii=False)}]"


def expand(
    inst: ModuleInstance, attrs: dict[str, ast.Attribute], file: str, what: str
) -> Expansion:
    if "count" in attrs and "for_each" in attrs:
        raise ConfigError(
            f"{what} sets both count and for_each; use one", at(file, attrs["for_each"])
        )
    ev = inst.evaluator(file)
    if "count" in attrs:
        node = attrs["count"].expr
        value = ev.eval(node)
        if has_marks(value):
            raise ev.error(
                "Invalid count: a sensitive value cannot be used, because the number of "
                "objects would tell it",
                node,
            )
        try:
            n = to_number(value)
        except TypeConvError:
            raise ev.error(
                f"Invalid count: a number is required, not a {type_name(value)}", node
            ) from None
        if not float(n).is_integer() or n < 0:
            raise ev.error("Invalid count: a whole number of zero or more is required", node)
        keys = tuple(range(int(n)))
        return Expansion("count", keys, tuple({"count": {"index": k}} for k in keys), ev.frame)
    if "for_each" in attrs:
        node = attrs["for_each"].expr
        value = ev.eval(node)
        # The keys become addresses, shown everywhere; a map's values may stay sensitive.
        if is_marked(value) or (isinstance(value, list) and has_marks(value)):
            raise ev.error(
                "Invalid for_each: a sensitive value cannot be used, because it would "
                "show in addresses",
                node,
            )
        if isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items = [(v, v) for v in sorted(set(value))]
        else:
            raise ev.error(
                "Invalid for_each: a map, or a set of strings, is required, "
                f"not a {type_name(value)}"
                + (" of non-strings" if isinstance(value, list) else ""),
                node,
            )
        keys = tuple(k for k, _ in items)
        return Expansion(
            "for_each", keys, tuple({"each": {"key": k, "value": v}} for k, v in items), ev.frame
        )
    return Expansion("single", (None,), ({},), Frame())


def instantiate(parent: ModuleInstance, name: str, meta: tuple[str, ...]) -> Result:
    """The child instances of ``module "name"``: one instance, a list (count) or a dict (for_each)."""
    from gp.config.instance import ModuleInstance

    decl = parent.decls.modules[name]
    session = parent.session
    attrs = attr_map(decl.node.body, decl.file, session.diags)
    if decl.node.body.blocks:
        b = decl.node.body.blocks[0]
        raise ConfigError(f'Unexpected block "{b.type}" in module "{name}"', at(decl.file, b))
    child_dir = _source_dir(parent, name, attrs, decl)
    source_pos = at(decl.file, attrs["source"].expr)
    child_decls = session.declarations(child_dir, source_pos, f'Module "{name}"')
    if child_decls is None:
        if all(p.is_file() for p in module_files(child_dir)):
            raise ConfigError(f'Module "{name}" has syntax errors', decl.pos)
        raise Poisoned(f'Module "{name}" has unreadable files')  # already reported at the call
    for d in child_decls.providers:
        session.diags.append(
            ConfigError("A provider block is only allowed in the root module", d.pos).diagnostics[0]
        )
    inputs = {k: a for k, a in attrs.items() if k not in meta}
    for key, attr in inputs.items():
        if key not in child_decls.variables:
            from gp.suggest import did_you_mean

            session.diags.append(
                ConfigError(
                    f'Unsupported argument "{key}": module "{name}" declares no variable "{key}"'
                    + did_you_mean(key, list(child_decls.variables)),
                    at(decl.file, attr),
                ).diagnostics[0]
            )
    expansion = expand(parent, attrs, decl.file, f'module "{name}"')
    children = []
    for i, bindings in enumerate(expansion.bindings):
        prefix = f"{parent.prefix}module.{name}{expansion.suffix(i)}."
        fns = {
            k: _input_fn(parent, decl.file, a.expr, bindings)
            for k, a in inputs.items()
            if k in child_decls.variables
        }
        children.append(
            ModuleInstance(session, child_decls, prefix, fns, parent.chain + (child_dir.resolve(),))
        )
    if expansion.mode == "single":
        value: Any = children[0]
    elif expansion.mode == "count":
        value = children
    else:
        value = dict(zip(expansion.keys, children))
    return Result(value, expansion.frame)


def _source_dir(parent: ModuleInstance, name: str, attrs: dict[str, ast.Attribute], decl) -> Path:
    if "source" not in attrs:
        raise ConfigError(f'Module "{name}" has no source', decl.pos)
    node = attrs["source"].expr
    if not isinstance(node, ast.Literal) or not isinstance(node.value, str):
        raise ConfigError("A module source must be a literal string", at(decl.file, node))
    source = node.value
    if not source.startswith(("./", "../")):
        raise ConfigError(
            f'Module source "{source}" must be a local path starting with ./ or ../',
            at(decl.file, node),
        )
    child = parent.dir / source
    where = at(decl.file, node)
    reads = parent.session.reads
    if not reads.is_dir(child):
        raise ConfigError(f'Module source "{source}" is not a directory', where)
    repo = parent.session.repository
    if repo is not None and not reads.resolve(child).is_relative_to(repo):
        raise ConfigError(
            f'Module source "{source}" of module "{name}" leads outside the repository '
            f"({repo}) to {child.resolve()}",
            where,
        )
    if reads.resolve(child) in parent.chain:
        raise ConfigError(f'Module "{name}" includes itself (source "{source}")', where)
    if not module_files(child, reads):
        raise ConfigError(
            f'Module source "{source}" of module "{name}" holds no {MODULE_GLOB} files', where
        )
    return child


def _input_fn(parent: ModuleInstance, file: str, expr: ast.Expr, bindings: dict[str, Any]):
    def evaluate(literal: bool) -> tuple[Any, Frame, Any]:
        ev: Evaluator = parent.evaluator(file, dict(bindings))
        return ev.eval(expr), ev.frame, at(file, expr)

    return evaluate
