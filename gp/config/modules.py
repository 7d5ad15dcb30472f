"""Child modules: a ``module`` block's source checked and its instances made.

The instances are made by the constructor the parent passes in, so this file needs only the
parent's shape (``Parent``) and not the class itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from gp.config import ast
from gp.config.decls import Declarations, attr_map
from gp.config.evaluator import Evaluator, Frame
from gp.config.expansion import expand
from gp.config.session import MODULE_GLOB, LoadSession, Poisoned, Result, at, module_files
from gp.errors import ConfigError
from gp.suggest import did_you_mean


class Parent(Protocol):
    """What making a child needs of the instance that declares it."""

    session: LoadSession
    decls: Declarations
    dir: Path
    prefix: str
    chain: tuple[Path, ...]

    def evaluator(
        self, file: str, bindings: dict[str, Any] | None = None, frame: Frame | None = None
    ) -> Evaluator: ...


# (session, declarations, prefix, inputs, chain) -> the child instance
MakeChild = Callable[[LoadSession, Declarations, str, dict[str, Any], tuple[Path, ...]], Any]


def instantiate(parent: Parent, name: str, meta: tuple[str, ...], make: MakeChild) -> Result:
    """The child instances of ``module "name"``: one instance, a list (count) or a dict
    (for_each), each made by ``make``."""
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
    for d in child_decls.environments.values():
        session.diags.append(
            ConfigError(
                "An environment block is only allowed in the root module", d.pos
            ).diagnostics[0]
        )
    inputs = {k: a for k, a in attrs.items() if k not in meta}
    for key, attr in inputs.items():
        if key not in child_decls.variables:
            session.diags.append(
                ConfigError(
                    f'Unsupported argument "{key}": module "{name}" declares no variable "{key}"'
                    + did_you_mean(key, list(child_decls.variables)),
                    at(decl.file, attr),
                ).diagnostics[0]
            )
    expansion = expand(parent.evaluator(decl.file), attrs, decl.file, f'module "{name}"')
    children = []
    for i, bindings in enumerate(expansion.bindings):
        prefix = f"{parent.prefix}module.{name}{expansion.suffix(i)}."
        fns = {
            k: _input_fn(parent, decl.file, a.expr, bindings)
            for k, a in inputs.items()
            if k in child_decls.variables
        }
        children.append(
            make(session, child_decls, prefix, fns, (*parent.chain, child_dir.resolve()))
        )
    if expansion.mode == "single":
        value: Any = children[0]
    elif expansion.mode == "count":
        value = children
    else:
        value = dict(zip(expansion.keys, children))
    return Result(value, expansion.frame)


def _source_dir(parent: Parent, name: str, attrs: dict[str, ast.Attribute], decl) -> Path:
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


def _input_fn(parent: Parent, file: str, expr: ast.Expr, bindings: dict[str, Any]):
    def evaluate(literal: bool) -> tuple[Any, Frame, Any]:
        ev: Evaluator = parent.evaluator(file, dict(bindings))
        return ev.eval(expr), ev.frame, at(file, expr)

    return evaluate
