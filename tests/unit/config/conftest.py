from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gp.config import load_module
from gp.config.evaluator import Evaluator
from gp.config.functions import build_functions
from gp.config.instance import OnlyNames
from gp.config.model import Module
from gp.config.parse import parse_expression


@pytest.fixture
def ev(tmp_path: Path) -> Callable[..., Any]:
    """Evaluate one expression with the full function table and optional bindings."""

    def run(src: str, **bindings: Any) -> Any:
        expr = parse_expression(src, "expr.hcl")
        evaluator = Evaluator(
            "expr.hcl", OnlyNames({}, "tests"), build_functions(tmp_path), bindings
        )
        return evaluator.eval(expr)

    return run


@pytest.fixture
def load(tmp_path: Path) -> Callable[..., Module]:
    """Write files (name -> text) under tmp_path/root and load the module."""

    def run(files: dict[str, str], **kwargs: Any) -> Module:
        root = tmp_path / "root"
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        kwargs.setdefault("env", {})
        return load_module(root, **kwargs)

    return run
