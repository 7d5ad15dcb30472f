"""Fields others set by ordinary edits (field managers with operation Update) that gp's
configuration never set: shown as drift, and taken back by removing them."""

from __future__ import annotations

from dataclasses import replace

from plan_builders import cron, edit, live_of, plan, state, wt

from gp.planner.plan import Action, FieldDiff


def suspended_by_the_ui(o):
    live = live_of(o, manifest=edit(o, lambda m: m["spec"].update(suspend=True)))
    return replace(live, foreign={"spec": {"suspend": None}})


def test_a_cron_suspended_in_the_ui_is_drift_and_an_update():
    desired = cron()
    p = plan([desired], state(suspended_by_the_ui(desired), record=(desired,)))
    (drift,) = p.drift
    assert drift.fields == (FieldDiff("spec.suspend", None, True),)
    (change,) = p.changes
    assert change.action is Action.UPDATE
    assert change.fields == (FieldDiff("spec.suspend", True, None),)
    assert change.remove == ("spec.suspend",)


def test_without_ownership_information_a_foreign_field_is_invisible():
    desired = cron()
    live = replace(suspended_by_the_ui(desired), foreign=None)
    p = plan([desired], state(live, record=(desired,)))
    assert p.drift == ()
    assert p.changes[0].action is Action.NOOP


def test_a_foreign_edit_of_a_field_gp_sets_is_reverted_not_removed():
    desired = wt()
    live = live_of(
        desired,
        manifest=edit(
            desired,
            lambda m: m["spec"]["templates"][1]["container"].update(image="geo/sen2cor:hotfix"),
        ),
    )
    live = replace(
        live, foreign={"spec": {"templates": {"sen2cor290": {"container": {"image": None}}}}}
    )
    (change,) = plan([desired], state(live, record=(desired,))).changes
    assert change.fields == (
        FieldDiff(
            'spec.templates["sen2cor290"].container.image',
            "geo/sen2cor:hotfix",
            "geo/sen2cor:2.9.0",
        ),
    )
    assert change.remove == ()


def test_a_foreign_field_inside_a_named_list_item_is_removed_by_name():
    desired = wt()
    live = live_of(
        desired,
        manifest=edit(
            desired, lambda m: m["spec"]["templates"][1].update(activeDeadlineSeconds=60)
        ),
    )
    live = replace(
        live, foreign={"spec": {"templates": {"sen2cor290": {"activeDeadlineSeconds": None}}}}
    )
    (change,) = plan([desired], state(live, record=(desired,))).changes
    assert change.remove == ('spec.templates["sen2cor290"].activeDeadlineSeconds',)


def test_the_servers_dry_run_keeps_foreign_fields_but_the_plan_still_removes_them():
    desired = cron()
    live = suspended_by_the_ui(desired)
    calls = []

    def confirm(obj, current):
        calls.append(obj.address)
        return current.manifest  # SSA leaves another manager's suspend in place

    (change,) = plan([desired], state(live, record=(desired,)), confirm=confirm).changes
    assert calls == ["cron_workflow.nightly"]
    assert change.action is Action.UPDATE
    assert change.remove == ("spec.suspend",)


def test_ignore_changes_covers_foreign_fields_too():
    from gp.config.model import Lifecycle

    desired = cron(lifecycle=Lifecycle(ignore_changes=("spec.suspend",)))
    p = plan([desired], state(suspended_by_the_ui(desired), record=(desired,)))
    assert p.drift == ()
    assert p.changes[0].action is Action.NOOP


def test_a_whole_spec_owned_by_an_editor_is_compared_whole():
    # Argo's default CRDs are schemaless: the API server tracks the spec as one field, so an
    # Update anywhere in it makes the editor the owner of all of it.
    desired = cron()
    live = replace(suspended_by_the_ui(desired), foreign={"spec": None})
    p = plan([desired], state(live, record=(desired,)))
    assert p.drift[0].fields == (FieldDiff("spec.suspend", None, True),)
    (change,) = p.changes
    assert change.fields == (FieldDiff("spec.suspend", True, None),)
    assert change.remove == ("spec.suspend",)
