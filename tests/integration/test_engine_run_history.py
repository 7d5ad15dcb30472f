"""Runs history on Argo's engine: a cron's runs say so and carry the version of the template
they run (not the cron's digest), the runs Argo's controller starts from the stack's crons are
listed too, and a run with --allow-drift records that it ran the live template."""

from __future__ import annotations

import json

import pytest
from engine_helpers import Runs
from test_engine_gp_runs import ADDR, ETL

from gp.runs.submit import template_digest

pytestmark = [pytest.mark.integration, pytest.mark.engine]

EVERY_MINUTE = """
cron_workflow "nightly" {
  schedule          = "* * * * *"
  workflow_template = workflow_template.etl
  arguments         = { tile = "T11UNQ" }
}
"""


def _live_template(runs: Runs) -> dict:
    return runs.objs.get_namespaced_custom_object(
        "argoproj.io", "v1alpha1", runs.ns, "workflowtemplates", "etl"
    )


def test_cron_runs_carry_the_templates_version_and_drift_runs_say_live(
    engine, kube, namespace, module, gp
):
    runs = Runs(kube, namespace)
    module(ETL.format(image="alpine:3.20") + EVERY_MINUTE, stack="history")
    assert gp("apply", "--auto-approve")[0] == 0
    digest = template_digest(_live_template(runs))

    code, out, err = gp("run", "cron_workflow.nightly", "--wait")
    assert code == 0, err
    by_hand = runs.get(out.splitlines()[0])
    assert by_hand["metadata"]["labels"]["gp.dev/version"] == digest

    # The controller starts one within the minute: gp lists it as the cron's, same version.
    started = runs.wait_for(lambda wf: "gp.dev/stack" not in wf["metadata"].get("labels", {}))
    runs.wait(started["metadata"]["name"])  # its stored template says which version ran
    code, out, err = gp("runs", "--format", "json")
    assert code == 0, err
    listed = {r["name"]: r for r in json.loads(out)["runs"]}
    mine = listed[started["metadata"]["name"]]
    assert (mine["pipeline"], mine["cron"]) == ("cron_workflow.nightly", "nightly")
    assert mine["version"]["template_digest"] == digest
    code, out, _ = gp("runs")
    assert f"{digest}" in out and "cron nightly" in out

    # The module changes; a run of the live template anyway records it.
    module(ETL.format(image="alpine:3.21") + EVERY_MINUTE, stack="history")
    code, out, err = gp("run", ADDR, "-p", "tile=T1", "--allow-drift", "--wait")
    assert code == 0, err
    drifted = runs.get(out.splitlines()[0])
    assert drifted["metadata"]["annotations"]["gp.dev/ran-live-template"] == (
        f"{ADDR} differs from the module"
    )
    assert drifted["metadata"]["labels"]["gp.dev/version"] == digest  # the live one ran
    assert "gp.dev/commit" not in drifted["metadata"]["labels"]
    code, out, _ = gp("runs", ADDR, "--format", "json")
    (shown,) = [r for r in json.loads(out)["runs"] if r["name"] == drifted["metadata"]["name"]]
    assert shown["ran_live_template"] == f"{ADDR} differs from the module"
    code, out, _ = gp("runs", ADDR)
    assert f"{digest} (live)" in out
