"""What the UI owes an operator, in a real browser: a pipeline whose live object differs says
so beside its Run form; /plan shows each object's diff whole and folds it by its heading; the
plan names the crons of a changed template; Suspend and Resume on /schedules."""

from __future__ import annotations

import re

import pytest
from browser_helpers import shoot

from gp.cli.main import main

pytestmark = pytest.mark.browser

WT = "workflow_template.sen2cor-nightly"
CRON = "cron_workflow.nightly-sen2cor"


def _load(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")


@pytest.fixture
def changed(workspace):
    root = workspace / "examples/nightly"
    assert main(["apply", "-C", str(root), "--auto-approve"]) == 0
    main_file = root / "main.gp.hcl"
    main_file.write_text(
        main_file.read_text().replace('"geo/sen2cor:2.9.0"', '"geo/sen2cor:2.9.1"')
    )
    return root


def test_the_pipeline_page_says_the_live_template_differs(changed, serve, page):
    ui = serve(changed)
    _load(page, f"{ui.url}/pipelines/{WT}")
    notice = page.locator(".live-differs")
    assert notice.is_visible()
    assert "The live WorkflowTemplate differs from the module." in notice.inner_text()
    notice.locator("a", has_text="See the plan").click()
    page.wait_for_url(re.compile(r"/plan$"))
    assert page.problems == []


def test_the_plan_shows_diffs_whole_folds_them_and_names_the_crons(changed, serve, page):
    ui = serve(changed)
    _load(page, ui.url + "/plan")
    lines = page.locator("article.change pre.lines").last
    box = lines.evaluate("e => [e.scrollHeight, e.clientHeight, getComputedStyle(e).maxHeight]")
    assert box[0] <= box[1] + 1 and box[2] == "none"  # whole: no inner scroll
    runs = page.locator(".plan-runs").inner_text()
    assert f"{WT}: run by the CronWorkflow pipeline/nightly-sen2cor" in runs
    assert "next run" in runs
    shoot(page, "plan-crons")
    page.locator("article.change summary").first.click()  # fold it
    assert not lines.is_visible()
    assert page.problems == []


def test_suspend_and_resume_from_schedules(workspace, serve, page):
    root = workspace / "examples/nightly"
    assert main(["apply", "-C", str(root), "--auto-approve"]) == 0
    ui = serve(root)
    _load(page, ui.url + "/schedules")
    page.fill("input[name=reason]", "archive full")
    page.click(".suspend-button")
    page.wait_for_selector(".override")
    assert "archive full" in page.locator(".override").inner_text()
    assert "suspended" in page.locator(".cron.suspended .state").inner_text()
    shoot(page, "schedules-suspended")
    _load(page, ui.url + "/plan")
    assert "(override, kept)" in page.locator(".callout.info").inner_text()
    assert "No changes." in page.content()
    _load(page, ui.url + "/schedules")
    page.click(".resume-button")
    page.wait_for_selector(".suspend-button")
    assert page.locator(".override").count() == 0
    assert page.problems == []
