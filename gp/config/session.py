"""State shared by every module instance during one load: memo, cycle guard, diagnostics."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from gp.config import ast
from gp.config.decls import Declarations, gather
from gp.config.evaluator import Evaluator, Frame
from gp.config.marks import MASK, MIN_MASKED
from gp.config.model import ObjectDecl, ProviderConfig
from gp.config.parse import ParseHook, parse_files
from gp.errors import ConfigError, Diagnostic, DiagnosticsError, SourcePos

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
class Session:
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

    def declarations(self, module_dir: Path) -> Declarations | None:
        """Parse and gather one module directory once; None when it has syntax errors."""
        key = module_dir.resolve()
        if key not in self._decls:
            paths = sorted(p for p in module_dir.glob(MODULE_GLOB) if p.is_file())
            try:
                files = parse_files(paths, self.cache_dir, on_parse=self.on_parse)
            except DiagnosticsError as e:
                self.diags.extend(e.diagnostics)
                self._decls[key] = None
                return None
            self._decls[key] = gather(module_dir, files, self.diags)
        return self._decls[key]

    def report(self, error: ConfigError) -> None:
        if not isinstance(error, Poisoned):
            self.diags.extend(error.diagnostics)

    def lazy(self, key: str, compute: Callable[[], Result], ev: Evaluator | None, node: Any) -> Any:
        """The memoised value of ``key``, computed on first use; detects reference cycles."""
        result = self.memo.get(key)
        if result is None:
            if key in self.in_progress:
                chain = self.in_progress[self.in_progress.index(key):] + [key]
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
        for secret in sorted(self.sensitive_values, key=len, reverse=True):
            if len(secret) >= MIN_MASKED and secret in message:
                message = message.replace(secret, MASK)
        return message

    def errors(self) -> list[Diagnostic]:
        """Every error so far, once each, with sensitive values masked."""
        found = [d for d in self.diags if d.severity == "error"]
        return [Diagnostic(self.mask(d.message), d.pos, d.severity) for d in dict.fromkeys(found)]

    def raise_if_errors(self) -> None:
        errors = self.errors()
        if errors:
            raise DiagnosticsError(errors)


def at(file: str, node: Any) -> SourcePos:
    line, col = ast.pos_of(node)
    return SourcePos(file, line, col)
