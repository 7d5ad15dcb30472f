"""The declarations of one module directory, gathered from its files before evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gp.config import ast
from gp.config.model import OBJECT_KINDS
from gp.errors import Diagnostic, SourcePos
from gp.suggest import did_you_mean

TOP_LEVEL = (
    "gp",
    "provider",
    "environment",
    "variable",
    "locals",
    "output",
    "module",
    "moved",
    "removed",
) + OBJECT_KINDS
PROVIDER_KINDS = ("kubernetes", "directory")
_LABELS = {
    "gp": 0,
    "provider": 1,
    "environment": 1,
    "moved": 0,
    "removed": 0,
    "variable": 1,
    "locals": 0,
    "output": 1,
    "module": 1,
    **dict.fromkeys(OBJECT_KINDS, 1),
}


@dataclass(frozen=True)
class Decl:
    """A declaration and the file it is in (positions in the AST have no file name)."""

    file: str
    node: ast.BlockNode | ast.Attribute

    @property
    def pos(self) -> SourcePos:
        return SourcePos(self.file, self.node.line, self.node.col)


@dataclass
class Declarations:
    dir: Path
    variables: dict[str, Decl] = field(default_factory=dict)
    locals: dict[str, Decl] = field(default_factory=dict)
    outputs: dict[str, Decl] = field(default_factory=dict)
    modules: dict[str, Decl] = field(default_factory=dict)
    objects: dict[tuple[str, str], Decl] = field(default_factory=dict)
    providers: list[Decl] = field(default_factory=list)
    gp_blocks: list[Decl] = field(default_factory=list)
    environments: dict[str, Decl] = field(default_factory=dict)
    moved: list[Decl] = field(default_factory=list)
    removed: list[Decl] = field(default_factory=list)
    # Module calls and object blocks in source order, so the evaluated module keeps it.
    order: list[tuple[str, str]] = field(default_factory=list)


def gather(module_dir: Path, files: list[ast.FileAST], diags: list[Diagnostic]) -> Declarations:
    decls = Declarations(module_dir)
    for f in files:
        for attr in f.body.attrs:
            diags.append(
                Diagnostic(
                    f'Unexpected attribute "{attr.name}" at the top level; '
                    "attributes belong inside a block",
                    SourcePos(f.path, attr.line, attr.col),
                )
            )
        for block in f.body.blocks:
            _gather_block(decls, Decl(f.path, block), diags)
    return decls


def gather_tests(
    module_dir: Path, files: list[ast.FileAST], diags: list[Diagnostic]
) -> tuple[Declarations, list[Decl]]:
    """A test file's declarations: its variables and locals, as in a module, and its tests."""
    decls, tests = Declarations(module_dir), []
    for f in files:
        for attr in f.body.attrs:
            diags.append(
                Diagnostic(
                    f'Unexpected attribute "{attr.name}" at the top level; '
                    "attributes belong inside a block",
                    SourcePos(f.path, attr.line, attr.col),
                )
            )
        for block in f.body.blocks:
            d = Decl(f.path, block)
            if block.type in ("variable", "locals"):
                _gather_block(decls, d, diags)
            elif block.type != "test":
                diags.append(
                    Diagnostic(
                        f'Unsupported block type "{block.type}" in a test file; expected '
                        "variable, locals or test",
                        d.pos,
                    )
                )
            elif len(block.labels) != 1:
                diags.append(
                    Diagnostic(f'A "test" block takes one label, got {len(block.labels)}', d.pos)
                )
            else:
                tests.append(d)
    return decls, tests


def _gather_block(decls: Declarations, d: Decl, diags: list[Diagnostic]) -> None:
    block = d.node
    assert isinstance(block, ast.BlockNode)
    if block.type not in TOP_LEVEL:
        diags.append(
            Diagnostic(
                f'Unsupported block type "{block.type}"'
                + did_you_mean(block.type, list(TOP_LEVEL)),
                d.pos,
            )
        )
        return
    want = _LABELS[block.type]
    if len(block.labels) != want:
        noun = "no labels" if want == 0 else "one label"
        diags.append(
            Diagnostic(f'A "{block.type}" block takes {noun}, got {len(block.labels)}', d.pos)
        )
        return
    if block.type == "locals":
        for attr in block.body.attrs:
            _add(decls.locals, attr.name, Decl(d.file, attr), "local value", diags)
        for inner in block.body.blocks:
            diags.append(
                Diagnostic(
                    f'Unexpected block "{inner.type}" in locals',
                    SourcePos(d.file, inner.line, inner.col),
                )
            )
    elif block.type == "gp":
        decls.gp_blocks.append(d)
    elif block.type == "environment":
        _add(decls.environments, block.labels[0], d, "environment", diags)
    elif block.type == "moved":
        decls.moved.append(d)
    elif block.type == "removed":
        decls.removed.append(d)
    elif block.type == "provider":
        if block.labels[0] not in PROVIDER_KINDS:
            diags.append(
                Diagnostic(
                    f'Unknown provider "{block.labels[0]}"; expected "kubernetes" or "directory"',
                    d.pos,
                )
            )
        else:
            decls.providers.append(d)
    elif block.type == "variable":
        _add(decls.variables, block.labels[0], d, "variable", diags)
    elif block.type == "output":
        _add(decls.outputs, block.labels[0], d, "output", diags)
    elif block.type == "module":
        if _add(decls.modules, block.labels[0], d, "module", diags):
            decls.order.append(("module", block.labels[0]))
    elif _add(decls.objects, (block.type, block.labels[0]), d, block.type, diags):
        decls.order.append((block.type, block.labels[0]))


def _add(table: dict, key, d: Decl, noun: str, diags: list[Diagnostic]) -> bool:
    if key in table:
        name = key[1] if isinstance(key, tuple) else key
        diags.append(
            Diagnostic(f'Duplicate {noun} "{name}"; first declared at {table[key].pos}', d.pos)
        )
        return False
    table[key] = d
    return True


def attr_map(body: ast.Body, file: str, diags: list[Diagnostic]) -> dict[str, ast.Attribute]:
    """A body's attributes by name, reporting any that is set twice."""
    out: dict[str, ast.Attribute] = {}
    for attr in body.attrs:
        if attr.name in out:
            first = out[attr.name]
            diags.append(
                Diagnostic(
                    f'Attribute "{attr.name}" is set twice; first at line {first.line}',
                    SourcePos(file, attr.line, attr.col),
                )
            )
            continue
        out[attr.name] = attr
    return out


def check_allowed(
    attrs: dict[str, ast.Attribute],
    allowed: tuple[str, ...],
    where: str,
    file: str,
    diags: list[Diagnostic],
) -> None:
    for name, attr in attrs.items():
        if name not in allowed:
            diags.append(
                Diagnostic(
                    f'Unsupported argument "{name}" in {where}' + did_you_mean(name, list(allowed)),
                    SourcePos(file, attr.line, attr.col),
                )
            )
