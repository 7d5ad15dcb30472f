"""The UI's HTTP tests: Starlette's test client on copies of the examples (directory provider)."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pytest

from gp import operations
from gp.cli.main import main
from gp.ui import StackSource, make_app

REPO = Path(__file__).resolve().parents[3]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette would rather have httpx2; httpx works the same
    from starlette.testclient import TestClient


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


def client_for(root: Path, plan_file: Path | None = None, **kw) -> TestClient:
    source = StackSource(operations.Inputs(root_dir=root), plan_file)
    return TestClient(make_app(source, **kw))


def apply(root: Path) -> None:
    assert main(["apply", "-C", str(root), "--auto-approve"]) == 0


def csrf_of(page_html: str) -> str:
    return re.search(r'data-csrf="([^"]+)"', page_html).group(1)
