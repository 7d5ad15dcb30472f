"""config: HCL files -> evaluated module (pure; reads only the module's own files).

Public API: ``load_module`` (a directory -> ``model.Module``) and ``parse_files`` (files ->
``ast.FileAST``, cached), both in ``gp.config.loader``.
"""

from gp.config.loader import load_module, parse_files

__all__ = ["load_module", "parse_files"]
