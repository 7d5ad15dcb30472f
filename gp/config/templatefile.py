"""``templatefile(path, vars)``: a file read as a template, evaluated with only ``vars`` in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gp.config import ast
from gp.config.calls import FuncError
from gp.config.evaluator import Evaluator
from gp.config.parse import parse_expression
from gp.config.template import TemplateSyntaxError, assemble, scan
from gp.errors import ConfigError
from gp.suggest import did_you_mean


class _VarsOnly:
    """Resolves nothing: a template file sees only the variables passed to templatefile."""

    def __init__(self, names: list[str]):
        self.names = names

    def lookup(self, root: str, steps: list[str], node: ast.Name, ev: Evaluator) -> tuple[Any, int]:
        raise ev.error(
            f'Unknown variable "{root}" in template; only the variables passed to '
            "templatefile are available" + did_you_mean(root, self.names),
            node,
        )


def render_template(
    text: str, path: str, variables: dict[str, Any], functions: dict[str, Callable[..., Any]]
) -> str:
    def parse(source: str, line: int, col: int) -> ast.Expr:
        return parse_expression(source, path, line, col)

    try:
        node = assemble(scan(text, 1, 1, parse), 1, 1)
    except TemplateSyntaxError as e:
        raise FuncError(f"{path}:{e.line}:{e.col}: {e.message}") from None
    except ConfigError as e:
        raise FuncError(str(e)) from None
    table = {k: v for k, v in functions.items() if k != "templatefile"}
    ev = Evaluator(path, _VarsOnly(list(variables)), table, dict(variables))
    try:
        value = ev.eval(node)
    except ConfigError as e:
        raise FuncError(f"{e.pos}: {e.message}" if e.pos else e.message) from None
    return value if isinstance(value, str) else str(value)
