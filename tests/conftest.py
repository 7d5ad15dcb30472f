from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout; a git worktree nested deeper finds it further up.
SHARED = next(
    (d / "shared" for d in ROOT.parents if (d / "shared" / "corpus").is_dir()),
    ROOT.parent / "shared",
)
CORPUS = SHARED / "corpus" / "argo"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """Argo's own examples, CRDs and schema; tests that need them skip when absent."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/argo is absent")
    return CORPUS


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
