"""The UI's HTTP tests: Starlette's test client on copies of the examples (directory provider).
Their helpers are in ui_helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GP_DEBUG", "KUBECONFIG", "TF_VAR_tile"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("deploy"))
    return root
