"""Canonical formatting of ``*.gp.hcl`` files (``gp fmt``), in the style of ``terraform fmt``.

python-hcl2's ``BaseFormatter``/``reconstruct`` are made for trees built by ``from_dict``: run on
a *parsed* tree they lose indentation, move inline comments onto their own lines and add blank
lines (checked with 8.1.4). So, like ``terraform fmt`` (hclwrite), this formatter works on
lines instead: python-hcl2's own lexer finds brackets, heredocs, comments and ``=`` signs, and
only indentation, the spaces around an attribute's ``=`` (aligned across consecutive
attributes) and trailing whitespace are rewritten. Heredoc bodies, block comments and strings
are never touched, and the result is re-parsed and compared with the original so a rewrite can
never change what the file means.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import hcl2
from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gp.errors import ConfigError, SourcePos

INDENT = "  "
FILE_SUFFIX = ".gp.hcl"
TEST_SUFFIX = ".gptest.hcl"  # `gp test`'s files, beside the module and in its tests/ folder

_OPENERS = {"LBRACE", "LSQB", "LPAR", "INTERP_START", "DIRECTIVE_START"}
_CLOSERS = {"RBRACE", "RSQB", "RPAR"}
_NL = "NL_OR_COMMENT"


@dataclass(frozen=True)
class _Line:
    """What the lexer says about one source line."""

    verbatim: bool  # inside a heredoc, block comment or multi-line string: never rewritten
    net_brackets: int  # opening minus closing brackets that start on this line
    eq_col: int | None  # 0-based column of an attribute's `=` that leads the line, if any


def format_source(text: str, filename: str) -> str:
    """Return ``text`` in canonical style; raise ConfigError on a syntax error."""
    tokens = _tokens(text, filename)
    lines = text.split("\n")
    info = _line_info(lines, tokens)
    out = _reindent(lines, info)
    _align_equals(out, info)
    result = "\n".join(
        line if i in info and info[i].verbatim else line.rstrip() for i, line in enumerate(out)
    )
    result = result.rstrip("\n") + "\n" if result.strip() else ""
    _check_same_meaning(text, result, filename)
    return result


def unified_diff(before: str, after: str, filename: str) -> str:
    """A ``diff -u`` of a file before and after formatting (empty when unchanged)."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"old/{filename}",
            tofile=f"new/{filename}",
        )
    )


def find_files(root: Path, recursive: bool) -> list[Path]:
    """The files ``gp fmt`` looks at: ``root`` itself if it is a file, else its ``*.gp.hcl``
    and its tests (``*.gptest.hcl`` beside them and in ``tests/``)."""
    if root.is_file():
        return [root]
    candidates: list[Path] = []
    for suffix in (FILE_SUFFIX, TEST_SUFFIX):
        if recursive:
            candidates += root.rglob(f"*{suffix}")
        else:
            candidates += root.glob(f"*{suffix}")
    if not recursive:
        candidates += (root / "tests").glob(f"*{TEST_SUFFIX}")
    # Hidden directories (.git, .terraform-like caches) are never the user's modules.
    return sorted(
        p
        for p in candidates
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts[:-1])
    )


def _tokens(text: str, filename: str) -> list[Token]:
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, filename) from exc
    return list(tree.scan_values(lambda v: isinstance(v, Token)))


def _syntax_error(exc: UnexpectedInput, text: str, filename: str) -> ConfigError:
    line, col = getattr(exc, "line", None), getattr(exc, "column", None)
    if isinstance(exc, UnexpectedEOF) or not isinstance(line, int) or line < 1:
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
    if isinstance(exc, UnexpectedCharacters):
        message = f"invalid character {exc.char!r}"
    elif isinstance(exc, UnexpectedToken):
        got = (
            "end of file"
            if exc.token.type == "$END"
            else repr(str(exc.token).strip() or exc.token.type)
        )
        message = f"unexpected {got}"
    else:
        message = "unexpected end of file"
    return ConfigError(f"syntax error: {message}", SourcePos(filename, line, col))


def _line_info(lines: list[str], tokens: list[Token]) -> dict[int, _Line]:
    """Per 0-based line index: verbatim flag, net brackets and the leading attribute's `=`."""
    verbatim: set[int] = set()
    net: dict[int, int] = {}
    first_tokens: dict[int, list[Token]] = {}
    for tok in tokens:
        start, end = tok.line - 1, tok.end_line - 1
        if tok.type == _NL:
            if tok.value.lstrip().startswith("/*"):
                verbatim.update(range(start + 1, end + 1))
            continue
        # A token that ends with its newline (heredocs) does not own the line it ends on.
        last = end - 1 if tok.value.endswith("\n") else end
        verbatim.update(range(start + 1, last + 1))
        if tok.type in _OPENERS:
            net[start] = net.get(start, 0) + 1
        elif tok.type in _CLOSERS:
            net[start] = net.get(start, 0) - 1
        first_tokens.setdefault(start, []).append(tok)
    info = {}
    for i in range(len(lines)):
        info[i] = _Line(i in verbatim, net.get(i, 0), _leading_eq(first_tokens.get(i, [])))
    return info


def _leading_eq(line_tokens: list[Token]) -> int | None:
    """The column of `=` when the line is `key = value` (an attribute or object element)."""
    for tok in line_tokens:
        if tok.type == "EQ":
            return tok.column - 1 + len(tok.value) - 1
        if (
            tok.type in _OPENERS
            or tok.type in _CLOSERS
            or tok.type not in {"NAME", "DBLQUOTE", "STRING_CHARS"}
        ):
            return None
    return None


def _reindent(lines: list[str], info: dict[int, _Line]) -> list[str]:
    """Indent each line by the brackets still open, the way hclwrite does."""
    out: list[str] = []
    open_levels: list[int] = []  # each entry: brackets opened by one line
    for i, line in enumerate(lines):
        if info[i].verbatim:
            out.append(line)
            continue
        stripped = line.strip()
        net = info[i].net_brackets
        if net < 0:
            _close(open_levels, -net)
        out.append(INDENT * len(open_levels) + stripped if stripped else "")
        if net > 0:
            open_levels.append(net)
    return out


def _close(open_levels: list[int], closed: int) -> None:
    while closed > 0 and open_levels:
        if closed >= open_levels[-1]:
            closed -= open_levels.pop()
        else:
            open_levels[-1] -= closed
            closed = 0


def _align_equals(out: list[str], info: dict[int, _Line]) -> None:
    """Align `=` across runs of consecutive `key = value` lines at the same indentation."""
    group: list[tuple[int, str, str]] = []
    for i, line in enumerate(out + [""]):
        split = _split_attr(line, info.get(i))
        if split and (not group or _indent(out[group[-1][0]]) == _indent(line)):
            group.append((i, *split))
            continue
        _flush(out, group)
        group = [(i, *split)] if split else []


def _split_attr(line: str, line_info: _Line | None) -> tuple[str, str] | None:
    if line_info is None or line_info.verbatim or line_info.eq_col is None:
        return None
    # Re-indentation shifted the line, so find the `=` again after the key.
    key_end = _key_end(line)
    if key_end is None:
        return None
    key, rest = line[:key_end].rstrip(), line[key_end + 1 :].strip()
    return key, rest


def _key_end(line: str) -> int | None:
    """Index of the `=` after a bare or quoted key at the start of ``line``."""
    i = len(line) - len(line.lstrip())
    if i < len(line) and line[i] == '"':
        i += 1
        while i < len(line) and line[i] != '"':
            i += 2 if line[i] == "\\" else 1
        i += 1
    while i < len(line) and line[i] != "=":
        i += 1
    return i if i < len(line) else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _flush(out: list[str], group: list[tuple[int, str, str]]) -> None:
    if not group:
        return
    width = max(len(key) for _, key, _ in group)
    for i, key, rest in group:
        out[i] = f"{key.ljust(width)} = {rest}".rstrip()


def _check_same_meaning(before: str, after: str, filename: str) -> None:
    """Refuse a rewrite that python-hcl2 reads differently from the original."""
    if before == after:
        return
    try:
        same = hcl2.loads(before) == hcl2.loads(after)
    except UnexpectedInput:
        same = False
    if not same:
        raise ConfigError(
            "gp fmt cannot format this file without changing its meaning; it was left as is",
            SourcePos(filename, 1, 1),
        )
