"""lark's parse tree (python-hcl2's grammar) -> gp's own AST, with positions, in one pass."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lark import Token, Tree

from gp.config import ast
from gp.config.template import Piece, TemplateSyntaxError, assemble, heredoc

_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}

_LITERALS = {"true": True, "false": False, "null": None}


class ConvertError(Exception):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def unescape(text: str, line: int = 0, col: int = 0) -> str:
    def repl(m: re.Match) -> str:
        esc = m.group(1)
        if esc[0] in "uU" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        if esc in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[esc]
        raise ConvertError(f'Invalid escape sequence "\\{esc}"', line, col)

    return _ESCAPE.sub(repl, text) if "\\" in text else text


def _expr_children(tree: Tree) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data in EXPR_RULES]


def _tokens(tree: Tree) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]


class Converter:
    """Converts one parse tree. ``reparse`` parses an expression snippet for heredocs."""

    def __init__(
        self, reparse: Callable[[str, int, int], ast.Expr], line_off: int = 0, col_off: int = 0
    ):
        self.reparse = reparse
        self.line_off, self.col_off = line_off, col_off

    def pos(self, node: Any) -> tuple[int, int]:
        if isinstance(node, Token):
            line, col = node.line or 1, node.column or 1
        else:
            meta = node.meta
            line, col = getattr(meta, "line", 1), getattr(meta, "column", 1)
        if line == 1:
            col += self.col_off
        return line + self.line_off, col

    # --- bodies -----------------------------------------------------------------------

    def body(self, tree: Tree) -> ast.Body:
        attrs, blocks = [], []
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "attribute":
                name_node = child.children[0]
                expr = _expr_children(child)[-1]
                attrs.append(ast.Attribute(self.name(name_node), self.expr(expr), *self.pos(child)))
            elif child.data == "block":
                blocks.append(self.block(child))
        return ast.Body(tuple(attrs), tuple(blocks))

    def block(self, tree: Tree) -> ast.BlockNode:
        children = [c for c in tree.children if isinstance(c, Tree)]
        body_tree = next(c for c in children if c.data == "body")
        heads = [c for c in children if c.data != "body" and c.data != "new_line_or_comment"]
        labels = []
        for head in heads[1:]:
            if head.data == "string":
                value = self.expr(head)
                if not isinstance(value, ast.Literal):
                    raise ConvertError("Block labels cannot contain templates", *self.pos(head))
                labels.append(value.value)
            else:
                labels.append(self.name(head))
        return ast.BlockNode(
            self.name(heads[0]), tuple(labels), self.body(body_tree), *self.pos(tree)
        )

    @staticmethod
    def name(tree: Tree) -> str:
        return str(tree.children[0])

    # --- expressions --------------------------------------------------------------------

    def expr(self, tree: Tree) -> ast.Expr:
        return _CONVERT[tree.data](self, tree)

    def from_expr_term(self, tree: Tree) -> ast.Expr:
        inner = _expr_children(tree)[0]
        if isinstance(tree.children[0], Token) and tree.children[0].type == "LPAR":
            return ast.Paren(self.expr(inner), *self.pos(tree))
        return self.expr(inner)

    def from_conditional(self, tree: Tree) -> ast.Expr:
        c, t, e = _expr_children(tree)
        return ast.Conditional(self.expr(c), self.expr(t), self.expr(e), *self.pos(tree))

    def from_binary_op(self, tree: Tree) -> ast.Expr:
        left, term = tree.children[0], tree.children[1]
        op_tree = term.children[0]
        op = str(op_tree.children[0]).strip(" \t\r\n")
        if "\n" in str(op_tree.children[0]) or op.startswith(("#", "/")):
            op = op.splitlines()[-1].strip()
        right = _expr_children(term)[0]
        return ast.Binary(op, self.expr(left), self.expr(right), *self.pos(op_tree.children[0]))

    def from_unary_op(self, tree: Tree) -> ast.Expr:
        op = str(tree.children[0])
        return ast.Unary(op, self.expr(_expr_children(tree)[0]), *self.pos(tree))

    def from_int_lit(self, tree: Tree) -> ast.Expr:
        return ast.Literal(int(str(tree.children[0])), *self.pos(tree))

    def from_float_lit(self, tree: Tree) -> ast.Expr:
        value = float(str(tree.children[0]))
        return ast.Literal(
            int(value) if value.is_integer() and abs(value) < 2**53 else value, *self.pos(tree)
        )

    def from_literal_value(self, tree: Tree) -> ast.Expr:
        return ast.Literal(_LITERALS[str(tree.children[0])], *self.pos(tree))

    def from_identifier(self, tree: Tree) -> ast.Expr:
        return ast.Name(str(tree.children[0]), *self.pos(tree))

    def from_template_string(self, tree: Tree) -> ast.Expr:
        raw = str(tree.children[0])[2:-2]  # \"...\" inside a directive of a quoted string
        line, col = self.pos(tree)
        return ast.Literal(unescape(raw, line, col), line, col)

    def from_string(self, tree: Tree) -> ast.Expr:
        line, col = self.pos(tree)
        pieces: list[Piece] = []
        for part in tree.children:
            if not isinstance(part, Tree):
                continue
            pieces.append(self._string_piece(part.children[0]))
        try:
            return assemble(pieces, line, col)
        except TemplateSyntaxError as e:
            raise ConvertError(e.message, e.line or line, e.col or col) from None

    def _string_piece(self, node: Any) -> Piece:
        if isinstance(node, Token):
            line, col = self.pos(node)
            if node.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                return Piece("lit", str(node)[1:])
            return Piece("lit", unescape(str(node), line, col))
        line, col = self.pos(node)
        toks = _tokens(node)
        kinds = [t.type for t in toks]
        kw_index = next(
            (i for i, t in enumerate(toks) if t.type in ("IF", "ELSE", "ENDIF", "FOR", "ENDFOR")),
            None,
        )
        if node.data == "interpolation":
            return Piece("interp", expr=self.expr(_expr_children(node)[0]), line=line, col=col)
        strip = [i for i, k in enumerate(kinds) if k == "STRIP_MARKER"]
        piece = Piece(
            str(toks[kw_index]),
            strip_left=any(i < kw_index for i in strip),
            strip_right=any(i > kw_index for i in strip),
            line=line,
            col=col,
        )
        exprs = _expr_children(node)
        if node.data == "template_if_start":
            piece.expr = self.expr(exprs[0])
        elif node.data == "template_for_start":
            names = [
                self.name(c)
                for c in node.children
                if isinstance(c, Tree) and c.data == "identifier" and c is not exprs[-1]
            ]
            piece.key_var, piece.value_var = (
                (names[0], names[1]) if len(names) == 2 else (None, names[0])
            )
            piece.expr = self.expr(exprs[-1])
        return piece

    def _heredoc(self, tree: Tree) -> ast.Expr:
        line, col = self.pos(tree)
        try:
            return heredoc(str(tree.children[0]), line, col, self.reparse)
        except TemplateSyntaxError as e:
            raise ConvertError(e.message, e.line or line, e.col or col) from None

    def from_tuple(self, tree: Tree) -> ast.Expr:
        return ast.TupleExpr(tuple(self.expr(c) for c in _expr_children(tree)), *self.pos(tree))

    def from_object(self, tree: Tree) -> ast.Expr:
        items = []
        for elem in tree.children:
            if not isinstance(elem, Tree) or elem.data != "object_elem":
                continue
            key_tree, value_tree = elem.children[0], _expr_children(elem)[-1]
            items.append((self._object_key(key_tree), self.expr(value_tree)))
        return ast.ObjectExpr(tuple(items), *self.pos(tree))

    def _object_key(self, key_tree: Tree) -> ast.Expr:
        inner = key_tree.children[0]
        if inner.data == "keyword":
            return ast.Literal(str(inner.children[0]), *self.pos(inner))
        key = self.expr(inner)
        # A bare identifier key is its own name (HCL: `{ a = 1 }` has key "a").
        if isinstance(key, ast.Name):
            return ast.Literal(key.name, key.line, key.col)
        if (
            isinstance(key, ast.Literal)
            and inner.data == "expr_term"
            and isinstance(inner.children[0], Tree)
            and inner.children[0].data == "literal_value"
        ):
            return ast.Literal(str(inner.children[0].children[0]), key.line, key.col)
        return key

    def from_function_call(self, tree: Tree) -> ast.Expr:
        names = [
            self.name(c) for c in tree.children if isinstance(c, Tree) and c.data == "identifier"
        ]
        args_tree = next(
            (c for c in tree.children if isinstance(c, Tree) and c.data == "arguments"), None
        )
        args: tuple[ast.Expr, ...] = ()
        expand = False
        if args_tree is not None:
            args = tuple(self.expr(c) for c in _expr_children(args_tree))
            expand = any(t.type == "ELLIPSIS" for t in _tokens(args_tree))
        return ast.Call("::".join(names), args, expand, *self.pos(tree))

    def from_index_expr_term(self, tree: Tree) -> ast.Expr:
        return self._apply(self.expr(tree.children[0]), tree.children[1])

    def from_get_attr_expr_term(self, tree: Tree) -> ast.Expr:
        return self._apply(self.expr(tree.children[0]), tree.children[1])

    def _apply(self, obj: ast.Expr, op: Tree) -> ast.Expr:
        line, col = self.pos(op)
        if op.data == "get_attr":
            return ast.GetAttr(obj, self.name(op.children[1]), line, col)
        if op.data == "short_index":
            return ast.Index(obj, ast.Literal(int(str(op.children[1])), line, col), line, col)
        return ast.Index(obj, self.expr(_expr_children(op)[0]), line, col)

    def _splat(self, tree: Tree, full: bool) -> ast.Expr:
        src = self.expr(tree.children[0])
        line, col = self.pos(tree.children[1])
        each: ast.Expr = ast.SplatItem(line, col)
        for op in tree.children[1].children:
            if isinstance(op, Tree):
                each = self._apply(each, op)
        return ast.Splat(src, each, full, line, col)

    def from_attr_splat_expr_term(self, tree: Tree) -> ast.Expr:
        return self._splat(tree, False)

    def from_full_splat_expr_term(self, tree: Tree) -> ast.Expr:
        return self._splat(tree, True)

    def _for(self, tree: Tree, is_object: bool) -> ast.Expr:
        intro = next(c for c in tree.children if isinstance(c, Tree) and c.data == "for_intro")
        names = [
            self.name(c) for c in intro.children if isinstance(c, Tree) and c.data == "identifier"
        ]
        coll = _expr_children(intro)[-1]
        key_var, value_var = (names[0], names[1]) if len(names) >= 2 else (None, names[0])
        exprs = _expr_children(tree)
        cond_tree = next(
            (c for c in tree.children if isinstance(c, Tree) and c.data == "for_cond"), None
        )
        cond = self.expr(_expr_children(cond_tree)[0]) if cond_tree is not None else None
        group = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in tree.children)
        key = self.expr(exprs[0]) if is_object else None
        value = self.expr(exprs[-1])
        return ast.ForExpr(
            key_var, value_var, self.expr(coll), key, value, cond, group, *self.pos(tree)
        )

    def from_for_tuple_expr(self, tree: Tree) -> ast.Expr:
        return self._for(tree, False)

    def from_for_object_expr(self, tree: Tree) -> ast.Expr:
        return self._for(tree, True)


# Each expression rule of the grammar and what converts it.
_CONVERT: dict[str, Callable[[Converter, Tree], ast.Expr]] = {
    "attr_splat_expr_term": Converter.from_attr_splat_expr_term,
    "binary_op": Converter.from_binary_op,
    "conditional": Converter.from_conditional,
    "expr_term": Converter.from_expr_term,
    "float_lit": Converter.from_float_lit,
    "for_object_expr": Converter.from_for_object_expr,
    "for_tuple_expr": Converter.from_for_tuple_expr,
    "full_splat_expr_term": Converter.from_full_splat_expr_term,
    "function_call": Converter.from_function_call,
    "get_attr_expr_term": Converter.from_get_attr_expr_term,
    "heredoc_template": Converter._heredoc,
    "heredoc_template_trim": Converter._heredoc,
    "identifier": Converter.from_identifier,
    "index_expr_term": Converter.from_index_expr_term,
    "int_lit": Converter.from_int_lit,
    "literal_value": Converter.from_literal_value,
    "object": Converter.from_object,
    "string": Converter.from_string,
    "template_string": Converter.from_template_string,
    "tuple": Converter.from_tuple,
    "unary_op": Converter.from_unary_op,
}
EXPR_RULES = frozenset(_CONVERT)
