"""What counts as a difference: only gp's fields, normalised, by name, minus ignore_changes."""

from __future__ import annotations

import json

from plan_builders import container_spec, cron, deployed, edit, live_of, obj, plan, state, wt

from gp.config.model import Lifecycle
from gp.planner.plan import Action, FieldDiff


def with_live(o, manifest, *, record=True):
    return state(live_of(o, manifest=manifest), record=(o,) if record else ())


def only_change(p):
    (c,) = p.changes
    return c


def test_server_defaults_and_bookkeeping_are_no_change():
    def server(m):
        m["status"] = {"phase": "x"}
        m["metadata"].update(
            uid="u1",
            resourceVersion="7",
            generation=3,
            creationTimestamp="t",
            managedFields=[{"manager": "gp"}],
            selfLink="/x",
        )
        m["metadata"]["labels"]["workflows.argoproj.io/creator"] = "system-serviceaccount"
        m["metadata"]["labels"]["workflows.argoproj.io/actor"] = "me"
        m["metadata"]["annotations"]["cronworkflows.argoproj.io/last-used-schedule"] = (
            "CRON_TZ= 0 2 * * *"
        )
        m["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}"
        m["spec"]["serviceAccountName"] = "default"  # a full CRD's default, never set by gp
        m["spec"]["templates"][1]["container"]["imagePullPolicy"] = "IfNotPresent"
        m["spec"]["templates"][1]["container"]["resources"] = {}

    for record in (True, False):
        p = plan([wt()], with_live(wt(), edit(wt(), server), record=record))
        assert only_change(p).action is Action.NOOP


def test_go_zero_values_equal_absent():
    desired = obj(
        "WorkflowTemplate",
        "z",
        {
            **container_spec(),
            "suspend": False,
            "arguments": {},
            "hooks": {},
            "parallelism": 0,
            "serviceAccountName": "",
        },
    )
    live = edit(
        desired,
        lambda m: [
            m["spec"].pop(k)
            for k in ("suspend", "arguments", "hooks", "parallelism", "serviceAccountName")
        ],
    )
    assert only_change(plan([desired], with_live(desired, live))).action is Action.NOOP


def test_zero_value_set_by_gp_still_reverts_a_live_edit():
    desired = cron()
    desired.manifest["spec"]["suspend"] = False
    live = edit(desired, lambda m: m["spec"].update(suspend=True))
    c = only_change(plan([desired], with_live(desired, live)))
    assert c.fields == (FieldDiff("spec.suspend", True, False),)


def test_int_or_string_same_value_is_no_change():
    desired = obj("WorkflowTemplate", "r", container_spec(retryStrategy={"limit": "10"}))
    live = edit(desired, lambda m: m["spec"]["templates"][1]["retryStrategy"].update(limit=10))
    assert only_change(plan([desired], with_live(desired, live))).action is Action.NOOP
    live = edit(desired, lambda m: m["spec"]["templates"][1]["retryStrategy"].update(limit=11))
    c = only_change(plan([desired], with_live(desired, live)))
    assert c.fields == (FieldDiff('spec.templates["sen2cor290"].retryStrategy.limit', 11, "10"),)


def test_pod_spec_patch_compared_as_a_document():
    patch = {"containers": [{"name": "main", "resources": {"limits": {"memory": "2Gi"}}}]}
    desired = obj("WorkflowTemplate", "p", {**container_spec(), "podSpecPatch": json.dumps(patch)})
    as_yaml = "containers:\n  - name: main\n    resources:\n      limits:\n        memory: 2Gi\n"
    live = edit(desired, lambda m: m["spec"].update(podSpecPatch=as_yaml))
    assert only_change(plan([desired], with_live(desired, live))).action is Action.NOOP
    live = edit(desired, lambda m: m["spec"].update(podSpecPatch=as_yaml.replace("2Gi", "4Gi")))
    c = only_change(plan([desired], with_live(desired, live)))
    assert [f.path for f in c.fields] == [
        'spec.podSpecPatch.containers["main"].resources.limits.memory'
    ]
    assert (c.fields[0].before, c.fields[0].after) == ("4Gi", "2Gi")


def test_field_gp_set_last_time_and_no_longer_sets_is_a_change():
    before = obj("WorkflowTemplate", "w", {**container_spec(), "activeDeadlineSeconds": 600})
    now = wt("w")
    c = only_change(plan([now], deployed(before)))
    assert c.action is Action.UPDATE
    assert c.fields == (FieldDiff("spec.activeDeadlineSeconds", 600, None),)


def test_field_only_the_server_set_is_not_a_change_even_without_record():
    live = edit(wt(), lambda m: m["spec"].update(activeDeadlineSeconds=600))
    assert only_change(plan([wt()], state(live_of(wt(), manifest=live)))).action is Action.NOOP


def test_name_keyed_lists_match_by_name_not_position():
    desired = wt()
    # The server returns templates in another order: not a change.
    live = edit(desired, lambda m: m["spec"]["templates"].reverse())
    assert only_change(plan([desired], with_live(desired, live))).action is Action.NOOP


def test_new_and_removed_list_items_are_named():
    def add_env(m):
        m["spec"]["templates"][1]["container"]["env"] = [{"name": "LOG", "value": "info"}]
        m["spec"]["templates"][0]["dag"]["tasks"].append(
            {"name": "extra", "template": "sen2cor290"}
        )

    desired = obj("WorkflowTemplate", "sen2cor", edit(wt(), add_env)["spec"])
    c = only_change(plan([desired], deployed(wt())))
    assert [(f.path, f.before, f.after) for f in c.fields] == [
        (
            'spec.templates["main"].dag.tasks["extra"]',
            None,
            {"name": "extra", "template": "sen2cor290"},
        ),
        ('spec.templates["sen2cor290"].container.env', None, [{"name": "LOG", "value": "info"}]),
    ]
    c = only_change(plan([wt()], deployed(desired)))
    assert [(f.path, f.after) for f in c.fields] == [
        ('spec.templates["main"].dag.tasks["extra"]', None),
        ('spec.templates["sen2cor290"].container.env', None),
    ]


def test_mostly_new_list_items_are_still_named_one_by_one():
    # deepdiff would call the whole list replaced when under a third of its names match.
    def renamed(m):
        m["spec"]["templates"][1]["name"] = "sen2cor280"
        m["spec"]["templates"].append({"name": "report", "container": {"image": "busybox"}})
        m["spec"]["templates"].append({"name": "notify", "container": {"image": "busybox"}})

    desired = obj("WorkflowTemplate", "sen2cor", edit(wt(), renamed)["spec"])
    c = only_change(plan([desired], deployed(wt())))
    assert [f.path for f in c.fields] == [
        'spec.templates["notify"]',
        'spec.templates["report"]',
        'spec.templates["sen2cor280"]',
        'spec.templates["sen2cor290"]',
    ]


def test_env_item_change_is_named():
    def env(value):
        return lambda m: m["spec"]["templates"][1]["container"].update(
            env=[{"name": "A", "value": "1"}, {"name": "LOG", "value": value}]
        )

    old = obj("WorkflowTemplate", "sen2cor", edit(wt(), env("info"))["spec"])
    new = obj("WorkflowTemplate", "sen2cor", edit(wt(), env("debug"))["spec"])
    c = only_change(plan([new], deployed(old)))
    assert c.fields == (
        FieldDiff('spec.templates["sen2cor290"].container.env["LOG"].value', "info", "debug"),
    )


def test_tolerations_keyed_by_key():
    def tol(effect):
        return {
            **container_spec(),
            "tolerations": [
                {"key": "gpu", "operator": "Exists"},
                {"key": "ga.nodepool/type", "operator": "Exists", "effect": effect},
            ],
        }

    c = only_change(
        plan(
            [obj("WorkflowTemplate", "t", tol("NoExecute"))],
            deployed(obj("WorkflowTemplate", "t", tol("NoSchedule"))),
        )
    )
    assert c.fields == (
        FieldDiff('spec.tolerations["ga.nodepool/type"].effect', "NoSchedule", "NoExecute"),
    )


def test_plain_lists_change_as_a_whole():
    new = obj(
        "WorkflowTemplate",
        "sen2cor",
        edit(wt(), lambda m: m["spec"]["templates"][1]["container"].update(args=["a", "c", "d"]))[
            "spec"
        ],
    )
    c = only_change(plan([new], deployed(wt())))
    assert c.fields == (
        FieldDiff('spec.templates["sen2cor290"].container.args', ["a", "b"], ["a", "c", "d"]),
    )


def test_label_keys_with_dots_are_quoted():
    new = edit(wt(), lambda m: m["metadata"]["labels"].update({"app.kubernetes.io/part-of": "geo"}))
    c = only_change(plan([wt()], with_live(wt(), new)))
    assert c.action is Action.NOOP  # a label someone else added is not gp's field
    old = edit(wt(), lambda m: m["metadata"]["labels"].update({"app.kubernetes.io/part-of": "x"}))
    c = only_change(plan([wt()], deployed_as(old)))
    assert c.fields == (FieldDiff('metadata.labels["app.kubernetes.io/part-of"]', "x", None),)


def deployed_as(manifest):
    """gp applied ``manifest`` last time for wt()."""
    o = wt()
    applied = type(o)(o.address, o.ref, manifest)
    return state(live_of(o, manifest=manifest), record=(applied,))


def test_ignore_changes_leaves_paths_out_and_keeps_live_values():
    ignore = ('spec.templates["sen2cor290"].container.image', "spec.templates.main.dag")
    life = Lifecycle(ignore_changes=ignore)
    desired = wt(image="new", lifecycle=life)
    live = edit(wt(), lambda m: m["spec"]["templates"][0]["dag"]["tasks"][0].update(template="x"))
    c = only_change(plan([desired], with_live(desired, live)))
    assert c.action is Action.NOOP
    # What apply sends keeps the live values at ignored paths, so it does not undo them.
    assert c.after["spec"]["templates"][1]["container"]["image"] == "geo/sen2cor:2.9.0"
    assert c.after["spec"]["templates"][0]["dag"]["tasks"][0]["template"] == "x"
    assert desired.manifest["spec"]["templates"][1]["container"]["image"] == "new"


def test_ignore_changes_still_shows_other_fields():
    life = Lifecycle(ignore_changes=("spec.entrypoint",))
    desired = wt(image="new", lifecycle=life)
    live = edit(wt(), lambda m: m["spec"].update(entrypoint="other"))
    c = only_change(plan([desired], with_live(desired, live)))
    assert [f.path for f in c.fields] == ['spec.templates["sen2cor290"].container.image']
    assert c.after["spec"]["entrypoint"] == "other"


def test_ignore_changes_all_leaves_an_existing_object_alone():
    desired = wt(image="geo/sen2cor:3.0", lifecycle=Lifecycle(ignore_changes=("all",)))
    live = edit(wt(), lambda m: m["metadata"]["labels"].update(team="geo"))
    c = only_change(plan([desired], with_live(wt(), live)))
    assert c.action is Action.NOOP
    assert c.after["spec"] == wt().manifest["spec"]  # what apply would send is the live spec
    created = only_change(plan([desired], state()))
    assert created.action is Action.CREATE and created.after == desired.manifest


def test_invalid_ignore_path_is_a_plan_error():
    desired = wt(lifecycle=Lifecycle(ignore_changes=("spec..x",)))
    p = plan([desired], deployed(wt()))
    assert p.errors and p.errors[0].startswith(
        "workflow_template.sen2cor: lifecycle.ignore_changes: invalid path"
    )


class Confirm:
    def __init__(self, answer=None):
        self.calls = []
        self.answer = answer

    def __call__(self, o, live):
        self.calls.append((o.address, live.resource_version))
        return self.answer(o, live) if self.answer else o.manifest


def test_confirm_is_called_only_on_local_differences():
    confirm = Confirm()
    desired = [wt(), wt("b", image="new"), cron(), wt("fresh")]
    p = plan(desired, deployed(wt(), wt("b"), cron()), confirm=confirm)
    assert confirm.calls == [("workflow_template.b", "100")]
    assert {c.address: c.action for c in p.changes}["workflow_template.b"] is Action.UPDATE


def test_confirm_can_overrule_a_local_difference():
    # The server says applying changes nothing (e.g. a default gp cannot know): no-op.
    confirm = Confirm(answer=lambda o, live: live.manifest)
    p = plan([wt(image="new")], deployed(wt()), confirm=confirm)
    assert len(confirm.calls) == 1 and only_change(p).action is Action.NOOP


def test_confirm_result_is_normalised_before_comparing():
    def dry_run(o, live):
        m = json.loads(json.dumps(o.manifest))
        m["metadata"].update(resourceVersion="101", generation=2, managedFields=[{"manager": "gp"}])
        m["status"] = {}
        return m

    confirm = Confirm(answer=dry_run)
    c = only_change(plan([wt(image="new")], deployed(wt()), confirm=confirm))
    assert [f.path for f in c.fields] == ['spec.templates["sen2cor290"].container.image']
