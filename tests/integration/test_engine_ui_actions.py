"""The run page's actions and explanations on Argo's engine, in headless Chromium: why a run
failed when its failed task was handled (a leaf omitted below it), Stop asking first, a task's
log opening inside the page, Retry running the failed task again in the same run."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from test_engine_gp_runs import scenario

pytestmark = [pytest.mark.integration, pytest.mark.engine]

# a fails; c handles it (a.Failed) and succeeds; b, which waits for a to succeed, is omitted.
WHY = """
workflow_template "why" {
  step "a" {
    container {
      image   = "alpine:3.20"
      command = ["echo", "a"]
    }
  }
  step "b" {
    depends = "a"
    container {
      image   = "alpine:3.20"
      command = ["echo", "b"]
    }
  }
  step "c" {
    depends = "a.Failed"
    container {
      image   = "alpine:3.20"
      command = ["echo", "c"]
    }
  }
}
"""
ADDR = "workflow_template.why"


def _helpers():
    where = Path(__file__).resolve().parents[1] / "browser" / "browser_helpers.py"
    spec = importlib.util.spec_from_file_location("ui_browser_helpers", where)
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    return helpers


def test_why_stop_logs_and_retry_on_the_run_page(engine, module, gp):
    root = module(WHY, stack="uiwhy")
    assert gp("apply", "--auto-approve")[0] == 0
    code, out, err = gp(
        "run", ADDR, "--wait", "--annotation", scenario(outcomes={"a": ("Failed",)})
    )
    assert code == 1, err
    failed = out.splitlines()[0]
    code, out, err = gp("run", ADDR, "--annotation", scenario(delays={"a": 60}))
    assert code == 0, err
    running = out.splitlines()[0]

    h = _helpers()
    if not Path(h.CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    served = h.Served(root)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=h.CHROMIUM, args=h.ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(str(e)))

            page.goto(f"{served.url}/runs/{failed}")
            why = page.locator("#run-why")
            assert why.is_visible()
            text = why.inner_text()
            assert "b was omitted below a, which failed: Argo's controller fails a DAG" in text
            assert page.locator("#retry-button").is_visible()
            assert not page.locator("#stop-button").is_visible()  # it has ended

            # A task's log opens in the page, styled, without leaving it.
            url = page.url
            page.locator("tr[data-row] a.log-link").first.click()
            panel = page.locator("section#logs.logpanel pre.logs")
            panel.wait_for(timeout=10_000)
            assert page.url == url
            assert "a | a: echo a" in panel.inner_text()
            assert panel.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 35, 48)"
            h.shoot(page, "run-failed")

            # Retry asks first; accepted, the same run runs a again.
            questions: list[str] = []

            def answer(dialog):
                questions.append(dialog.message)
                dialog.accept()

            page.once("dialog", answer)
            page.click("#retry-button")
            page.wait_for_url(re.compile(rf"/runs/[^/]+/{failed}$"))
            assert questions and questions[0].startswith(f"Retry {failed}?")
            code, out, _ = gp("runs", "show", failed)
            assert code == 0

            # Stop asks first: dismissed, the run goes on; accepted, it stops.
            page.goto(f"{served.url}/runs/{running}")
            page.locator("#stop-button").wait_for()
            page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
            page.click("#stop-button")
            assert questions[-1].startswith(f"Stop {running}?")
            assert page.locator("#run-phase").inner_text() in ("Pending", "Running")
            page.once("dialog", lambda d: d.accept())
            page.click("#stop-button")
            page.locator("#run-phase.Failed").wait_for(timeout=60_000)
            assert "Stopped with strategy 'Stop'" in page.locator("#run-why").inner_text()
            assert problems == []
            browser.close()
    finally:
        served.stop()


def test_a_refused_run_keeps_the_form_and_says_why_in_the_uis_words(engine, module, gp):
    from html import unescape

    from test_engine_ui import FLOW, _client, _csrf

    root = module(FLOW, stack="uiform")
    assert gp("apply", "--auto-approve")[0] == 0
    client = _client(root)
    csrf = _csrf(client)
    url = "/pipelines/workflow_template.flow"
    assert "live-differs" not in client.get(url).text

    bad = client.post(url + "/run", data={"csrf": csrf, "p:mode": "full"})
    assert bad.status_code == 400
    text = unescape(bad.text)
    assert "Not run:" in text and 'needs the parameter "tile": fill in tile' in text
    assert "<option selected>full</option>" in text  # the value given is kept
    assert "-p " not in text and "--allow-drift" not in text

    # The module changes: the page says the live template differs, and a run is refused in
    # the form's words until the box is ticked.
    main = root / "main.gp.hcl"
    main.write_text(
        main.read_text().replace(
            'command = ["echo", "{{workflow.parameters.mode}}"]', 'command = ["echo", "changed"]'
        )
    )
    page = unescape(client.get(url).text)
    assert "The live WorkflowTemplate differs from the module." in page
    assert "workflow_template.flow differs from the module" in page and 'href="/plan"' in page
    refused = client.post(url + "/run", data={"csrf": csrf, "p:tile": "T1", "p:mode": "full"})
    assert refused.status_code == 400
    text = unescape(refused.text)
    assert "tick “run even if the live template differs from the module”" in text
    assert 'value="T1"' in text and "--allow-drift" not in text
    ran = client.post(
        url + "/run",
        data={"csrf": csrf, "p:tile": "T1", "allow_drift": "on"},
        follow_redirects=False,
    )
    assert ran.status_code == 303
