"""gp ui's run pages and the run commands on the engine in memory, under careless and hostile
requests: odd and missing runs, another stack's runs, the runs a cron started on its schedule,
a sensitive or multi-line parameter default in the run form."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from api_helpers import write_module
from fake_engine import FakeEngine, failed_run, install, workflow

import gp
from gp.cli.main import main
from gp.runs.model import CRON_LABEL
from gp.ui import StackSource, make_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

KEY = "-----BEGIN KEY-----\nMIIEvQIBADANBgkq\n-----END KEY-----"
CRONNED = """
variable "key" {
  type      = string
  sensitive = true
  default   = "s3cr3t-default-key"
}

workflow_template "etl" {
  parameter "tile" {
    value = "T1"
  }
  parameter "key" {
    value = var.key
  }
  parameter "note" {
    value = "line one\\nline two"
  }
  step "use" {
    container {
      image   = "busybox:1.36"
      command = ["echo", "{{workflow.parameters.tile}}"]
    }
  }
}

cron_workflow "nightly" {
  schedule          = "0 2 * * *"
  workflow_template = workflow_template.etl
}
"""
ETL = "workflow_template.etl"
CRON = "cron_workflow.nightly"


@pytest.fixture
def cronned(tmp_path, monkeypatch):
    stack = gp.Stack(write_module(tmp_path / "cronned", CRONNED))
    engine = install(monkeypatch, FakeEngine(stack.objects()))
    stack.apply()
    return stack, engine


def scheduled_run(name: str, cron: str = "nightly", created="2025-01-03T02:00:00Z") -> dict:
    """A run Argo's cron controller started: the cron's label only, none of gp's marks."""
    wf = workflow(name, "Succeeded", created=created)
    wf["metadata"]["labels"] = {CRON_LABEL: cron}
    wf["metadata"]["annotations"] = {}
    return wf


def _client(stack) -> tuple[TestClient, str]:
    client = TestClient(make_app(StackSource(stack.inputs)))
    return client, re.search(r'data-csrf="([^"]+)"', client.get("/").text).group(1)


def test_the_runs_a_cron_started_are_the_stacks_marked_scheduled(cronned, capsys):
    stack, engine = cronned
    engine.add(scheduled_run("nightly-1700000000"))
    engine.add(scheduled_run("not-ours-1", cron="someone-elses"))
    runs = stack.runs()
    assert [r.name for r in runs] == ["nightly-1700000000"]
    assert runs[0].address == CRON and runs[0].raw.scheduled
    assert [r.name for r in stack.runs(CRON)] == ["nightly-1700000000"]
    assert main(["runs", "-C", str(stack.root), "--format", "json"]) == 0
    [shown] = json.loads(capsys.readouterr().out)["runs"]
    assert shown["scheduled"] is True and shown["pipeline"] == CRON
    assert main(["runs", "-C", str(stack.root)]) == 0
    assert "scheduled (cron nightly)" in capsys.readouterr().out
    client, _ = _client(stack)
    assert "nightly-1700000000" in client.get("/schedules").text  # its last run
    assert "nightly-1700000000" in client.get("/runs").text
    stack.get_run("nightly-1700000000")  # and it can be acted on as the stack's


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/runs/pipeline/%2E", 400, "is not a run name"),
        ("/runs/pipeline/%2E/events", 400, "is not a run name"),
        ("/runs/pipeline/", 400, "is not a run name"),
        ("/runs/pipeline/missing", 404, "no run missing"),
        ("/runs/pipeline/missing/logs", 404, "no run missing"),
        ("/runs/pipeline/missing/events", 404, "no run missing"),
        ("/runs/pipeline/wf-1/stop", 405, "Stop is a button"),
        ("/runs/pipeline/wf-1/resubmit", 405, "Resubmit is a button"),
        ("/pipelines/workflow_template.etl/run", 405, "the form"),
        ("/pipelines/nothing.here", 404, "no pipeline nothing.here"),
    ],
)
def test_user_mistakes_are_4xx_pages_that_say_what(cronned, path, status, words):
    stack, engine = cronned
    engine.add(failed_run("wf-1"))
    client, _ = _client(stack)
    answer = client.get(path)
    assert answer.status_code == status and words in answer.text, (path, answer.text[-600:])


def test_the_uis_stop_acts_only_on_runs_of_the_stack(cronned):
    stack, engine = cronned
    theirs = workflow("theirs", "Running", namespace="default")
    del theirs["metadata"]["labels"]
    engine.add(theirs)
    client, csrf = _client(stack)
    refused = client.post("/runs/default/theirs/stop", data={"csrf": csrf})
    assert refused.status_code == 400 and "is not a run of the stack" in refused.text
    assert engine.shutdowns == []


def test_the_run_form_never_submits_the_mask_and_keeps_newlines(cronned):
    stack, engine = cronned
    client, csrf = _client(stack)
    page = client.get(f"/pipelines/{ETL}").text
    assert "(sensitive value)" not in re.findall(r'<input[^>]*name="p:key"[^>]*>', page)[0]
    assert re.search(r"<textarea[^>]*name=\"p:note\"[^>]*>\n?line one\nline two</textarea>", page)
    sent = client.post(
        f"/pipelines/{ETL}/run",
        data={"csrf": csrf, "p:tile": "T2", "p:key": "", "p:note": "line one\r\nline two"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    [made] = engine.created
    params = {p["name"]: p.get("value") for p in made["spec"]["arguments"]["parameters"]}
    assert params.get("tile") == "T2" and "key" not in params  # Argo uses the default
    assert params["note"] == "line one\nline two"
    # the mask itself, typed or left there, is never a value
    client.post(f"/pipelines/{ETL}/run", data={"csrf": csrf, "p:key": "(sensitive value)"})
    last = engine.created[-1]["spec"].get("arguments", {}).get("parameters", [])
    assert all(p["name"] != "key" for p in last)
