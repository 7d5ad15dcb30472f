"""HCL text -> ``ast.FileAST``: syntax errors with positions, an on-disk cache, parallel parsing.

Parsing with python-hcl2's lark grammar is the slow part of loading (seconds for thousands of
templates), so results are cached by content hash in a directory the caller chooses, and
several uncached files are parsed in a process pool. A cache entry that cannot be read, or
was written by another AST version, is ignored and rewritten, never reported.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import hcl2
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gp.blobs import BlobStore
from gp.config import ast
from gp.config.convert import Converter, ConvertError
from gp.config.nesting import MAX_NESTING, nested_too_deep
from gp.config.reads import Reads
from gp.config.syntax_scan import diagnose
from gp.errors import ConfigError, DiagnosticsError, SourcePos

ParseHook = Callable[[Path], None]
# Below this many bytes of uncached source, a pool costs more to start than it saves.
PARALLEL_MIN_BYTES = 64 * 1024
_CACHE_TAG = f"gp-ast-{ast.AST_VERSION}-hcl2-{hcl2.__version__}".encode()


def parse_text(text: str, path: str) -> ast.FileAST:
    """Parse one file's text; raises ConfigError (with file:line:col) on a syntax error."""
    tree = _lark_parse(text, path, 0, 0)
    conv = Converter(_snippet_parser(path))
    try:
        return ast.FileAST(path, conv.body(tree.children[0]))
    except ConvertError as e:
        raise ConfigError(e.message, SourcePos(path, e.line, e.col)) from None


def parse_expression(text: str, path: str, line: int = 1, col: int = 1) -> ast.Expr:
    """Parse a single expression (a ``--var`` value, a heredoc interpolation) at a position."""
    return _snippet_parser(path)(text, line, col)


def _snippet_parser(path: str) -> Callable[[str, int, int], ast.Expr]:
    def parse(source: str, line: int, col: int) -> ast.Expr:
        prefix = "x = ("
        if not source.strip():
            raise ConfigError("Expected an expression", SourcePos(path, line, col))
        tree = _lark_parse(
            f"{prefix}{source}\n)", path, line - 1, col - 1 - len(prefix), snippet=source
        )
        conv = Converter(parse, line - 1, col - 1 - len(prefix))
        try:
            body = conv.body(tree.children[0])
        except ConvertError as e:
            raise ConfigError(e.message, SourcePos(path, e.line, e.col)) from None
        if len(body.attrs) != 1 or body.blocks:
            raise ConfigError("Expected a single expression", SourcePos(path, line, col))
        expr = body.attrs[0].expr
        return expr.expr if isinstance(expr, ast.Paren) else expr

    return parse


def _lark_parse(text: str, path: str, line_off: int, col_off: int, snippet: str | None = None):
    """Parse ``text``, whose line 1 starts at column ``col_off + 1`` of line ``line_off + 1``.

    ``snippet`` is the expression that ``text`` wraps, when it wraps one (it starts
    ``len(text) - len(snippet) - 2`` characters into line 1).
    """
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as e:
        line, col = getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1
        where = (max(line + line_off, 1), max(col + (col_off if line == 1 else 0), 1))
        message = _syntax_message(e)
        # The parser names where it gave up; a lexical scan finds where the mistake starts.
        if snippet is None:
            found, found_col_off = diagnose(text), col_off
        else:
            found, found_col_off = (
                diagnose(snippet, expression=True),
                col_off + len(text) - len(snippet) - 2,
            )
        if found is not None:
            at = (found.line + line_off, found.col + (found_col_off if found.line == 1 else 0))
            if at <= where:
                where, message = at, found.message
        raise ConfigError(message, SourcePos(path, *where)) from None
    except (RecursionError, ValueError) as e:  # deeply nested or malformed input
        raise ConfigError(f"Cannot parse: {type(e).__name__}", SourcePos(path, 1, 1)) from None
    too_deep = nested_too_deep(tree)
    if too_deep is not None:
        line, col = too_deep
        if line == 1:
            col += col_off
        raise ConfigError(
            f"Nested too deeply: gp reads at most {MAX_NESTING} levels of brackets, calls, "
            "operators and blocks inside one another; move inner parts into locals",
            SourcePos(path, max(line + line_off, 1), max(col, 1)),
        )
    return tree


def _syntax_message(e: UnexpectedInput) -> str:
    if isinstance(e, UnexpectedCharacters):
        return f'Invalid character "{e.char}"'
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        return "Unexpected end of file"
    if isinstance(e, UnexpectedToken):
        # A token may be a whole heredoc or string: its first line says enough.
        tok = (str(e.token).strip().splitlines() or ["newline"])[0]
        tok = tok if len(tok) <= 40 else tok[:40] + "..."
        if e.token.type == "NL_OR_COMMENT" or tok.startswith(("#", "//", "/*")):
            tok = "newline"
        expected = sorted(e.expected) if e.expected else []
        hint = _expected_hint(expected)
        return f'Unexpected "{tok}"' + (f"; expected {hint}" if hint else "")
    return "Syntax error"


_FRIENDLY = {
    "RBRACE": '"}"',
    "RSQB": '"]"',
    "RPAR": '")"',
    "EQ": '"="',
    "COMMA": '","',
    "LBRACE": '"{"',
    "NL_OR_COMMENT": "a newline",
    "COLON": '":"',
    "DBLQUOTE": '"\\""',
}


def _expected_hint(expected: list[str]) -> str:
    known = [_FRIENDLY[t] for t in expected if t in _FRIENDLY]
    if len(known) == len(expected) and known:
        return " or ".join(known)
    return "an expression" if "NAME" in expected and "INT_LITERAL" in expected else ""


# --- cache and parallel parsing ---------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(_CACHE_TAG + b"\0" + data).hexdigest()


def _cache_read(cache_dir: Path | None, digest: str) -> ast.Body | None:
    if cache_dir is None:
        return None
    data = BlobStore(cache_dir).get(digest, ".pickle")
    if data is None:
        return None
    try:
        tag, body = pickle.loads(data)
    except Exception:  # missing, truncated, or from another version: parse again
        return None
    return body if tag == _CACHE_TAG and isinstance(body, ast.Body) else None


def _cache_write(cache_dir: Path | None, digest: str, body: ast.Body) -> None:
    if cache_dir is None:
        return
    data = pickle.dumps((_CACHE_TAG, body), protocol=pickle.HIGHEST_PROTOCOL)
    BlobStore(cache_dir).put(digest, ".pickle", data)


def _parse_job(job: tuple[str, str]) -> ast.FileAST | ConfigError:
    text, path = job
    try:
        return parse_text(text, path)
    except ConfigError as e:
        return e


def parse_files(
    paths: Iterable[Path],
    cache_dir: Path | None = None,
    *,
    on_parse: ParseHook | None = None,
    reads: Reads | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
) -> list[ast.FileAST]:
    """Parse files in the given order, from the cache when possible.

    ``on_parse`` is called with each path that is actually parsed (not served from cache).
    Raises DiagnosticsError listing every syntax error of every file.
    """
    paths = list(paths)
    results: list[ast.FileAST | ConfigError | None] = [None] * len(paths)
    todo: list[tuple[int, str, str]] = []
    for i, path in enumerate(paths):
        try:
            data = reads.read_bytes(path) if reads is not None else path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            results[i] = ConfigError(f"Cannot read file: {e}", SourcePos(str(path), 1, 1))
            continue
        digest = _digest(data)
        body = _cache_read(cache_dir, digest)
        if body is not None:
            results[i] = ast.FileAST(str(path), body)
        else:
            todo.append((i, text, digest))
    for i, _, _ in todo:
        if on_parse:
            on_parse(paths[i])
    jobs = [(text, str(paths[i])) for i, text, _ in todo]
    size = sum(len(text) for _, text, _ in todo)
    if len(jobs) > 1 and size >= parallel_min_bytes:
        with ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
            parsed = list(pool.map(_parse_job, jobs))
    else:
        parsed = [_parse_job(job) for job in jobs]
    for (i, _, digest), result in zip(todo, parsed):
        results[i] = result
        if isinstance(result, ast.FileAST):
            _cache_write(cache_dir, digest, result.body)
    errors = [r for r in results if isinstance(r, ConfigError)]
    if errors:
        raise DiagnosticsError([d for e in errors for d in e.diagnostics])
    return [r for r in results if isinstance(r, ast.FileAST)]
