"""Golden cases: each `cases/<name>/` holds `*.gp.hcl` and either `expected.yaml` (the compiled
objects, for a valid module) or `expected.txt` (every diagnostic, `file:line:col: message`, with
paths relative to the case directory). `GP_UPDATE_GOLDEN=1` rewrites the expectations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gp.config import load_module
from gp.errors import Diagnostic, GPError

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("GP_UPDATE_GOLDEN") == "1"


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir() and any(p.glob("*.gp.hcl")))


def render_case(case: Path) -> tuple[str, str]:
    """("expected.yaml", text) for a valid module, ("expected.txt", diagnostics) otherwise."""
    from gp.compile.compiler import compile_object
    from gp.compile.emit import to_yaml
    from gp.compile.module import compile_all

    try:
        module = load_module(case, compile_object=compile_object, env={})
    except GPError as err:
        return "expected.txt", _diagnostics(err.diagnostics, case)
    results, diags = compile_all(module)
    errors = [d for d in diags if d.severity == "error"]  # warnings do not stop a compile
    if errors:
        return "expected.txt", _diagnostics(errors, case)
    return "expected.yaml", to_yaml(r.to_object() for r in results)


def _diagnostics(diags: list[Diagnostic], case: Path) -> str:
    lines = []
    for d in diags:
        if d.pos is None:
            lines.append(d.message)
            continue
        path = Path(d.pos.file)
        try:
            rel = path.resolve().relative_to(case.resolve()).as_posix()
        except ValueError:
            rel = d.pos.file
        lines.append(f"{rel}:{d.pos.line}:{d.pos.col}: {d.message}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    name, actual = render_case(case)
    other = case / ("expected.txt" if name == "expected.yaml" else "expected.yaml")
    if UPDATE:
        other.unlink(missing_ok=True)
        (case / name).write_text(actual, encoding="utf-8")
        return
    assert not other.exists(), f"{case.name}: expected {other.name}, but the module gives {name}"
    expected = (case / name).read_text(encoding="utf-8")
    assert actual == expected
