"""What one compilation carries around: diagnostics found so far and where each value came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gp.errors import Diagnostic, SourcePos

# A path into a manifest, in Argo's names: ("spec", "templates", 2, "dag", "tasks", 0, "depends").
Path = tuple[Any, ...]


@dataclass
class Ctx:
    """Per-object compile state. Positions let later checks point at the attribute that made a value."""

    fallback: SourcePos | None = None
    diags: list[Diagnostic] = field(default_factory=list)
    positions: dict[Path, SourcePos] = field(default_factory=dict)

    def error(self, message: str, pos: SourcePos | None) -> None:
        self.diags.append(Diagnostic(message, pos or self.fallback))

    def warn(self, message: str, pos: SourcePos | None) -> None:
        """Something Argo accepts that will most likely not do what was meant."""
        self.diags.append(Diagnostic(message, pos or self.fallback, "warning"))

    def mark(self, path: Path, pos: SourcePos | None) -> None:
        if pos is not None and path not in self.positions:
            self.positions[path] = pos

    def pos_of(self, path: Path) -> SourcePos | None:
        """The position recorded for ``path`` or its nearest ancestor."""
        for i in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:i]))
            if pos is not None:
                return pos
        return self.fallback


def quote(name: str) -> str:
    return f'"{name}"'
