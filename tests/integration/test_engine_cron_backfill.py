"""`gp cron backfill` on the dev cluster's Argo engine: an hour of a */15 cron makes four runs,
each the Workflow Argo's controller would have made at its fire time, and a second call none."""

from __future__ import annotations

import json

import pytest
from engine_helpers import GROUP, VERSION
from kubernetes import client

pytestmark = [pytest.mark.integration, pytest.mark.engine]

MODULE = """
workflow_template "etl" {
  parameter "tile" {
    value = "T10UDV"
  }
  step "extract" {
    container {
      image   = "alpine:3.20"
      command = ["sh"]
      args    = ["{{workflow.parameters.tile}}"]
    }
  }
}

cron_workflow "quarter" {
  schedules         = ["*/15 * * * *"]
  timezone          = "America/Toronto"
  suspend           = true
  workflow_template = workflow_template.etl
  arguments         = { tile = "T11UNQ" }
}
"""


def test_an_hour_of_a_quarter_hourly_cron_makes_four_runs_once(engine, kube, namespace, module, gp):
    module(MODULE, stack="backfill")
    assert gp("apply", "--auto-approve")[0] == 0
    window = ["--from", "2027-01-04T09:00", "--to", "2027-01-04T10:00"]
    code, out, err = gp("cron", "backfill", "cron_workflow.quarter", *window, "--format", "json")
    assert code == 0, err
    review = json.loads(out)
    assert [r["scheduled"] for r in review["runs"]] == [
        "2027-01-04T09:00:00-05:00",
        "2027-01-04T09:15:00-05:00",
        "2027-01-04T09:30:00-05:00",
        "2027-01-04T09:45:00-05:00",
    ]
    assert review["submitted"] == []  # a review: nothing without --auto-approve
    code, out, err = gp(
        "cron", "backfill", "cron_workflow.quarter", *window, "--parallelism", "2", "--auto-approve"
    )
    assert code == 0, err
    assert out.count("Submitted quarter-") == 4 and "4 runs submitted" in out
    runs = client.CustomObjectsApi(kube).list_namespaced_custom_object(
        GROUP, VERSION, namespace, "workflows", label_selector="gp.dev/backfill=true"
    )["items"]
    stamps = sorted(
        r["metadata"]["annotations"]["workflows.argoproj.io/scheduled-time"] for r in runs
    )
    assert stamps == [
        "2027-01-04T14:00:00Z",
        "2027-01-04T14:15:00Z",
        "2027-01-04T14:30:00Z",
        "2027-01-04T14:45:00Z",
    ]
    for r in runs:
        assert r["metadata"]["labels"]["workflows.argoproj.io/cron-workflow"] == "quarter"
        assert r["metadata"]["name"] == f"quarter-{_unix(r)}"
        params = {p["name"]: p["value"] for p in r["spec"]["arguments"]["parameters"]}
        assert params == {"tile": "T11UNQ"}  # the cron's arguments
    code, out, err = gp("cron", "backfill", "cron_workflow.quarter", *window, "--auto-approve")
    assert code == 0, err
    assert "Backfill: 0 to submit, 4 already run." in out and "Submitted" not in out


def _unix(run: dict) -> int:
    from datetime import datetime

    stamp = run["metadata"]["annotations"]["workflows.argoproj.io/scheduled-time"]
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
