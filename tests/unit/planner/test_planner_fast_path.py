"""An object found exactly as gp left it costs a fingerprint: no normalisation, projection or
diff runs for it, and the plan is the one the full comparison makes."""

from __future__ import annotations

import pytest
from plan_builders import cron, deployed, edit, live_of, plan, wt

from gp.planner import make
from gp.planner.fingerprint import fingerprint
from gp.planner.plan import Action


def _no_diff(*args, **kwargs):
    raise AssertionError("an object as gp left it was prepared for a diff")


def server_fields(m):
    m["metadata"].update(uid="u-1", resourceVersion="7", generation=1, creationTimestamp="t")
    m["status"] = {"lastScheduledTime": "t"}


def test_objects_as_left_are_not_diffed(monkeypatch):
    live = deployed(wt(), cron())
    for o in (wt(), cron()):
        live.objects[o.ref] = live_of(o, manifest=edit(o, server_fields))
    monkeypatch.setattr(make, "prepare", _no_diff)
    monkeypatch.setattr(make, "field_changes", _no_diff)
    p = plan([wt(), cron()], live)
    assert p.drift == ()
    assert [(c.address, c.action) for c in p.changes] == [
        ("cron_workflow.nightly", Action.NOOP),
        ("workflow_template.sen2cor", Action.NOOP),
    ]
    change = p.changes[1]
    assert change.after == wt().manifest
    assert change.before == wt().manifest  # the server's fields set aside, as before
    assert change.resource_version == "100"


def test_the_fast_path_gives_the_plan_the_full_comparison_gives(monkeypatch):
    live = deployed(wt(), cron())
    fast = plan([wt(), cron()], live)
    monkeypatch.setattr(make._Planner, "as_left", lambda self, live, manifest: False)
    assert plan([wt(), cron()], live) == fast


@pytest.mark.parametrize("value", [1, 1.0, "true"])
def test_a_value_of_another_type_is_no_match(value):
    """true == 1 == 1.0 in Python; the fingerprint keeps them apart, so the full comparison
    (which treats "1" and 1 alike but not true and 1) decides."""
    assert fingerprint({"suspend": True}) != fingerprint({"suspend": value})
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})


def test_a_live_edit_still_goes_through_the_diff():
    live = deployed(wt())
    edited = edit(wt(), lambda m: m["spec"]["templates"][1]["container"].update(image="hotfix"))
    live.objects[wt().ref] = live_of(wt(), manifest=edited)
    p = plan([wt()], live)
    assert len(p.drift) == 1 and p.changes[0].action is Action.UPDATE


PAIRS = [
    (
        {"spec": {"a": 1, "b": {"c": [1, 2], "d": "x"}}},
        {"spec": {"a": 1, "b": {"c": [1, 3], "d": "x"}}},
    ),
    ({"spec": {"a": True, "b": "same"}}, {"spec": {"a": 1, "b": "same"}}),
    ({"spec": {"a": {"x": 1}}}, {"spec": {"a": [1]}}),
    (
        {"spec": {"gone": 1, "kept": {"deep": {"v": 1}}}},
        {"spec": {"new": 2, "kept": {"deep": {"v": 2}}}},
    ),
    ({"spec": {"n": 1}}, {"spec": {"n": 1.0}}),
]


@pytest.mark.parametrize("before,after", PAIRS)
def test_pruning_shared_entries_keeps_deepdiffs_answer(before, after, monkeypatch):
    from gp.planner import diff

    pruned = diff.field_changes(diff.prepare(before), diff.prepare(after))
    monkeypatch.setattr(diff, "_pruned", lambda a, b: (a, b))
    assert diff.field_changes(diff.prepare(before), diff.prepare(after)) == pruned


def test_a_change_in_one_step_diffs_only_that_step():
    from gp.planner import diff

    steps = {f"s{i}": {"name": f"s{i}", "container": {"image": "a"}} for i in range(50)}
    before = {"spec": {"templates": list(steps.values())}}
    after = edit_image(before, "s7", "b")
    a, b = diff._pruned(diff.canonical(diff.prepare(before)), diff.canonical(diff.prepare(after)))
    assert list(a["spec"]["templates"]) == ["s7"] and list(b["spec"]["templates"]) == ["s7"]


def edit_image(tree, step, image):
    import copy

    out = copy.deepcopy(tree)
    for t in out["spec"]["templates"]:
        if t["name"] == step:
            t["container"]["image"] = image
    return out


COUNTED = [
    {},
    {"spec": {}},
    {
        "metadata": {"name": "x", "uid": "u", "labels": {}},
        "status": {"a": 1},
        "spec": {"a": [], "b": [1, 2]},
    },
    {
        "spec": {
            "templates": [
                {"name": "a", "container": {"image": "i", "env": [{"name": "X", "value": "1"}]}},
                {
                    "name": "b",
                    "podSpecPatch": '{"containers": [{"name": "main", "resources": {}}]}',
                },
            ]
        }
    },
    {
        "spec": {
            "tolerations": [{"key": "k", "operator": "Exists"}, {"key": "j"}],
            "dup": [{"name": "a"}, {"name": "a"}],
        }
    },
    {
        "spec": {
            "podSpecPatch": "not: [yaml",
            "steps": [[{"name": "s"}], [{"name": "t", "x": {"y": {}}}]],
        }
    },
]


@pytest.mark.parametrize("manifest", COUNTED)
def test_leaf_count_counts_what_leaf_paths_lists(manifest):
    from gp.planner.diff import prepare
    from gp.planner.normalize import strip_server_fields
    from gp.planner.paths import leaf_count, leaf_paths

    assert leaf_count(strip_server_fields(manifest)) == sum(
        1 for _ in leaf_paths(prepare(manifest))
    )
