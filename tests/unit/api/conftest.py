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
