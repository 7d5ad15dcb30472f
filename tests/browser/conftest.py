"""Browser tests: gp ui served by uvicorn on loopback, driven in Debian's headless Chromium by
Playwright (never a downloaded browser). Screenshots of each page go where GP_SCREENSHOTS says (docs/ui retakes README's)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_helpers import ARGS, CHROMIUM, REPO, Served

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Per module, not per session: Playwright's sync API holds an event loop on the main thread
# while it is open, and the engine tier's browser test starts one of its own later.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def serve():
    started: list[Served] = []

    def start(root: Path, plan_file: Path | None = None, token: bool = False) -> Served:
        started.append(Served(root, plan_file, token))
        return started[-1]

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def page(browser):
    """A page that records console errors and failed requests; the test asserts none."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 860}, timezone_id="Europe/Paris"
    )
    pg = context.new_page()
    pg.problems = []
    pg.on(
        "console",
        lambda m: (
            pg.problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url}"))
    yield pg
    context.close()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    for name in ("examples", "modules"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("deploy"))
    return root
