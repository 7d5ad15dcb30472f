"""State shared by every module instance during one load: memo, cycle guard, diagnostics."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gp.config import ast
from gp.config.decls import Declarations, gather
from gp.config.evaluator import Evaluator, Frame
from gp.config.memo import BlockMemo
from gp.config.model import ObjectDecl, ProviderConfig
from gp.config.parse import ParseHook, parse_files
from gp.config.reads import Reads
from gp.errors import ConfigError, Diagnostic, DiagnosticsError, SourcePos
from gp.redact import mask_text

CompileObject = Callable[[ObjectDecl, ProviderConfig, str], dict]
MODULE_GLOB = "*.gp.hcl"


class Poisoned(ConfigError):
    """A value whose own error was already reported; depending on it adds no new diagnostic."""


@dataclass
class Result:
    value: Any
    frame: Frame


FAILED = object()


@dataclass
class LoadSession:
    root_dir: Path
    cache_dir: Path | None = None
    on_parse: ParseHook | None = None
    compile_object: CompileObject | None = None
    diags: list[Diagnostic] = field(default_factory=list)
    in_progress: list[str] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)
    sensitive_values: set[str] = field(default_factory=set)
    provider: ProviderConfig | None = None
    stack: str = ""
    _decls: dict[Path, Declarations | None] = field(default_factory=dict)
    # Everything read from disk, so that a cached outcome of this load can be checked.
    reads: Reads = field(default_factory=Reads)
    # Object blocks evaluated by an earlier load, still good while what they read is the same.
    blocks: BlockMemo | None = None
    # Child modules must stay inside it (None: the root module is in no git work tree).
    repository: Path | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.repository = repository_root(self.root_dir, self.reads)

    def declarations(
        self, module_dir: Path, call: SourcePos | None = None, caller: str = ""
    ) -> Declarations | None:
        """Parse and gather one module directory once; None when a file cannot be read or parsed.

        ``call`` is where a child module is called (its ``source``) and ``caller`` names the
        call: errors about the folder's files are reported there.
        """
        key = module_dir.resolve()
        if key not in self._decls:
            paths = module_files(module_dir, self.reads)
            unreadable = [p for p in paths if not self.reads.is_file(p)]
            if unreadable:
                for p in unreadable:
                    problem = (
                        f"{os.path.relpath(p)} is a symbolic link that cannot be followed "
                        f"({_link_problem(p)})"
                    )
                    self.diags.append(
                        Diagnostic(f"{caller}: {problem}" if caller else problem, call)
                    )
                self._decls[key] = None
                return None
            try:
                files = parse_files(paths, self.cache_dir, on_parse=self.on_parse, reads=self.reads)
            except DiagnosticsError as e:
                self.diags.extend(e.diagnostics)
                self._decls[key] = None
                return None
            self._decls[key] = gather(module_dir, files, self.diags)
        return self._decls[key]

    def release(self) -> None:
        """Let go of what the load worked with (its values, trees and module instances refer to
        one another, so they wait for the collector's rarest pass unless emptied here)."""
        self.memo.clear()
        self._decls.clear()

    def report(self, error: ConfigError) -> None:
        if not isinstance(error, Poisoned):
            self.diags.extend(error.diagnostics)

    def lazy(self, key: str, compute: Callable[[], Result], ev: Evaluator | None, node: Any) -> Any:
        """The memoised value of ``key``, computed on first use; detects reference cycles."""
        result = self.memo.get(key)
        if result is None:
            if key in self.in_progress:
                chain = self.in_progress[self.in_progress.index(key) :] + [key]
                where = ev.error("", node).pos if ev is not None else None
                raise ConfigError("Cycle: " + " -> ".join(chain), where)
            self.in_progress.append(key)
            try:
                result = compute()
            except ConfigError as e:
                self.report(e)
                result = FAILED
            finally:
                self.in_progress.pop()
            self.memo[key] = result
        if result is FAILED:
            raise Poisoned(f"{key} has errors")
        if ev is not None:
            ev.frame.merge(result.frame)
        return result.value

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Report a ConfigError raised inside and carry on with the next item."""
        try:
            yield
        except ConfigError as e:
            self.report(e)

    def mask(self, message: str) -> str:
        """The last line of defence for a message that quotes a sensitive value: the places
        that raise errors already leave marked values out."""
        return mask_text(message, self.sensitive_values)

    def errors(self) -> list[Diagnostic]:
        """Every error so far, once each, with sensitive values masked."""
        found = [d for d in self.diags if d.severity == "error"]
        return [Diagnostic(self.mask(d.message), d.pos, d.severity) for d in dict.fromkeys(found)]

    def raise_if_errors(self) -> None:
        errors = self.errors()
        if errors:
            raise DiagnosticsError(errors)


def module_files(module_dir: Path, reads: Reads | None = None) -> list[Path]:
    """The module's ``*.gp.hcl`` entries that are not folders, in name order.

    A symbolic link that leads nowhere (or round in a loop) is kept, so that the caller can
    say so instead of leaving the file out.
    """
    if reads is None:
        return sorted(p for p in module_dir.glob(MODULE_GLOB) if not p.is_dir())
    return [p for p in reads.glob(module_dir, MODULE_GLOB) if not reads.is_dir(p)]


def _link_problem(path: Path) -> str:
    try:
        path.stat()
    except OSError as e:
        return "a loop of links" if e.errno == errno.ELOOP else "its target does not exist"
    return "not a regular file"


def repository_root(root_dir: Path, reads: Reads | None = None) -> Path | None:
    """The work tree holding the root module: the nearest folder with ``.git``, if any. Each
    folder asked is recorded in ``reads``: a `git init` later moves the boundary."""
    reads = reads if reads is not None else Reads()
    start = reads.resolve(root_dir)
    for folder in (start, *start.parents):
        if reads.exists(folder / ".git"):
            return folder
    return None


def at(file: str, node: Any) -> SourcePos:
    line, col = ast.pos_of(node)
    return SourcePos(file, line, col)
