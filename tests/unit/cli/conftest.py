"""Run gp's CLI in-process against copies of the examples, on the directory provider."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_helpers import GP, REPO, Run

from gp.cli.main import main


@pytest.fixture(autouse=True)
def quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No colour or debug settings leak in from the developer's shell; caches stay in tmp."""
    for name in ("GP_DEBUG", "NO_COLOR", "FORCE_COLOR", "KUBECONFIG", "TF_VAR_tile"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def gp(capsys: pytest.CaptureFixture[str]) -> GP:
    """gp(*argv) -> Run(code, out, err): one command, as a user would type it."""

    def run(*argv: str | Path) -> Run:
        capsys.readouterr()  # drop what earlier steps printed
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """examples/ and modules/ side by side, as examples reference ../../modules/..."""
    root = tmp_path / "repo"
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, root / name)
    return root
