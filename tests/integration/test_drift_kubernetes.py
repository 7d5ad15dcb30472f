"""Ordinary edits of fields the module never sets (CLI.md "Apply"): the Argo UI suspending a
cron, kubectl edit adding a field. Server-side apply alone would leave them; gp shows them as
drift and takes them back. A cron suspended through `gp cron suspend` is no such edit: gp writes
spec.suspend with its own field manager, the stack's record (the ConfigMap) keeps the override,
plans show it as a note (no drift, no change), apply keeps it, resume takes the field away."""

from __future__ import annotations

import json

import pytest
from life_helpers import CRON, TEMPLATE

pytestmark = pytest.mark.integration


def test_a_cron_suspended_in_the_argo_ui_is_drift_and_apply_resumes_it(module, gp, cluster):
    module(TEMPLATE.format(image="alpine:3.20"), CRON.format(schedule="0 2 * * *"))
    assert gp("apply", "--auto-approve")[0] == 0
    assert "suspend" not in cluster.get("CronWorkflow", "etl-nightly")["spec"]

    cluster.edit("CronWorkflow", "etl-nightly", {"spec": {"suspend": True}}, manager="argo-ui")
    code, out, err = gp("plan", "--detailed-exitcode")
    assert (code, err) == (2, "")
    drift, _, planned = out.partition("gp will perform the following actions:")
    assert "# cron_workflow.etl-nightly has changed" in drift
    assert "spec.suspend" in drift and "true" in drift
    assert "# cron_workflow.etl-nightly will be updated in-place" in planned
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in planned

    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "suspend" not in cluster.get("CronWorkflow", "etl-nightly")["spec"]
    assert gp("plan", "--detailed-exitcode")[0] == 0


def test_a_field_added_by_kubectl_edit_is_removed(module, gp, cluster):
    module(TEMPLATE.format(image="alpine:3.20"))
    assert gp("apply", "--auto-approve")[0] == 0
    live = cluster.get("WorkflowTemplate", "etl")
    live["spec"]["activeDeadlineSeconds"] = 30
    cluster.replace(live, manager="kubectl-edit")

    code, out, _ = gp("plan", "--detailed-exitcode")
    assert code == 2
    assert "spec.activeDeadlineSeconds" in out
    assert gp("apply", "--auto-approve")[0] == 0
    assert "activeDeadlineSeconds" not in cluster.get("WorkflowTemplate", "etl")["spec"]
    assert gp("plan", "--detailed-exitcode")[0] == 0


def test_status_and_labels_others_add_are_left_alone(module, gp, cluster):
    module(TEMPLATE.format(image="alpine:3.20"), CRON.format(schedule="0 2 * * *"))
    assert gp("apply", "--auto-approve")[0] == 0
    cluster.edit(
        "CronWorkflow",
        "etl-nightly",
        {"metadata": {"labels": {"team": "geo"}}, "status": {"phase": "Running"}},
        manager="workflow-controller",
    )
    assert gp("plan", "--detailed-exitcode")[0] == 0
    assert gp("apply", "--auto-approve")[0] == 0
    cron = cluster.get("CronWorkflow", "etl-nightly")
    assert cron["metadata"]["labels"]["team"] == "geo"
    assert cron["status"] == {"phase": "Running"}


def _record(cluster, namespace) -> dict:
    cm = cluster.core.read_namespaced_config_map("gp-stack-life", namespace)
    return json.loads(cm.data["record.json"])


def test_suspend_is_an_override_plans_keep_and_resume_lifts(module, gp, cluster, namespace):
    module(TEMPLATE.format(image="alpine:3.20"), CRON.format(schedule="0 2 * * *"))
    assert gp("apply", "--auto-approve")[0] == 0

    code, out, err = gp("cron", "suspend", "cron_workflow.etl-nightly", "--reason", "upstream down")
    assert code == 0, err
    live = cluster.get("CronWorkflow", "etl-nightly")
    assert live["spec"]["suspend"] is True
    managers = {m["manager"] for m in live["metadata"]["managedFields"]}
    assert managers == {"gp"}  # gp's own field: not an ordinary edit, so not drift
    (override,) = _record(cluster, namespace)["overrides"]
    assert override["reason"] == "upstream down"

    code, out, err = gp("plan", "--detailed-exitcode")
    assert code == 0, out + err
    assert "has changed" not in out
    assert "suspended by " in out and ": upstream down (override, kept)" in out

    # The template changes: apply writes it, the cron stays suspended.
    module(TEMPLATE.format(image="alpine:3.21"), CRON.format(schedule="0 2 * * *"))
    code, out, err = gp("apply", "--auto-approve")
    assert code == 0, err
    assert "(stack life, cron_workflow.etl-nightly, suspended)" in out
    assert cluster.get("CronWorkflow", "etl-nightly")["spec"]["suspend"] is True

    code, out, err = gp("cron", "resume", "cron_workflow.etl-nightly")
    assert code == 0, err
    assert "suspend" not in cluster.get("CronWorkflow", "etl-nightly")["spec"]
    assert "overrides" not in _record(cluster, namespace)
    assert gp("plan", "--detailed-exitcode")[0] == 0
