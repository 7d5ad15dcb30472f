"""compile: evaluated module -> Argo manifests (pure).

Public API (imported lazily, so that `gp.config` may hand `compile_object` to its loader
without an import cycle):

- ``compile_module(module) -> list[CompiledObject]`` (raises DiagnosticsError with every problem)
- ``validate_module(module) -> list[Diagnostic]`` (everything `gp validate` checks)
- ``compile_object(decl, provider, stack) -> dict`` (one manifest: the loader's `.manifest`)
- ``gp.compile.emit``: ``text``, ``to_yaml``, ``to_json``, ``files``; ``gp.compile.schema``: Argo's vocabulary.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "compile_module": "gp.compile.module",
    "validate_module": "gp.compile.module",
    "compile_object": "gp.compile.compiler",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'gp.compile' has no attribute {name!r}")
