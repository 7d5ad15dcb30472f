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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gp.blobs import BlobStore
from gp.config import ast, chunks, sourced
from gp.config.convert import Converter, ConvertError
from gp.config.nesting import MAX_NESTING, nested_too_deep
from gp.config.reads import Reads
from gp.config.syntax_scan import diagnose
from gp.errors import ConfigError, DiagnosticsError, SourcePos

ParseHook = Callable[[Path], None]
# Below this many bytes of uncached source, a pool costs more to start than it saves.
PARALLEL_MIN_BYTES = 64 * 1024
_CACHE_TAG = f"gp-ast-{ast.AST_VERSION}-items-2-hcl2-{hcl2.__version__}".encode()


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
#
# A file's entry (by the digest of its bytes) is its index: the digest of each top-level item
# (``gp.config.chunks``) with the heads of its blocks. Each item's tree has an entry of its own,
# by its text and first line, read only when a block's body is asked for (``gp.config.sourced``).


def _digest(data: bytes) -> str:
    return hashlib.sha256(_CACHE_TAG + b"\0" + data).hexdigest()


def _cache_read(cache_dir: Path | None, digest: str, kind: type) -> Any:
    if cache_dir is None:
        return None
    data = BlobStore(cache_dir).get(digest, ".pickle")
    if data is None:
        return None
    try:
        tag, value = pickle.loads(data)
    except Exception:  # missing, truncated, or from another version: parse again
        return None
    return value if tag == _CACHE_TAG and isinstance(value, kind) else None


def _cache_write(cache_dir: Path | None, digest: str, value: object) -> None:
    if cache_dir is None:
        return
    data = pickle.dumps((_CACHE_TAG, value), protocol=pickle.HIGHEST_PROTOCOL)
    BlobStore(cache_dir).put(digest, ".pickle", data)


@dataclass(frozen=True)
class _Index:
    items: tuple[sourced.Item, ...]


@dataclass(frozen=True)
class _Tree:
    """An item's entry: the heads of its blocks (None when it holds attributes) and its tree,
    pickled apart so that a block never evaluated is never unpickled."""

    heads: tuple[sourced.Head, ...] | None
    tree: bytes

    def body(self) -> ast.Body:
        body = pickle.loads(self.tree)
        if not isinstance(body, ast.Body):
            raise TypeError("not a parsed body")
        return body


def _tree(body: ast.Body) -> _Tree:
    heads = None if body.attrs else tuple(sourced.head_of(b) for b in body.blocks)
    return _Tree(heads, pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL))


def _parse_job(job: tuple[str, str, int]) -> ast.Body | ConfigError:
    """One item's tree (its text starts on line ``line``), or its file's syntax error."""
    text, path, line = job
    try:
        tree = _lark_parse(text, path, line - 1, 0)
        conv = Converter(_snippet_parser(path), line - 1, 0)
        try:
            return conv.body(tree.children[0])
        except ConvertError as e:
            raise ConfigError(e.message, SourcePos(path, e.line, e.col)) from None
    except ConfigError as e:
        return e


def _item_digest(line: int, text: str) -> str:
    return _digest(f"item\0{line}\0".encode() + text.encode("utf-8", "surrogatepass"))


def _reader(cache_dir: Path | None, item: sourced.Item, text: str, path: str):
    """An item's tree from its entry; parsed again when the entry went away meanwhile."""

    def read() -> ast.Body:
        entry = _cache_read(cache_dir, item.digest, _Tree)
        if entry is not None:
            try:
                return entry.body()
            except Exception:
                pass  # unreadable: parsed again below
        found = _parse_job((text[item.start : item.end], path, item.line))
        if isinstance(found, ConfigError):
            raise found
        _cache_write(cache_dir, item.digest, _tree(found))
        return found

    return read


def _body(cache_dir: Path | None, item: sourced.Item, text: str, path: str) -> ast.Body | None:
    """The item's blocks, their trees unread; an item of attributes read now (None if gone)."""
    if item.heads is not None:
        return sourced.lazy(item, _reader(cache_dir, item, text, path))
    entry = _cache_read(cache_dir, item.digest, _Tree)
    try:
        return entry.body() if entry is not None else None
    except Exception:
        return None


def _body_of(
    item: sourced.Item, entry: _Tree, text: str, path: str, cache_dir: Path | None
) -> ast.Body:
    """A cached item of a file that changed elsewhere: its blocks unread, as from an index."""
    if item.heads is None:
        return entry.body()

    def read() -> ast.Body:
        try:
            return entry.body()
        except Exception:
            return _reader(cache_dir, item, text, path)()

    return sourced.lazy(item, read)


def _split(text: str) -> list[tuple[int, int, int]]:
    """(first line, start, end) of each top-level item; the whole text when it is not cut."""
    parts = chunks.split(text)
    if parts is None:
        return [(1, 0, len(text))]
    out, at = [], 0
    for line, part in parts:
        out.append((line, at, at + len(part)))
        at += len(part)
    return out


def parse_files(
    paths: Iterable[Path],
    cache_dir: Path | None = None,
    *,
    on_parse: ParseHook | None = None,
    reads: Reads | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
) -> list[ast.FileAST]:
    """Parse files in the given order, from the cache when possible.

    ``on_parse`` is called with each path of which something is actually parsed (not served
    from cache). Raises DiagnosticsError listing every syntax error of every file.
    """
    paths = list(paths)
    results: list[ast.FileAST | ConfigError | None] = [None] * len(paths)
    # Per file to parse: its index, text, digest and items [line, start, end, digest, body].
    todo: list[tuple[int, str, str, list[list[Any]]]] = []
    for i, path in enumerate(paths):
        try:
            data = reads.read_bytes(path) if reads is not None else path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            results[i] = ConfigError(f"Cannot read file: {e}", SourcePos(str(path), 1, 1))
            continue
        digest = _digest(data)
        index = _cache_read(cache_dir, digest, _Index)
        if index is not None:
            kept = [_body(cache_dir, item, text, str(path)) for item in index.items]
            bodies = [b for b in kept if b is not None]
            if len(bodies) == len(kept):
                results[i] = ast.FileAST(str(path), sourced.joined(bodies))
                continue
        found = []
        for line, start, end in _split(text):
            item_digest = _item_digest(line, text[start:end])
            entry = _cache_read(cache_dir, item_digest, _Tree)
            found.append([line, start, end, item_digest, entry])
        todo.append((i, text, digest, found))
    jobs = [
        (text[start:end], str(paths[i]), line)
        for i, text, _, found in todo
        for line, start, end, _, entry in found
        if entry is None
    ]
    for i, _, _, found in todo:
        if on_parse and any(entry[4] is None for entry in found):
            on_parse(paths[i])
    size = sum(len(text) for text, _, _ in jobs)
    if len(jobs) > 1 and size >= parallel_min_bytes:
        workers = min(len(jobs), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            chunk = max(1, len(jobs) // (4 * workers))
            parsed = iter(list(pool.map(_parse_job, jobs, chunksize=chunk)))
    else:
        parsed = iter([_parse_job(job) for job in jobs])
    for i, text, digest, found in todo:
        answers = {k: next(parsed) for k, entry in enumerate(found) if entry[4] is None}
        if len(found) > 1 and any(isinstance(b, ConfigError) for b in answers.values()):
            # Parsed whole, the file says where its syntax error is, as the parser reads it
            # (and a file the cut misread still parses).
            found = [[1, 0, len(text), _item_digest(1, text), None]]
            answers = {0: _parse_job((text, str(paths[i]), 1))}
        failed = [b for b in answers.values() if isinstance(b, ConfigError)]
        if failed:
            results[i] = failed[0]
            continue
        fresh = {k: b for k, b in answers.items() if isinstance(b, ast.Body)}
        items, bodies = [], []
        for k, (line, start, end, item_digest, entry) in enumerate(found):
            if k in fresh:
                entry = _tree(fresh[k])
                _cache_write(cache_dir, item_digest, entry)
            item = sourced.Item(line, start, end, item_digest, entry.heads)
            items.append(item)
            if k in fresh:
                bodies.append(sourced.sourced(item, fresh[k]))
            else:
                bodies.append(_body_of(item, entry, text, str(paths[i]), cache_dir))
        _cache_write(cache_dir, digest, _Index(tuple(items)))
        results[i] = ast.FileAST(str(paths[i]), sourced.joined(bodies))
    errors = [r for r in results if isinstance(r, ConfigError)]
    if errors:
        raise DiagnosticsError([d for e in errors for d in e.diagnostics])
    return [r for r in results if isinstance(r, ast.FileAST)]
