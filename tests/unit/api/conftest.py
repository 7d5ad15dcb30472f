"""The Python API on the directory provider: copies of the examples, caches in tmp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GP_DEBUG", "NO_COLOR", "FORCE_COLOR", "KUBECONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """examples/ and modules/ side by side, as examples reference ../../modules/..."""
    root = tmp_path / "repo"
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, root / name)
    return root


def write_module(folder: Path, body: str, stack: str = "api", deploy: str = "deploy") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.gp.hcl").write_text(
        f'gp {{\n  stack = "{stack}"\n}}\n\nprovider "directory" {{\n  path      = "{deploy}"\n'
        f'  namespace = "pipeline"\n}}\n\n{body}')
    return folder


TEMPLATE = """
variable "image" {
  type    = string
  default = "busybox:1.36"
}

variable "retries" {
  type    = number
  default = 1
}

workflow_template "hello" {
  step "say" {
    retry_strategy { limit = var.retries }
    container {
      image   = var.image
      command = ["echo", "hi"]
    }
  }
  step "done" {
    depends = "say"
    container {
      image   = "busybox:1.36"
      command = ["echo", "done"]
    }
  }
}
"""
