"""The Python API on the directory provider: copies of the examples, caches in tmp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from api_helpers import write_module
from fake_engine import MODULE, FakeEngine, install

import gp

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


@pytest.fixture
def stack(tmp_path: Path) -> gp.Stack:
    """A module whose template uses a sensitive variable (fake_engine.MODULE)."""
    return gp.Stack(write_module(tmp_path / "mod", MODULE))


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, stack: gp.Stack) -> FakeEngine:
    """An engine in memory behind the directory provider, serving ``stack``'s objects."""
    return install(monkeypatch, FakeEngine(stack.objects()))
