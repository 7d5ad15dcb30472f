"""gp ui in a real browser: every page loads with no console error, the Sen2Cor DAG shows
every task, a plan's changed task is drawn changed. Each test leaves a screenshot (GP_SCREENSHOTS=docs/ui keeps them for README)."""

from __future__ import annotations

import pytest
from browser_helpers import shoot

from gp.cli.main import main

pytestmark = pytest.mark.browser

CHAIN = "module.sen2cor.workflow_template.chain"
SEN2COR_TASKS = {
    "preprocess",
    "sen2cor-290",
    "sen2cor-280",
    "sen2cor-255",
    "all-failed",
    "finalize",
}


def _load(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")


def test_every_page_loads_without_console_errors(workspace, serve, page):
    root = workspace / "examples/nightly"
    assert main(["apply", "-C", str(root), "--auto-approve"]) == 0
    ui = serve(root)
    _load(page, ui.url + "/")
    page.wait_for_selector(".state.in-sync")  # the states arrived by htmx
    assert page.locator("tbody tr").count() == 2
    shoot(page, "stack")
    _load(page, ui.url + "/schedules")
    first = page.locator("time.local").first
    assert first.inner_text() != first.get_attribute("datetime")  # rewritten in the viewer's zone
    shoot(page, "schedules")
    _load(page, ui.url + "/pipelines/cron_workflow.nightly-sen2cor")
    _load(page, ui.url + "/runs")
    assert "no engine" in page.content()
    _load(page, ui.url + "/plan")
    assert "No changes." in page.content()
    _load(page, ui.url + "/")
    page.fill("input.filter", "cron")
    page.wait_for_selector("tbody tr:nth-child(2)", state="detached")
    assert "nightly-sen2cor" in page.locator("tbody tr").inner_text()
    assert page.problems == []


def test_the_sen2cor_dag_shows_every_task(workspace, serve, page):
    ui = serve(workspace / "examples/sen2cor")
    _load(page, f"{ui.url}/pipelines/{CHAIN}")
    boxes = page.locator("svg.dag g.task")
    shown = {boxes.nth(i).get_attribute("data-task") for i in range(boxes.count())}
    assert shown == SEN2COR_TASKS
    svg = page.locator("svg.dag").bounding_box()
    for i in range(boxes.count()):  # every box is drawn inside the visible graph
        box = boxes.nth(i).bounding_box()
        assert (
            box
            and box["width"] > 20
            and svg["x"] <= box["x"]
            and box["x"] + box["width"] <= svg["x"] + svg["width"] + 1
        )
    assert page.locator("svg.dag .edge-label", has_text="Failed").count() == 3
    assert page.problems == []
    shoot(page, "pipeline")


def test_a_plan_draws_a_changed_task_as_changed(workspace, serve, page):
    root = workspace / "examples/sen2cor"
    assert main(["apply", "-C", str(root), "--auto-approve"]) == 0
    main_file = root / "main.gp.hcl"
    main_file.write_text(
        main_file.read_text()
        .replace('command  = ["L2A_Process"]', 'command  = ["L2A_Process", "--verbose"]')
        .replace('versions = ["2.9.0", "2.8.0", "2.5.5"]', 'versions = ["2.9.0", "2.8.0"]')
    )
    ui = serve(root)
    _load(page, ui.url + "/plan")
    changed = page.locator('svg.dag g.task[data-task="sen2cor-290"]')
    assert "changed" in changed.get_attribute("class")
    fill = changed.locator("rect").evaluate("r => getComputedStyle(r).fill")
    assert fill == "rgb(255, 244, 230)"  # amber
    removed = page.locator('svg.dag g.task[data-task="sen2cor-255"]')
    assert "removed" in removed.get_attribute("class")
    assert page.locator("svg.dag g.edge.removed").count() >= 1
    assert page.problems == []
    shoot(page, "plan")


def test_the_environment_selector_and_the_environments_page(workspace, serve, page):
    root = workspace / "examples/environments"
    assert main(["apply", "-C", str(root), "--env", "dev", "--auto-approve"]) == 0
    ui = serve(root)
    _load(page, ui.url + "/")
    assert page.locator("select[name=env]").input_value() == "dev"  # the module's default
    assert "nightly-dev" in page.locator("h1").inner_text()
    page.wait_for_selector(".state.in-sync")
    # Choosing prod in the header reloads the page on prod, where nothing is applied yet.
    with page.expect_navigation():
        page.select_option("select[name=env]", "prod")
    page.wait_for_load_state("networkidle")
    assert "nightly-prod" in page.locator("h1").inner_text()
    page.wait_for_selector(".state.missing")
    _load(page, ui.url + "/schedules")
    assert page.locator("select[name=env]").input_value() == "prod"  # kept across pages
    _load(page, ui.url + "/envs")
    cards = page.locator("section.env")
    assert cards.count() == 2
    assert cards.nth(0).get_attribute("data-env") == "dev"
    assert "never" in cards.nth(1).inner_text() and "from dev" in cards.nth(1).inner_text()
    assert "current" in (cards.nth(1).get_attribute("class") or "")
    shoot(page, "environments")
    assert page.problems == []
