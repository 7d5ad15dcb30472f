"""What the UI's HTTP tests share: a test client over a module, an apply, the CSRF token."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from gp import operations
from gp.cli.main import main
from gp.ui import StackSource, make_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette would rather have httpx2; httpx works the same
    from starlette.testclient import TestClient


def client_for(root: Path, plan_file: Path | None = None, **kw) -> TestClient:
    source = StackSource(operations.Inputs(root_dir=root), plan_file)
    return TestClient(make_app(source, **kw))


def apply(root: Path) -> None:
    assert main(["apply", "-C", str(root), "--auto-approve"]) == 0


def csrf_of(page_html: str) -> str:
    return re.search(r'data-csrf="([^"]+)"', page_html).group(1)
