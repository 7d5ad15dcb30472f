"""`/plan`: the plan value the CLI renders, drift first, DAG changes drawn; a saved plan with
--plan; sensitive values never shown on any page."""

from __future__ import annotations

import re

from ui_helpers import apply, client_for

from gp.cli.main import main

CHAIN = "module.sen2cor.workflow_template.chain"


def _task_classes(html: str) -> dict[str, str]:
    return {
        name: css for css, name in re.findall(r'<g class="task ([^"]*)" data-task="([^"]+)"', html)
    }


def test_a_changed_task_is_drawn_changed_and_rewired_edges_marked(workspace):
    root = workspace / "examples/sen2cor"
    apply(root)
    main_file = root / "main.gp.hcl"
    text = main_file.read_text().replace(
        'versions = ["2.9.0", "2.8.0", "2.5.5"]', 'versions = ["2.9.1", "2.8.0"]'
    )
    main_file.write_text(text)
    page = client_for(root).get("/plan")
    assert page.status_code == 200
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in page.text
    tasks = _task_classes(page.text)
    assert tasks["sen2cor-255"] == "removed"
    assert tasks["preprocess"] == "unchanged"
    assert tasks["sen2cor-291"] == "renamed"
    assert "unknown" not in tasks.values()  # edges of the old name are drawn from the renamed box
    edges = re.findall(
        r'<g class="edge ?([^"]*)" data-source="([^"]+)" data-target="([^"]+)"', page.text
    )
    assert ("removed", "sen2cor-280", "sen2cor-255") in edges
    assert ("added", "sen2cor-280", "finalize") not in edges  # kept, not rewired
    assert ("unchanged", "sen2cor-291", "sen2cor-280") in edges  # followed the rename
    # The CLI's own lines for the change, under the drawing.
    assert "# module.sen2cor.workflow_template.chain will be updated in-place" in page.text


def test_drift_is_listed_before_the_changes(workspace):
    root = workspace / "examples/nightly"
    apply(root)
    deployed = root / "deploy/pipeline/cronworkflow/nightly-sen2cor.yaml"
    deployed.write_text(
        deployed.read_text().replace("concurrencyPolicy: Forbid", "concurrencyPolicy: Allow")
    )
    main_file = root / "main.gp.hcl"
    main_file.write_text(
        main_file.read_text().replace('"geo/sen2cor:2.9.0"', '"geo/sen2cor:2.9.1"')
    )
    page = client_for(root).get("/plan").text
    assert "Objects changed outside gp" in page
    assert page.index("cron_workflow.nightly-sen2cor has changed") < page.index("Changes</h2>")
    assert page.index("Changes</h2>") < page.index(
        "workflow_template.sen2cor-nightly will be updated"
    )


def test_a_saved_plan_is_shown_as_saved(workspace):
    root = workspace / "examples/sen2cor"
    out = root / "saved.plan"
    assert main(["plan", "-C", str(root), "--out", str(out)]) == 0
    apply(root)  # the fresh plan would now be empty; the saved one still creates
    page = client_for(root, out).get("/plan").text
    assert "The saved plan" in page and "Plan: 1 to add" in page
    assert _task_classes(page)["finalize"] == "added"


def test_no_changes(workspace):
    root = workspace / "examples/sen2cor"
    apply(root)
    assert (
        "No changes. Your pipelines match the configuration." in client_for(root).get("/plan").text
    )


SECRET = "hunter2-very-secret"
SENSITIVE_MODULE = f"""
gp {{
  stack = "secretive"
}}
provider "directory" {{
  path      = "deploy"
  namespace = "pipeline"
}}
variable "token" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}
workflow_template "uses-token" {{
  parameter "api" {{
    value = upper(var.token)
  }}
  step "call" {{
    container {{
      image = "curlimages/curl:8.8.0"
      env   = {{ TOKEN = var.token, TAIL = substr(var.token, 8, 11) }}
    }}
  }}
}}
cron_workflow "nightly" {{
  schedule          = "0 3 * * *"
  workflow_template = workflow_template.uses-token
  arguments         = {{ api = "x-${{var.token}}" }}
}}
"""


def test_no_page_shows_a_sensitive_value(workspace):
    root = workspace / "secretive"
    root.mkdir()
    (root / "main.gp.hcl").write_text(SENSITIVE_MODULE)
    client = client_for(root)
    pages = [
        "/",
        "/?states=1",
        "/plan",
        "/schedules",
        "/runs",
        "/pipelines/workflow_template.uses-token",
        "/pipelines/cron_workflow.nightly",
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        for shown in (SECRET, SECRET.upper(), SECRET[8:19], "hunter2"):
            assert shown not in page.text, (url, shown)
    assert "(sensitive value)" in client.get("/pipelines/workflow_template.uses-token").text
    apply(root)
    main_file = root / "main.gp.hcl"
    main_file.write_text(main_file.read_text().replace(SECRET, "another-secret-value"))
    for url in pages:
        page = client.get(url).text
        for shown in (SECRET, "another-secret-value", "hunter2", "another-secret"):
            assert shown not in page, (url, shown)


def test_the_plan_names_the_crons_of_a_changed_template_with_their_next_run(workspace):
    root = workspace / "examples/nightly"
    apply(root)
    main_file = root / "main.gp.hcl"
    main_file.write_text(
        main_file.read_text().replace('"geo/sen2cor:2.9.0"', '"geo/sen2cor:2.9.1"')
    )
    page = client_for(root).get("/plan").text
    section = page[page.index("Runs of the templates that change") :]
    assert re.search(
        r"workflow_template.sen2cor-nightly: run by the CronWorkflow pipeline/nightly-sen2cor "
        r"\(stack nightly, cron_workflow.nightly-sen2cor, next run \d{4}-\d\d-\d\dT02:00:00-0[45]:00\)",
        section,
    )


def test_suspend_and_resume_buttons_on_schedules(workspace):
    from ui_helpers import csrf_of

    root = workspace / "examples/nightly"
    apply(root)
    client = client_for(root)
    page = client.get("/schedules").text
    assert 'action="/schedules/cron_workflow.nightly-sen2cor/suspend"' in page
    reply = client.post(
        "/schedules/cron_workflow.nightly-sen2cor/suspend",
        data={"reason": "archive full", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text
    page = client.get("/schedules").text
    assert re.search(r"Suspended by \S+ since \S+: archive full</strong>", page)
    assert 'action="/schedules/cron_workflow.nightly-sen2cor/resume"' in page
    plan_page = client.get("/plan").text
    assert "(override, kept)" in plan_page and "No changes." in plan_page
    reply = client.post(
        "/schedules/cron_workflow.nightly-sen2cor/resume",
        data={"csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert "override" not in client.get("/schedules").text
