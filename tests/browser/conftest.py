"""Browser tests: gp ui served by uvicorn on loopback, driven in Debian's headless Chromium by
Playwright (never a downloaded browser). Screenshots of each page go to docs/ui/."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from gp import operations

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "docs" / "ui"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Served:
    def __init__(self, root: Path, plan_file: Path | None = None):
        import uvicorn

        from gp.ui.server import prepare

        self.serving = prepare(operations.Inputs(root_dir=root), "127.0.0.1", 0, plan_file)
        self.url = self.serving.url.rstrip("/")
        config = uvicorn.Config(self.serving.app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.serving.sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def serve():
    started: list[Served] = []

    def start(root: Path, plan_file: Path | None = None) -> Served:
        started.append(Served(root, plan_file))
        return started[-1]

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def page(browser):
    """A page that records console errors and failed requests; the test asserts none."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, timezone_id="Europe/Paris")
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
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


def shoot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
