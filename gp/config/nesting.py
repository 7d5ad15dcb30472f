"""A bound on how deeply a file nests expressions and blocks.

Every later stage (the AST converter, the evaluator, the parse cache, the compiler, the YAML
and JSON writers) walks values recursively, so input nested past Python's recursion limit
would fail somewhere deep inside gp. It is refused here, once, where it is written.
"""

from __future__ import annotations

from lark import Token, Tree

MAX_NESTING = 100
# The syntax that opens one more level: a bracketed term or call, an operator, a block.
_LEVELS = frozenset(
    {
        "expr_term",
        "binary_op",
        "unary_op",
        "conditional",
        "block",
        "for_tuple_expr",
        "for_object_expr",
    }
)


def nested_too_deep(tree: Tree) -> tuple[int, int] | None:
    """(line, column) of the first node past MAX_NESTING levels, or None. Iterative: the point
    is not to recurse."""
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _LEVELS:
            depth += 1
            if depth > MAX_NESTING:
                return _position(node)
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))
    return None


def _position(node: Tree) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return meta.line, meta.column
    stack = [node]
    while stack:  # the first token under the node
        current = stack.pop()
        for child in current.children:
            if isinstance(child, Token) and child.line is not None:
                return child.line, child.column
        stack.extend(reversed([c for c in current.children if isinstance(c, Tree)]))
    return 1, 1
