"""Saved plans: exact round trip, what they hold, and refusing files that are not plans."""

from __future__ import annotations

import json

import pytest
from plan_builders import TARGET, cron, deployed, edit, live_of, obj, plan, state, wt

from gp.config.model import Lifecycle
from gp.errors import PlanError
from gp.planner.plan import Action, Mode
from gp.planner.serialize import load_plan, plan_from_dict, plan_to_dict, save_plan, stale_refs


@pytest.fixture
def rich_plan():
    """A plan with every kind of action, drift, a schedule preview, errors and secrets."""
    live = deployed(wt(), wt("old"), wt("renamed"), cron())
    live.objects[wt().ref] = live_of(
        wt(), manifest=edit(wt(), lambda m: m["spec"].update(entrypoint="x"))
    )
    desired = [
        wt(image="new", lifecycle=Lifecycle(ignore_changes=("spec.arguments",))),
        wt("renamed-2", address="workflow_template.renamed"),
        cron(
            schedules=["0 5 * * *"],
            timezone="Asia/Tokyo",
            depends_on=("workflow_template.sen2cor",),
        ),
        obj("ClusterWorkflowTemplate", "shared", {"templates": []}, namespace=None),
    ]
    return plan(desired, live, inputs_hash="sha256:abc", secrets={"hunter2", ""}, targets=())


def test_round_trip_is_exact(rich_plan):
    assert {c.action for c in rich_plan.changes} == {
        Action.UPDATE,
        Action.REPLACE,
        Action.DELETE,
        Action.CREATE,
    }
    assert rich_plan.drift and any(c.schedule for c in rich_plan.changes)
    assert load_plan(save_plan(rich_plan)) == rich_plan
    assert plan_from_dict(plan_to_dict(rich_plan)) == rich_plan


def test_round_trip_keeps_errors_and_mode():
    p = plan([wt()], state(live_of(wt(), owned=False)), mode=Mode.DESTROY)
    loaded = load_plan(save_plan(p))
    assert loaded == p and loaded.mode is Mode.DESTROY


def test_saved_plan_holds_what_apply_needs(rich_plan):
    data = json.loads(save_plan(rich_plan))
    assert data["target"] == {
        "provider": "kubernetes",
        "namespace": "pipeline",
        "server": TARGET.server,
    }
    assert data["inputs_hash"] == "sha256:abc"
    assert {o["address"] for o in data["objects"]} >= {
        "workflow_template.sen2cor",
        "cron_workflow.nightly",
    }
    assert {
        "ref": {
            "api_version": "argoproj.io/v1alpha1",
            "kind": "WorkflowTemplate",
            "namespace": "pipeline",
            "name": "old",
        },
        "resource_version": "100",
    } in data["read"]
    assert data["created_at"] == "2024-06-01T12:00:00+00:00"
    assert data["sensitive"] == ["hunter2"]


def test_stale_refs_list_every_object_read_and_every_absent_one(rich_plan):
    refs = stale_refs(rich_plan)
    assert refs[wt().ref] == "100"
    assert refs[wt("renamed-2").ref] is None
    assert refs[obj("ClusterWorkflowTemplate", "shared", {}, namespace=None).ref] is None
    assert len(refs) == 6


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "plan file is not JSON"),
        ("[]", "not a gp plan file"),
        ('{"kind": "other"}', "not a gp plan file"),
        ('{"kind": "gp-plan", "format_version": "9.0"}', "plan file format 9.0 is not supported"),
        ('{"kind": "gp-plan", "format_version": "1.0"}', "plan file is damaged"),
    ],
)
def test_load_refuses_what_is_not_a_plan(text, message):
    with pytest.raises(PlanError, match=message):
        load_plan(text)
