"""Helpers for the CLI tests: a command's outcome, small modules, file edits, YAML reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def __str__(self) -> str:  # shown by pytest when an assertion on a run fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


GP = Callable[..., Run]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


HEADER = """\
gp {
  stack = "errs"
}

provider "directory" {
  path      = "deploy"
  namespace = "pipeline"
}
"""

TEMPLATE = """
workflow_template "t" {
  step "a" {
    container {
      image = "busybox"
    }
  }
}
"""


def module(tmp_path: Path, body: str, name: str = "mod") -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "main.gp.hcl").write_text(HEADER + body)
    return root
