"""gp ui on the dev cluster with Argo's engine: every run route through the test client, and
in headless Chromium a run started from the form turning Succeeded without a reload."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import pytest

from gp import operations
from gp.ui import StackSource, make_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = [pytest.mark.integration, pytest.mark.engine]

FLOW = """
workflow_template "flow" {
  arguments = {
    parameters = [{ name = "tile" }, { name = "mode", value = "fast", enum = ["fast", "full"] }]
  }
  step "extract" {
    container {
      image   = "alpine:3.20"
      command = ["echo", "{{workflow.parameters.tile}}"]
    }
  }
  step "load" {
    depends = "extract"
    container {
      image   = "alpine:3.20"
      command = ["echo", "{{workflow.parameters.mode}}"]
    }
  }
}
cron_workflow "nightly" {
  schedule          = "0 2 * * *"
  timezone          = "Europe/Paris"
  workflow_template = workflow_template.flow
  arguments         = { tile = "T11UNQ" }
}
"""
ADDR = "workflow_template.flow"


@pytest.fixture
def applied(engine, module, gp) -> Path:
    root = module(FLOW, stack="uiruns")
    code, _out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    return root


def _client(root: Path) -> TestClient:
    return TestClient(make_app(StackSource(operations.Inputs(root_dir=root)), poll=0.2))


def _csrf(client: TestClient) -> str:
    return re.search(r'data-csrf="([^"]+)"', client.get("/").text).group(1)


def _until_done(client: TestClient, url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(url).text
        phase = re.search(r'id="run-phase" class="phase (\w+)"', page).group(1)
        if phase in ("Succeeded", "Failed", "Error"):
            return phase
        time.sleep(1)
    raise AssertionError(f"{url} did not finish in {timeout}s")


def test_run_routes_on_the_engine(applied):
    client = _client(applied)
    csrf = _csrf(client)
    form = client.get(f"/pipelines/{ADDR}").text
    assert '<select id="p-mode" name="p:mode">' in form and 'name="p:tile"' in form

    bad = client.post(
        f"/pipelines/{ADDR}/run", data={"csrf": csrf, "p:tile": "T1", "p:mode": "slow"}
    )
    assert bad.status_code == 400 and "not one of its values: fast, full" in bad.text
    assert "No runs yet." in client.get(f"/pipelines/{ADDR}").text  # nothing was submitted

    started = client.post(
        f"/pipelines/{ADDR}/run",
        data={"csrf": csrf, "p:tile": "T10UDV", "p:mode": "full"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    url = started.headers["location"]
    assert _until_done(client, url) == "Succeeded"
    page = client.get(url).text
    for task in ("extract", "load"):
        assert re.search(rf'<g class="task phase-Succeeded" data-task="{task}"', page)
    assert '<td class="mono">T10UDV</td>' in page  # its parameters

    events = client.get(url + "/events").text
    assert events.startswith("event: run\ndata: ") and '"phase": "Succeeded"' in events
    # The header's start time follows the run too (a page opened before the controller
    # started it showed "started —" for good).
    assert re.search(r'"started": "\d{4}-\d\d-\d\dT', events)

    logs = re.sub(r"<[^>]+>", "", client.get(url + "/logs?task=extract").text)
    assert "extract | extract: echo T10UDV" in logs  # the dev cluster's simulated container

    name = url.rsplit("/", 1)[1]
    listed = client.get(f"/runs?pipeline={ADDR}&phase=Succeeded").text
    assert name in listed and "1 run" in listed
    assert name not in client.get("/runs?phase=Failed").text
    assert name in client.get(f"/pipelines/{ADDR}").text

    again = client.post(url + "/resubmit", data={"csrf": csrf}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] != url
    stopped = client.post(url + "/stop", data={"csrf": csrf})
    assert stopped.status_code == 400 and "has already finished" in stopped.text
    assert _until_done(client, again.headers["location"]) == "Succeeded"

    schedules = client.get("/schedules").text
    assert "Europe/Paris" in schedules and "none yet" in schedules


def test_a_run_started_from_the_form_turns_succeeded_without_a_reload(applied):
    import importlib.util

    # The browser tests' server and launch settings; their folder is not on this path.
    where = Path(__file__).resolve().parents[1] / "browser" / "browser_helpers.py"
    spec = importlib.util.spec_from_file_location("ui_browser_conftest", where)
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    ARGS, CHROMIUM, Served, shoot = helpers.ARGS, helpers.CHROMIUM, helpers.Served, helpers.shoot
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    served = Served(applied)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            problems = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(f"{served.url}/pipelines/{ADDR}")
            page.fill("#p-tile", "T10UDV")
            page.select_option("#p-mode", "full")
            shoot(page, "run-form")
            page.click("#run-button")
            page.wait_for_url(re.compile(r"/runs/[^/]+/flow-"))
            loads = []
            page.on("load", lambda: loads.append(1))
            page.locator("#run-phase.Succeeded").wait_for(timeout=120_000)
            page.locator('svg.dag g.task.phase-Succeeded[data-task="load"]').wait_for(
                timeout=10_000
            )
            assert loads == []  # no reload: the event stream updated the page
            assert problems == []
            shoot(page, "run")
            page.goto(f"{served.url}/runs")
            shoot(page, "runs")
            browser.close()
    finally:
        served.stop()
