"""Object blocks evaluated once per change of what they read: the block memo's rules.

An object block's evaluation depends on its own text (and where it is), its instance's
``each``/``count`` values, and what it looks up while it is evaluated: variables, locals,
paths, other objects and module outputs (through the module instance's resolver), and files
read by ``file()``, ``templatefile()`` and ``fileexists()``. An evaluation that reported
nothing and holds no sensitive value is remembered with every lookup it made (in order, with a
digest of each value) and every file it read. The next load asks the same lookups again, in
the same order, and reads the same files: while every answer is the same, the remembered
``ObjectDecl`` is the evaluation's result, exactly. A lookup's answer can only change what
comes after it, so asking them in order never asks one the evaluation would not have made.

Where the entries are kept, and how a value is digested, is the memo's business
(``gp.cache.blocks``); a sensitive value has no digest, so an evaluation that met one is not
kept (the cache never holds a secret in plain text).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gp.config import ast
from gp.config.model import ObjectDecl
from gp.config.reads import Reads
from gp.errors import ConfigError

if TYPE_CHECKING:
    from gp.config.evaluator import Evaluator, Resolver


@dataclass(frozen=True)
class Lookup:
    """One reference resolved while a block was evaluated: ``var.x``, ``local.y``,
    ``workflow_template.a``, ... with where it is written (errors point there)."""

    root: str
    steps: tuple[str, ...]
    line: int
    col: int


@dataclass(frozen=True)
class Remembered:
    decl: ObjectDecl
    lookups: tuple[tuple[Lookup, str], ...]  # each with the digest of its value
    reads: Reads  # the files the block's functions read, folders listed and paths tested


class BlockMemo(Protocol):
    def key(self, parts: tuple[Any, ...]) -> str | None:
        """The entry's name for a block's own inputs; None when they cannot be kept."""

    def digest(self, value: Any) -> str | None:
        """A digest of a looked-up value; None when it cannot be kept (a sensitive value)."""

    def recall(self, key: str) -> Remembered | None: ...

    def keep(self, key: str, entry: Remembered) -> None: ...


class Recorder:
    """The module instance's resolver, noting each lookup a block's evaluation makes."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.seen: list[tuple[Lookup, Any]] = []
        # A lookup that failed, even one whose error was caught (can(), try(), an error already
        # reported elsewhere): the evaluation depends on a failure and is not kept.
        self.failed = False

    def lookup(self, root: str, steps: list[str], node: ast.Name, ev: Evaluator) -> tuple[Any, int]:
        try:
            value, used = self.resolver.lookup(root, steps, node, ev)
        except ConfigError:
            self.failed = True
            raise
        self.seen.append((Lookup(root, tuple(steps[:used]), *ast.pos_of(node)), value))
        return value, used


class Recall:
    """One object block's evaluation through the memo: ``decl`` when a remembered one still
    holds; else ``recording()`` around the evaluation and ``keep`` after it."""

    def __init__(
        self,
        memo: BlockMemo | None,
        key_parts: tuple[Any, ...],
        resolver: Resolver,
        reads: Reads,
    ) -> None:
        self.memo, self.resolver, self.reads = memo, resolver, reads
        self.key = memo.key(key_parts) if memo is not None else None
        self.recorder: Recorder | None = None
        self.tap: Reads | None = None

    def recalled(self, evaluator: Evaluator) -> ObjectDecl | None:
        """The remembered evaluation, when every lookup and read answers as it did."""
        if self.memo is None or self.key is None:
            return None
        entry = self.memo.recall(self.key)
        if entry is None:
            return None
        for lookup, digest in entry.lookups:
            node = ast.Name(lookup.root, lookup.line, lookup.col)
            try:
                value, used = self.resolver.lookup(lookup.root, list(lookup.steps), node, evaluator)
            except ConfigError:
                return None  # the evaluation reports it, in its own words
            if used != len(lookup.steps) or self.memo.digest(value) != digest:
                return None
        return entry.decl if _same_reads(entry.reads, self.reads) else None

    @contextmanager
    def recording(self) -> Iterator[Recorder | None]:
        if self.memo is None or self.key is None:
            yield None
            return
        self.recorder, self.tap = Recorder(self.resolver), Reads()
        self.reads.taps.append(self.tap)
        try:
            yield self.recorder
        finally:
            self.reads.taps.remove(self.tap)

    def keep(self, decl: ObjectDecl, reported: bool) -> None:
        """Remember ``decl`` unless its evaluation reported something or met a secret."""
        if self.memo is None or self.key is None or self.recorder is None or reported:
            return
        if self.recorder.failed:
            return
        if any(a.marks for a in _attrs(decl)):
            return
        lookups = []
        for lookup, value in self.recorder.seen:
            digest = self.memo.digest(value)
            if digest is None:
                return
            lookups.append((lookup, digest))
        assert self.tap is not None
        self.memo.keep(self.key, Remembered(decl, tuple(lookups), self.tap))


def _attrs(decl: ObjectDecl) -> Iterator[Any]:
    stack = [decl.body]
    while stack:
        block = stack.pop()
        yield from block.attrs.values()
        stack.extend(block.blocks)


def _same_reads(then: Reads, now: Reads) -> bool:
    """Whether the files, folders and paths ``then`` recorded answer the same, asked through
    ``now`` (the load's own record, so that a cached outcome of the load checks them too)."""
    for (test, path), answer in then.tests.items():
        if now.answer(test, Path(path)) != answer:
            return False
    for (folder, pattern), names in then.listings.items():
        if tuple(p.name for p in now.glob(Path(folder), pattern)) != names:
            return False
    for path, known in then.files.items():
        try:
            digest = now.digest_of(Path(path))
        except OSError:
            digest = None
        if digest != known:
            return False
    return True
