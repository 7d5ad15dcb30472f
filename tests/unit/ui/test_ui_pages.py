"""Every page of `gp ui` on the directory provider: what each shows, read from gp's stages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ui_helpers import apply, client_for

from gp.cli.main import main
from gp.planner.schedule import next_runs

CHAIN = "module.sen2cor.workflow_template.chain"
SEN2COR_TASKS = (
    "preprocess",
    "sen2cor-290",
    "sen2cor-280",
    "sen2cor-255",
    "all-failed",
    "finalize",
)


def test_stack_page_says_each_objects_state(workspace):
    root = workspace / "examples/sen2cor"
    page = client_for(root).get("/")
    assert page.status_code == 200 and "Never applied." in page.text
    assert f'href="/pipelines/{CHAIN}"' in page.text
    assert 'hx-get="/?states=1" hx-trigger="load"' in page.text  # the states come next
    assert "missing: not applied yet" in client_for(root).get("/?states=1").text

    apply(root)
    page = client_for(root).get("/?states=1")
    assert "in sync" in page.text and "missing" not in page.text
    assert re.search(r"Last applied \S+ by \S+", page.text)
    assert re.search(r'<td class="mono muted">[0-9a-f]{12}</td>', page.text)  # the version

    deployed = root / "deploy/pipeline/workflowtemplate/sen2cor.yaml"
    deployed.write_text(deployed.read_text().replace("geo/sen2cor:2.8.0", "geo/sen2cor:2.8.1"))
    assert "changed outside gp" in client_for(root).get("/?states=1").text

    deployed.unlink()
    assert "deleted outside gp" in client_for(root).get("/?states=1").text


def test_stack_page_says_changed_in_the_code(workspace):
    root = workspace / "examples/nightly"
    apply(root)
    main_file = root / "main.gp.hcl"
    main_file.write_text(
        main_file.read_text().replace('"geo/sen2cor:2.9.0"', '"geo/sen2cor:2.9.1"')
    )
    client = client_for(root)
    page = client.get("/?states=1")
    assert "changed in the code: would update" in page.text
    assert page.text.count('<span class="state in-sync">') == 1  # the cron did not change
    filtered = client.get("/?states=1&q=cron", headers={"HX-Request": "true"})
    assert "nightly-sen2cor" in filtered.text and "sen2cor-nightly" not in filtered.text
    assert "<html" not in filtered.text  # htmx gets the rows only


def test_pipeline_page_draws_every_task_and_shows_its_parts(workspace):
    root = workspace / "examples/sen2cor"
    page = client_for(root).get(f"/pipelines/{CHAIN}")
    assert page.status_code == 200
    drawn = re.findall(r'<g class="task [^"]*" data-task="([^"]+)"', page.text)
    assert sorted(drawn) == sorted(SEN2COR_TASKS)
    assert page.text.count('class="edge-label">Failed<') == 3  # the fail-over edges
    assert (
        "script · python:3.12-alpine" in page.text and "container · geo/sen2cor:2.9.0" in page.text
    )
    assert "finalize</code> runs when <code>sen2cor-290.Succeeded || " in page.text
    assert re.search(r"modules/failover-chain/main\.gp\.hcl:\d+", page.text)
    assert '<td class="mono">tile</td>' in page.text and "T10UDV" in page.text
    assert "kind: WorkflowTemplate" in page.text  # the compiled YAML
    assert "No engine here: the directory provider has no engine to run pipelines" in page.text


def test_pipeline_page_of_a_template_lists_its_crons_and_the_cron_its_template(workspace):
    root = workspace / "examples/nightly"
    client = client_for(root)
    template = client.get("/pipelines/workflow_template.sen2cor-nightly")
    assert 'href="/pipelines/cron_workflow.nightly-sen2cor"' in template.text
    assert "At 02:00 AM" in template.text and "America/Toronto" in template.text
    cron = client.get("/pipelines/cron_workflow.nightly-sen2cor")
    assert cron.status_code == 200
    assert 'Runs <a href="/pipelines/workflow_template.sen2cor-nightly">' in cron.text


def test_unknown_pipeline_is_a_404_page(workspace):
    page = client_for(workspace / "examples/sen2cor").get("/pipelines/workflow_template.nope")
    assert page.status_code == 404 and "no pipeline workflow_template.nope" in page.text


def test_schedules_use_the_plans_schedule_preview(workspace):
    root = workspace / "examples/nightly"
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # the night before DST starts
    page = client_for(root, now=lambda: now).get("/schedules")
    assert page.status_code == 200
    fires = next_runs(("0 2 * * *",), "America/Toronto", now, 5)
    assert len(fires) == 5
    for when in fires:
        assert f'<time class="local" datetime="{when}">' in page.text
    # 02:00 does not exist that night, and Argo's controller (robfig/cron) skips it.
    assert fires[0] == "2026-03-09T02:00:00-04:00"
    assert "At 02:00 AM" in page.text and "concurrency <strong>Forbid</strong>" in page.text
    assert "active" in page.text
    assert "the directory provider has no engine to run pipelines" in page.text  # no last run


def test_schedules_page_without_crons(workspace):
    page = client_for(workspace / "examples/sen2cor").get("/schedules")
    assert "This stack has no CronWorkflow." in page.text


def test_runs_page_says_there_is_no_engine(workspace):
    page = client_for(workspace / "examples/sen2cor").get("/runs")
    assert page.status_code == 200 and "no engine" in page.text


def test_a_module_that_does_not_compile_shows_its_error(workspace):
    root = workspace / "examples/sen2cor"
    (root / "main.gp.hcl").write_text(
        (root / "main.gp.hcl").read_text().replace("var.tile", "var.tyle")
    )
    page = client_for(root).get("/")
    assert page.status_code == 500
    assert re.search(r"Error: \S*main\.gp\.hcl:\d+:\d+: ", page.text)


def test_an_edited_module_is_compiled_again(workspace):
    root = workspace / "examples/nightly"
    client = client_for(root)
    assert "At 02:00 AM" in client.get("/schedules").text
    main_file = root / "main.gp.hcl"
    main_file.write_text(
        main_file.read_text().replace('default     = "0 2 * * *"', 'default     = "30 4 * * *"')
    )
    assert "At 04:30 AM" in client.get("/schedules").text


def test_gp_ui_reports_a_broken_module_before_serving(workspace, capsys):
    root = workspace / "examples/sen2cor"
    (root / "main.gp.hcl").write_text(
        (root / "main.gp.hcl").read_text().replace("var.tile", "var.tyle")
    )
    assert main(["ui", "-C", str(root), "--port", "0"]) == 1
    assert re.search(r"Error: \S*main\.gp\.hcl:\d+:\d+: ", capsys.readouterr().err)


def test_run_actions_on_the_directory_provider_say_there_is_no_engine(workspace):
    from ui_helpers import csrf_of

    client = client_for(workspace / "examples/sen2cor")
    csrf = csrf_of(client.get("/").text)
    for url in (
        f"/pipelines/{CHAIN}/run",
        "/runs/pipeline/sen2cor-abc/stop",
        "/runs/pipeline/sen2cor-abc/resubmit",
    ):
        refused = client.post(url, data={"csrf": csrf, "p:tile": "T10UDV"})
        assert refused.status_code == 400, url
        assert "the directory provider has no engine to run pipelines" in refused.text
    assert (
        client.post(f"/pipelines/{CHAIN}/run", data={"p:tile": "T10UDV"}).status_code == 403
    )  # no CSRF
    page = client.get("/runs/pipeline/sen2cor-abc")
    assert page.status_code == 200 and "No engine here" in page.text
    assert client.get("/runs/pipeline/sen2cor-abc/events").status_code == 404
    assert client.get("/runs?pipeline=x&phase=Failed").status_code == 200
