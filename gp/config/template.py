"""Template structure: strip markers, ``%{if}``/``%{for}`` nesting, and heredoc scanning.

Quoted strings arrive from lark as a flat list of pieces; heredocs arrive as one token whose
body this module scans for ``${...}`` and ``%{...}``. Both end up as the same flat list of
``Piece`` values, which ``assemble`` turns into nested ``ast.Part`` tuples.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gp.config import ast


class TemplateSyntaxError(Exception):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass
class Piece:
    """One flat template element. ``kind`` is lit, interp, if, else, endif, for or endfor."""

    kind: str
    text: str = ""
    expr: Any = None
    key_var: str | None = None
    value_var: str = ""
    strip_left: bool = False
    strip_right: bool = False
    line: int = 0
    col: int = 0


def assemble(pieces: list[Piece], line: int, col: int) -> ast.Expr:
    """Apply strip markers, nest directives, and return a Literal when nothing is dynamic."""
    _apply_strip_markers(pieces)
    pos = [0]
    parts = _nest(pieces, pos, None)
    if pos[0] != len(pieces):
        p = pieces[pos[0]]
        raise TemplateSyntaxError(f"Unexpected %{{{p.kind}}} directive", p.line, p.col)
    merged = _merge_literals(parts)
    if not merged:
        return ast.Literal("", line, col)
    if len(merged) == 1 and isinstance(merged[0], str):
        return ast.Literal(merged[0], line, col)
    return ast.Template(tuple(merged), line, col)


def _apply_strip_markers(pieces: list[Piece]) -> None:
    for i, p in enumerate(pieces):
        if p.kind == "lit":
            continue
        if p.strip_left and i > 0 and pieces[i - 1].kind == "lit":
            pieces[i - 1].text = pieces[i - 1].text.rstrip()
        if p.strip_right and i + 1 < len(pieces) and pieces[i + 1].kind == "lit":
            pieces[i + 1].text = pieces[i + 1].text.lstrip()


def _nest(pieces: list[Piece], pos: list[int], until: tuple[str, ...] | None) -> list[ast.Part]:
    out: list[ast.Part] = []
    while pos[0] < len(pieces):
        p = pieces[pos[0]]
        if until and p.kind in until:
            return out
        if p.kind in ("else", "endif", "endfor"):
            if until is None:
                raise TemplateSyntaxError(f"Unexpected %{{{p.kind}}} directive", p.line, p.col)
            raise TemplateSyntaxError(
                f"Unexpected %{{{p.kind}}}; expected %{{{until[-1]}}}", p.line, p.col
            )
        pos[0] += 1
        if p.kind == "lit":
            out.append(p.text)
        elif p.kind == "interp":
            out.append(ast.Interp(p.expr))
        elif p.kind == "if":
            out.append(_nest_if(p, pieces, pos))
        else:
            body = _nest(pieces, pos, ("endfor",))
            _expect(pieces, pos, "endfor", p)
            out.append(
                ast.ForDirective(p.key_var, p.value_var, p.expr, tuple(_merge_literals(body)))
            )
    if until:
        raise TemplateSyntaxError(f"Missing %{{{until[-1]}}} directive", 0, 0)
    return out


def _nest_if(p: Piece, pieces: list[Piece], pos: list[int]) -> ast.IfDirective:
    then = _nest(pieces, pos, ("else", "endif"))
    else_: list[ast.Part] = []
    if pos[0] < len(pieces) and pieces[pos[0]].kind == "else":
        pos[0] += 1
        else_ = _nest(pieces, pos, ("endif",))
    _expect(pieces, pos, "endif", p)
    return ast.IfDirective(p.expr, tuple(_merge_literals(then)), tuple(_merge_literals(else_)))


def _expect(pieces: list[Piece], pos: list[int], kind: str, opener: Piece) -> None:
    if pos[0] >= len(pieces) or pieces[pos[0]].kind != kind:
        raise TemplateSyntaxError(
            f"Missing %{{{kind}}} for this directive", opener.line, opener.col
        )
    pos[0] += 1


def _merge_literals(parts: list[ast.Part]) -> list[ast.Part]:
    out: list[ast.Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    return out


# --- heredocs -------------------------------------------------------------------------

_HEREDOC_HEAD = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_DIRECTIVE = re.compile(
    r"^\s*(?P<sl>~)?\s*(?P<kw>if|else|endif|for|endfor)\b(?P<rest>.*?)(?P<sr>~)?\s*$", re.S
)
_FOR_HEAD = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?\bin\b(.*)$", re.S)

ExprParser = Callable[[str, int, int], Any]  # (source, line, col) -> ast.Expr


def heredoc(token: str, line: int, col: int, parse_expr: ExprParser) -> ast.Expr:
    head = _HEREDOC_HEAD.match(token)
    assert head is not None  # the lexer only makes this token for a valid head
    indented = head.group(1) == "-"
    # Split on "\n" only: a form feed or U+2028 in a heredoc is text, not a line break.
    body_lines = re.findall(r"[^\n]*\n|[^\n]+$", token[head.end() :])[:-1]  # drop the end marker
    cut = 0
    if indented:
        body_lines, cut = _dedent(body_lines)
    body = "".join(body_lines)
    return assemble(scan(body, line + 1, 1 + cut, parse_expr, indent=cut), line, col)


def _dedent(lines: list[str]) -> tuple[list[str], int]:
    widths = [len(s) - len(s.lstrip(" \t")) for s in lines if s.strip()]
    cut = min(widths, default=0)
    return [s[cut:] if s.strip() else s.lstrip(" \t") for s in lines], cut


def scan(text: str, line: int, col: int, parse_expr: ExprParser, indent: int = 0) -> list[Piece]:
    """Split template text into pieces; ``line``/``col`` is where ``text`` starts.

    ``indent`` is how many columns a heredoc's dedent removed from each later line.
    """
    pieces: list[Piece] = []
    lit: list[str] = []
    i = 0
    while i < len(text):
        two = text[i : i + 2]
        if two in ("$$", "%%") and text[i + 2 : i + 3] == "{":
            lit.append(two[0] + "{")
            i += 3
            continue
        if two in ("${", "%{"):
            end = _closing_brace(text, i + 2)
            at_line, at_col = _advance(text, i, line, col, indent)
            if end < 0:
                raise TemplateSyntaxError("Unclosed template sequence", at_line, at_col)
            if lit:
                pieces.append(Piece("lit", "".join(lit)))
                lit = []
            inner = text[i + 2 : end]
            pieces.append(_piece(two, inner, at_line, at_col + 2, parse_expr))
            i = end + 1
            continue
        lit.append(text[i])
        i += 1
    if lit:
        pieces.append(Piece("lit", "".join(lit)))
    return pieces


def _piece(opener: str, inner: str, line: int, col: int, parse_expr: ExprParser) -> Piece:
    if opener == "${":
        sl = inner.lstrip().startswith("~")
        sr = inner.rstrip().endswith("~")
        body = inner.strip()
        body = body[1:] if sl else body
        body = body[:-1] if sr and body else body
        lead = len(inner) - len(inner.lstrip()) + (1 if sl else 0)
        return Piece(
            "interp",
            expr=parse_expr(body, line, col + lead),
            strip_left=sl,
            strip_right=sr,
            line=line,
            col=col,
        )
    m = _DIRECTIVE.match(inner)
    if not m:
        raise TemplateSyntaxError("Invalid template directive", line, col - 2)
    kw, rest = m.group("kw"), m.group("rest")
    piece = Piece(
        kw, strip_left=bool(m.group("sl")), strip_right=bool(m.group("sr")), line=line, col=col - 2
    )
    rest_col = col + m.start("rest")
    if kw == "if":
        piece.expr = parse_expr(rest.strip(), line, rest_col)
    elif kw == "for":
        f = _FOR_HEAD.match(rest)
        if not f:
            raise TemplateSyntaxError("Invalid %{for} directive", line, col - 2)
        first, second = f.group(1), f.group(2)
        piece.key_var, piece.value_var = (first, second) if second else (None, first)
        piece.expr = parse_expr(f.group(3).strip(), line, rest_col)
    elif rest.strip():
        raise TemplateSyntaxError(f"Unexpected text after %{{{kw}", line, col - 2)
    return piece


def _closing_brace(text: str, i: int) -> int:
    """Index of the ``}`` closing a sequence opened before ``i``, skipping strings and nesting."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = _skip_string(text, i + 1)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def _skip_string(text: str, i: int) -> int:
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if text.startswith("${", i) or text.startswith("%{", i):
            end = _closing_brace(text, i + 2)
            i = end + 1 if end >= 0 else len(text)
            continue
        i += 1
    return i


def _advance(text: str, upto: int, line: int, col: int, indent: int) -> tuple[int, int]:
    nl = text.count("\n", 0, upto)
    if nl == 0:
        return line, col + upto
    return line + nl, upto - text.rfind("\n", 0, upto) + indent
