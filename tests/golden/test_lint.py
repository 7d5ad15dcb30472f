"""Lint cases: pipelines Argo's validator refuses (and tricky ones it accepts), one module each.

Each `lint/<case>/` holds `*.gp.hcl` and:

- `expect.txt`: every diagnostic of `gp validate`, `file:line:col: severity: message`, or `ok`;
- `argo.yaml`: the objects gp compiles from the case, even when validation fails, so that
  `argo lint --offline lint/<case>/argo.yaml` can be run on the same input. Argo should refuse a
  case exactly when its expect.txt has an `error` line (a `warning` is something Argo accepts).

`GP_UPDATE_GOLDEN=1` rewrites both files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gp.compile.compiler import compile_object
from gp.compile.emit import to_yaml
from gp.compile.module import compile_all
from gp.config import load_module

CASES = Path(__file__).parent / "lint"
UPDATE = os.environ.get("GP_UPDATE_GOLDEN") == "1"


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir() and any(p.glob("*.gp.hcl")))


def run_case(case: Path) -> tuple[str, str]:
    module = load_module(case, compile_object=compile_object, env={})
    results, diags = compile_all(module)
    lines = []
    for d in diags:
        assert d.pos is not None, d.message
        rel = Path(d.pos.file).resolve().relative_to(case.resolve()).as_posix()
        lines.append(f"{rel}:{d.pos.line}:{d.pos.col}: {d.severity}: {d.message}")
    expect = "\n".join(lines) + "\n" if lines else "ok\n"
    return expect, to_yaml(r.to_object() for r in results)


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: p.name)
def test_lint_case(case: Path) -> None:
    expect, manifests = run_case(case)
    if UPDATE:
        (case / "expect.txt").write_text(expect, encoding="utf-8")
        (case / "argo.yaml").write_text(manifests, encoding="utf-8")
        return
    assert expect == (case / "expect.txt").read_text(encoding="utf-8")
    assert manifests == (case / "argo.yaml").read_text(encoding="utf-8")


def test_cases_cover_both_verdicts() -> None:
    """The set holds pipelines Argo refuses and pipelines it accepts that look suspicious."""
    verdicts = {c.name: (c / "expect.txt").read_text(encoding="utf-8") for c in case_dirs()}
    assert any(": error: " in v for v in verdicts.values())
    assert any(v == "ok\n" for v in verdicts.values())
