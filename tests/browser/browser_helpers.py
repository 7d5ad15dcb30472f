"""What the browser tests share with the engine tier's browser test (tests/integration/
test_engine_ui.py): how Chromium is started, a gp ui served in a thread, and screenshots."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

from gp import operations

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots are taken on every run (a page that cannot be drawn fails the test) and kept
# where GP_SCREENSHOTS says; GP_SCREENSHOTS=docs/ui retakes README's pictures. Without it they
# go to a temporary folder, so a test run leaves the checkout as it was.
SHOTS = Path(os.environ.get("GP_SCREENSHOTS") or tempfile.mkdtemp(prefix="gp-shots-"))
if not SHOTS.is_absolute():
    SHOTS = REPO / SHOTS


class Served:
    """``url``: where the UI is. The pages' tests serve it with --no-token; with ``token`` the
    access token is asked, and ``login_url`` (the address gp ui prints) carries it."""

    def __init__(self, root: Path, plan_file: Path | None = None, token: bool = False):
        import uvicorn

        from gp.ui.server import prepare

        self.serving = prepare(
            operations.Inputs(root_dir=root), "127.0.0.1", 0, plan_file, no_token=not token
        )
        self.login_url = self.serving.url
        self.url = self.serving.url.split("?", 1)[0].rstrip("/")
        config = uvicorn.Config(self.serving.app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.serving.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


def shoot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
