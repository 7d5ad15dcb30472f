"""Which action each object gets: create, update, delete, replace, no-op; modes and targets."""

from __future__ import annotations

import pytest
from plan_builders import cron, deployed, edit, live_of, plan, state, wt

from gp.compile.objects import STACK_LABEL
from gp.config.model import Lifecycle
from gp.errors import DiagnosticsError
from gp.planner.make import raise_for_errors
from gp.planner.plan import (
    REASON_DESTROY,
    REASON_IDENTITY,
    REASON_NO_CONFIG,
    Action,
    FieldDiff,
    Mode,
)


def actions(p):
    return {c.address: c.action for c in p.changes}


def test_create_when_nothing_is_live():
    p = plan([wt()], state())
    (c,) = p.changes
    assert (c.action, c.before, c.after, c.resource_version) == (
        Action.CREATE,
        None,
        wt().manifest,
        None,
    )
    assert p.applyable and not p.errors


def test_noop_when_live_matches():
    p = plan([wt()], deployed(wt()))
    assert actions(p) == {"workflow_template.sen2cor": Action.NOOP}
    assert p.changes[0].resource_version == "100"
    assert not p.applyable and not p.has_changes


def test_update_lists_the_changed_field_by_name():
    p = plan([wt(image="geo/sen2cor:2.10.0")], deployed(wt()))
    (c,) = p.changes
    assert c.action is Action.UPDATE
    assert c.fields == (
        FieldDiff(
            'spec.templates["sen2cor290"].container.image',
            "geo/sen2cor:2.9.0",
            "geo/sen2cor:2.10.0",
        ),
    )
    assert c.after == wt(image="geo/sen2cor:2.10.0").manifest


def test_delete_what_the_record_owns_but_config_no_longer_declares():
    p = plan([wt()], deployed(wt(), cron()))
    (c,) = [c for c in p.changes if c.action is Action.DELETE]
    assert (c.address, c.reason, c.after) == ("cron_workflow.nightly", REASON_NO_CONFIG, None)
    assert c.before["kind"] == "CronWorkflow"
    assert c.resource_version == "100"


def test_delete_what_carries_the_stack_label_even_without_a_record():
    p = plan([], state(live_of(cron())))
    assert actions(p) == {"cron_workflow.nightly": Action.DELETE}


def test_never_delete_an_unmarked_object():
    p = plan([], state(live_of(cron(), owned=False)))
    assert p.changes == ()


def test_destroy_mode_deletes_everything_owned():
    p = plan([wt(), cron()], deployed(wt(), cron()), mode=Mode.DESTROY)
    assert actions(p) == {
        "cron_workflow.nightly": Action.DELETE,
        "workflow_template.sen2cor": Action.DELETE,
    }
    assert {c.reason for c in p.changes} == {REASON_DESTROY}


def test_renamed_object_is_one_replace():
    old = wt("sen2cor")
    new = wt("sen2cor-v2", address="workflow_template.sen2cor")
    p = plan([new], deployed(old))
    (c,) = p.changes
    assert c.action is Action.REPLACE and c.reason == REASON_IDENTITY
    assert (c.prior_ref, c.ref) == (old.ref, new.ref)
    assert c.resource_version == "100"
    assert FieldDiff("metadata.name", "sen2cor", "sen2cor-v2") in c.fields


def test_namespace_move_is_a_replace():
    new = wt(namespace="other", address="workflow_template.sen2cor")
    p = plan([new], deployed(wt()))
    assert [(c.action, c.prior_ref.namespace, c.ref.namespace) for c in p.changes] == [
        (Action.REPLACE, "pipeline", "other")
    ]


def test_address_move_onto_a_claimed_object_is_not_a_replace():
    # Two objects swap addresses: nothing is deleted, both are updated in place.
    a, b = wt("a"), wt("b")
    a2 = wt("a", address="workflow_template.b")
    b2 = wt("b", address="workflow_template.a")
    p = plan([a2, b2], deployed(a, b))
    assert sorted(c.action for c in p.changes) == [Action.UPDATE, Action.UPDATE]


def test_unmanaged_live_object_is_an_error():
    p = plan([wt()], state(live_of(wt(), owned=False)))
    assert p.errors == (
        "workflow_template.sen2cor: WorkflowTemplate pipeline/sen2cor exists and is not managed "
        "by this stack; use gp import",
    )
    assert p.changes == () and not p.applyable


def test_unmanaged_cluster_scoped_object_names_no_namespace():
    from plan_builders import obj

    cwt = obj("ClusterWorkflowTemplate", "shared", {"templates": []}, namespace=None)
    p = plan([cwt], state(live_of(cwt, owned=False)))
    assert p.errors == (
        "cluster_workflow_template.shared: ClusterWorkflowTemplate shared exists and is not "
        "managed by this stack; use gp import",
    )


def test_raise_for_errors_gives_each_error_at_its_object():
    p = plan([wt(), cron()], state(live_of(wt(), owned=False), live_of(cron(), owned=False)))
    with pytest.raises(DiagnosticsError) as err:
        raise_for_errors(p)
    assert [d.message.endswith("use gp import") for d in err.value.diagnostics] == [True, True]
    assert str(err.value.diagnostics[0].pos) == "main.gp.hcl:3:1"


def test_raise_for_errors_is_silent_on_a_good_plan():
    raise_for_errors(plan([wt()], state()))


@pytest.mark.parametrize("mode", [Mode.NORMAL, Mode.DESTROY])
def test_prevent_destroy_blocks_deletion(mode):
    keep = wt(lifecycle=Lifecycle(prevent_destroy=True))
    desired = [keep] if mode is Mode.DESTROY else []
    # In normal mode the block is still declared but renamed, so the old object goes.
    if mode is Mode.NORMAL:
        desired = [wt("renamed", address="workflow_template.sen2cor", lifecycle=keep.lifecycle)]
    p = plan(desired, deployed(keep), mode=mode)
    assert len(p.errors) == 1
    assert p.errors[0].startswith("workflow_template.sen2cor: lifecycle.prevent_destroy is set")
    assert "WorkflowTemplate pipeline/sen2cor" in p.errors[0]
    assert not p.applyable


def test_prevent_destroy_does_not_block_updates():
    keep = wt(lifecycle=Lifecycle(prevent_destroy=True))
    p = plan([wt(image="x", lifecycle=keep.lifecycle)], deployed(keep))
    assert not p.errors and actions(p) == {"workflow_template.sen2cor": Action.UPDATE}


def test_refresh_only_has_no_changes_but_drift():
    live = deployed(wt())
    live.objects[wt().ref] = live_of(
        wt(), manifest=edit(wt(), lambda m: m["spec"].update(entrypoint="other"))
    )
    p = plan([wt(image="new"), cron()], live, mode=Mode.REFRESH_ONLY)
    assert p.changes == ()
    assert [d.address for d in p.drift] == ["workflow_template.sen2cor"]
    assert p.applyable and p.has_changes


def test_refresh_only_without_drift_is_not_applyable():
    p = plan([wt()], deployed(wt()), mode=Mode.REFRESH_ONLY)
    assert not p.applyable and not p.has_changes


def test_targets_select_by_prefix():
    geo_a = wt("a", address="module.geo.workflow_template.a")
    geo_b = wt("b", address='module.geo["x"].workflow_template.b')
    other = wt("c", address="module.geography.workflow_template.c")
    p = plan([geo_a, geo_b, other], state(), targets=["module.geo"])
    assert set(actions(p)) == {
        "module.geo.workflow_template.a",
        'module.geo["x"].workflow_template.b',
    }
    p = plan([geo_a, geo_b, other], state(), targets=['module.geo["x"]'])
    assert set(actions(p)) == {'module.geo["x"].workflow_template.b'}
    assert p.targets == ('module.geo["x"]',)


def test_target_without_index_selects_every_instance():
    tiles = [wt(f"t{i}", address=f'workflow_template.tile["T{i}"]') for i in range(3)]
    p = plan(tiles + [wt()], state(), targets=["workflow_template.tile"])
    assert len(p.changes) == 3


def test_target_brings_dependencies_along():
    c = cron(depends_on=("workflow_template.sen2cor",))
    p = plan([wt(), c, wt("unrelated")], state(), targets=["cron_workflow.nightly"])
    assert set(actions(p)) == {"cron_workflow.nightly", "workflow_template.sen2cor"}


def test_targets_limit_deletions_too():
    p = plan([], deployed(wt(), cron()), targets=["cron_workflow.nightly"])
    assert actions(p) == {"cron_workflow.nightly": Action.DELETE}


def test_read_lists_live_objects_and_absent_declared_ones():
    p = plan([wt(), cron()], deployed(wt()))
    assert dict(p.read) == {wt().ref: "100", cron().ref: None}


def test_changes_are_sorted_by_address():
    p = plan(
        [wt("b", address="workflow_template.b"), wt("a", address="workflow_template.a")], state()
    )
    assert [c.address for c in p.changes] == ["workflow_template.a", "workflow_template.b"]


def test_an_object_of_another_stack_names_that_stack_not_gp_import():
    """gp import refuses an object another stack owns, so the plan must not suggest it."""
    theirs = edit(
        wt(), lambda m: m["metadata"].setdefault("labels", {}).update({STACK_LABEL: "etl"})
    )
    p = plan([wt()], state(live_of(wt(), owned=False, manifest=theirs)))
    assert p.errors == (
        "workflow_template.sen2cor: WorkflowTemplate pipeline/sen2cor exists and belongs to the stack "
        "'etl': remove it from that stack's configuration (and apply there) before declaring it here, "
        "or give this object another name or namespace",
    )
    assert "gp import" not in p.errors[0]
