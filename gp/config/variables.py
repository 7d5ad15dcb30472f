"""Where root variable values come from, in precedence order, and how a value is finalised.

Sources, last wins: ``GP_VAR_<name>`` environment variables < ``gp.vars.hcl`` in the root
module < ``*.auto.vars.hcl`` (lexical order) < the chosen environment block's ``variables`` <
``--var-file`` and ``--var`` in command-line order. Environment and ``--var`` values are raw strings: taken literally when the variable's
type is ``string`` or unset, otherwise parsed as an HCL expression (as Terraform does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gp.config import ast
from gp.config.parse import parse_expression, parse_files
from gp.config.reads import Reads
from gp.errors import ConfigError, Diagnostic, SourcePos

ENV_PREFIX = "GP_VAR_"
VARS_FILE = "gp.vars.hcl"
AUTO_VARS_GLOB = "*.auto.vars.hcl"

# One command-line item: ("file", "path/to/vars.hcl") or ("var", "name=value").
VarArg = tuple[Literal["file", "var"], str]


@dataclass(frozen=True)
class RawValue:
    """A value given for a root variable, before type conversion."""

    source: str  # "env", "file" or "cli": where to point errors
    expr: ast.Expr | None = None  # from a variables file
    text: str | None = None  # from the environment or --var: parsed once the type is known
    pos: SourcePos | None = None

    def expression(self, literal: bool) -> ast.Expr:
        if self.expr is not None:
            return self.expr
        assert self.text is not None
        if literal:
            return ast.Literal(self.text, 1, 1)
        where = "<environment>" if self.source == "env" else "<command line>"
        return parse_expression(self.text, where, 1, 1)


def order_args(
    var_files: Iterable[Path], vars: Iterable[tuple[str, str]], var_order: Sequence[VarArg] | None
) -> list[VarArg]:
    """The command-line items in order: ``var_order`` when given, else files then vars."""
    if var_order is not None:
        return list(var_order)
    return [("file", str(p)) for p in var_files] + [("var", f"{k}={v}") for k, v in vars]


def collect(
    root_dir: Path,
    args: Sequence[VarArg],
    env: Mapping[str, str],
    diags: list[Diagnostic],
    on_parse=None,
    reads: Reads | None = None,
    environment: Mapping[str, RawValue] | None = None,
) -> dict[str, RawValue]:
    """Every value given, the last source winning; ``environment`` is the chosen
    environment's ``variables``, a variables file read after the module's own."""
    reads = reads if reads is not None else Reads()
    values: dict[str, RawValue] = {}
    for key, text in sorted(env.items()):
        if key.startswith(ENV_PREFIX) and len(key) > len(ENV_PREFIX):
            values[key[len(ENV_PREFIX) :]] = RawValue("env", text=text)
    files = [root_dir / VARS_FILE] if reads.is_file(root_dir / VARS_FILE) else []
    files += reads.glob(root_dir, AUTO_VARS_GLOB)
    for path in files:
        _read_file(path, values, diags, on_parse, reads)
    values.update(environment or {})
    for kind, text in args:
        if kind == "file":
            path = Path(text)
            if not reads.is_file(path):
                diags.append(Diagnostic(f'Variables file "{text}" does not exist'))
                continue
            _read_file(path, values, diags, on_parse, reads)
        else:
            name, sep, value = text.partition("=")
            if not sep or not name.strip():
                diags.append(Diagnostic(f'Invalid --var "{text}": expected name=value'))
                continue
            values[name.strip()] = RawValue("cli", text=value)
    return values


def _read_file(
    path: Path,
    values: dict[str, RawValue],
    diags: list[Diagnostic],
    on_parse,
    reads: Reads,
) -> None:
    try:
        # Never through the parse cache: a variables file holds secrets, and its syntax tree
        # would stay on disk after the file is deleted. It is small; parsing it is cheap.
        (parsed,) = parse_files([path], None, on_parse=on_parse, reads=reads)
    except ConfigError as e:
        diags.extend(e.diagnostics)
        return
    for block in parsed.body.blocks:
        diags.append(
            Diagnostic(
                "Variables files hold only name = value lines",
                SourcePos(str(path), block.line, block.col),
            )
        )
    for attr in parsed.body.attrs:
        values[attr.name] = RawValue(
            "file", expr=attr.expr, pos=SourcePos(str(path), attr.line, attr.col)
        )
