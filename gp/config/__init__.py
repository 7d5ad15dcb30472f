"""config: HCL files -> evaluated module (pure; reads only the module's own files).

Public API: ``load_module`` (a directory -> ``model.Module``) and ``parse_files`` (files ->
``ast.FileAST``, cached), both in ``gp.config.loader``. They are imported on first use, so that
``gp.config.model`` (plain dataclasses) costs no parser import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_module", "parse_files"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from gp.config import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'gp.config' has no attribute {name!r}")
