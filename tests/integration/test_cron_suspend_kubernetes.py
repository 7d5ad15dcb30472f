"""`gp cron suspend` / `gp cron resume` on a real API server: gp writes spec.suspend with its
own field manager, the stack's record (the ConfigMap) keeps the override, plans show it as a
note (no drift, no change), apply keeps it, resume takes the field away on the server."""

from __future__ import annotations

import json

import pytest
from life_helpers import CRON, TEMPLATE

pytestmark = pytest.mark.integration


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
