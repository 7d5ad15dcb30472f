from __future__ import annotations

import dataclasses
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from gp.compile.objects import STACK_LABEL, ObjectRef
from gp.errors import ConflictError, LockError, PlanError, ProviderError
from gp.planner.plan import Action, LiveObject
from gp.providers import directory as directory_mod
from gp.providers.directory import DirectoryProvider


@pytest.fixture
def provider(tmp_path: Path, clock) -> DirectoryProvider:
    return DirectoryProvider(
        tmp_path / "deploy", "pipeline", identity="ci@runner", clock=clock, poll_s=0.01
    )


def _create_two(provider, b):
    wt = b.manifest("WorkflowTemplate", "sen2cor", entrypoint="main", templates=[{"name": "main"}])
    cwt = b.manifest("ClusterWorkflowTemplate", "shared", namespace=None, templates=[{"name": "x"}])
    plan = b.plan(
        provider.target, b.change(Action.CREATE, None, wt), b.change(Action.CREATE, None, cwt)
    )
    return wt, cwt, provider.apply(plan)


def test_apply_writes_one_file_per_object_in_the_documented_layout(provider, b):
    wt, cwt, result = _create_two(provider, b)
    assert result.ok and len(result.applied) == 2
    wt_file = provider.root / "pipeline" / "workflowtemplate" / "sen2cor.yaml"
    cwt_file = provider.root / "_cluster" / "clusterworkflowtemplate" / "shared.yaml"
    assert yaml.safe_load(wt_file.read_text()) == wt
    assert yaml.safe_load(cwt_file.read_text()) == cwt


def test_record_names_what_the_stack_owns_and_who_applied(provider, b, clock):
    wt, _cwt, _ = _create_two(provider, b)
    doc = json.loads((provider.root / ".gp" / "geo.json").read_text())
    assert doc["applied_by"] == "ci@runner"
    assert doc["applied_at"] == "2030-01-01T00:00:00Z"
    assert doc["format_version"] == "2"
    # Keyed by identity; the address is an attribute.
    entry = doc["objects"]["WorkflowTemplate/pipeline/sen2cor"]
    assert (entry["address"], entry["applied"]) == ("workflowtemplate.sen2cor", wt)
    assert doc["objects"]["ClusterWorkflowTemplate/shared"]["namespace"] is None
    record = provider.owned("geo")
    assert set(record.entries) == {"workflowtemplate.sen2cor", "clusterworkflowtemplate.shared"}
    assert record.entries["clusterworkflowtemplate.shared"].ref.namespace is None


def test_reread_sees_owned_objects_with_content_hash_versions(provider, b):
    wt, cwt, _ = _create_two(provider, b)
    state = provider.read("geo", [])
    assert set(state.objects) == {b.ref(wt), b.ref(cwt)}
    live = state.objects[b.ref(wt)]
    assert live.owned and live.address == "workflowtemplate.sen2cor"
    assert live.manifest == wt
    again = provider.read("geo", [])
    assert again.objects[b.ref(wt)].resource_version == live.resource_version
    assert provider.changed_refs({b.ref(wt): live.resource_version}) == []


def test_yaml_is_stable_and_keeps_scripts_readable(provider, b):
    wt = b.manifest(
        "WorkflowTemplate",
        "s",
        templates=[{"name": "a", "script": {"source": "print(1)\nprint(2)\n"}}],
    )
    provider.apply(b.plan(provider.target, b.change(Action.CREATE, None, wt)))
    path = provider.path_for(b.ref(wt))
    first = path.read_bytes()
    assert b"source: |\n" in first
    shuffled = dict(reversed(list(wt.items())))
    rv = provider.read("geo", []).objects[b.ref(wt)].resource_version
    provider.apply(b.plan(provider.target, b.change(Action.UPDATE, wt, shuffled, rv)))
    assert path.read_bytes() == first


def test_update_refused_when_the_file_changed_since_the_plan(provider, b):
    wt, _, _ = _create_two(provider, b)
    rv = provider.read("geo", []).objects[b.ref(wt)].resource_version
    path = provider.path_for(b.ref(wt))
    path.write_text(path.read_text() + "# hand edit\n")
    assert provider.changed_refs({b.ref(wt): rv}) == [b.ref(wt)]
    newer = b.manifest("WorkflowTemplate", "sen2cor", entrypoint="other")
    result = provider.apply(b.plan(provider.target, b.change(Action.UPDATE, wt, newer, rv)))
    assert not result.ok
    [(failed, reason)] = result.failed
    assert failed.address == "workflowtemplate.sen2cor"
    assert "changed since the plan was made" in reason and rv in reason
    assert "# hand edit" in path.read_text()
    # The failed update keeps what was last applied as the record's base.
    assert provider.owned("geo").entries["workflowtemplate.sen2cor"].applied == wt


def test_delete_prunes_file_empty_dirs_and_finally_the_record(provider, b):
    wt, cwt, _ = _create_two(provider, b)
    live = provider.read("geo", []).objects
    plan = b.plan(
        provider.target,
        b.change(Action.DELETE, wt, None, live[b.ref(wt)].resource_version),
        b.change(Action.DELETE, cwt, None, live[b.ref(cwt)].resource_version),
    )
    result = provider.apply(plan)
    assert result.ok
    assert not (provider.root / "pipeline").exists()
    assert not (provider.root / "_cluster").exists()
    assert not (provider.root / ".gp" / "geo.json").exists()
    assert provider.owned("geo").entries == {}


def test_create_over_an_existing_file_fails_and_reports_the_rest(provider, b):
    foreign = b.manifest("WorkflowTemplate", "taken", stack="other")
    path = provider.path_for(b.ref(foreign))
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(foreign))
    ours = b.manifest("WorkflowTemplate", "taken")
    fine = b.manifest("WorkflowTemplate", "fine")
    result = provider.apply(
        b.plan(
            provider.target,
            b.change(Action.CREATE, None, ours),
            b.change(Action.CREATE, None, fine),
        )
    )
    assert [c.address for c in result.applied] == ["workflowtemplate.fine"]
    assert "already exists" in result.failed[0][1]
    assert yaml.safe_load(path.read_text()) == foreign
    assert set(provider.owned("geo").entries) == {"workflowtemplate.fine"}


def test_read_returns_declared_but_unowned_objects_as_not_owned(provider, b):
    foreign = b.manifest("WorkflowTemplate", "taken", stack="other")
    other = b.manifest("WorkflowTemplate", "unrelated", stack="other")
    for m in (foreign, other):
        path = provider.path_for(b.ref(m))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(m))
    state = provider.read("geo", [b.compiled(b.manifest("WorkflowTemplate", "taken"))])
    assert list(state.objects) == [b.ref(foreign)]
    assert state.objects[b.ref(foreign)].owned is False


def test_deleting_a_file_of_another_stack_is_refused(provider, b):
    foreign = b.manifest("WorkflowTemplate", "taken", stack="other")
    path = provider.path_for(b.ref(foreign))
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(foreign))
    result = provider.apply(b.plan(provider.target, b.change(Action.DELETE, foreign, None)))
    assert "not marked as belonging to the stack 'geo'" in result.failed[0][1]
    assert path.exists()


def test_invalid_yaml_names_the_file(provider, b):
    path = provider.root / "pipeline" / "workflowtemplate" / "bad.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("a: [unclosed\n")
    with pytest.raises(ProviderError, match="bad.yaml: not valid YAML"):
        provider.read("geo", [])


def test_a_plan_for_another_target_is_refused(provider, b, tmp_path):
    other = DirectoryProvider(tmp_path / "elsewhere", "pipeline")
    plan = b.plan(other.target, b.change(Action.CREATE, None, b.manifest("WorkflowTemplate", "x")))
    with pytest.raises(ProviderError, match="the plan targets"):
        provider.apply(plan)


def test_a_plan_with_errors_is_refused(provider, b):
    plan = b.plan(
        provider.target, b.change(Action.CREATE, None, b.manifest("WorkflowTemplate", "x"))
    )
    bad = type(plan)(**{**plan.__dict__, "errors": ("prevent_destroy on workflow_template.x",)})
    with pytest.raises(
        PlanError, match="cannot be applied: prevent_destroy on workflow_template.x"
    ):
        provider.apply(bad)
    assert not provider.path_for(b.ref(b.manifest("WorkflowTemplate", "x"))).exists()


def test_interrupted_write_leaves_the_old_file_and_no_temp_files(provider, b, monkeypatch):
    wt, _, _ = _create_two(provider, b)
    path = provider.path_for(b.ref(wt))
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(directory_mod.os, "replace", crash)
    with pytest.raises(OSError):
        directory_mod.write_atomically(path, b"half")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["sen2cor.yaml"]


def test_changed_refs_lists_objects_that_appeared_or_vanished(provider, b):
    wt, _, _ = _create_two(provider, b)
    rv = provider.read("geo", []).objects[b.ref(wt)].resource_version
    ghost = ObjectRef("argoproj.io/v1alpha1", "CronWorkflow", "pipeline", "ghost")
    assert provider.changed_refs({b.ref(wt): None, ghost: None}) == [b.ref(wt)]
    assert provider.changed_refs({ghost: "abc"}) == [ghost]
    assert rv


def test_dry_run_is_the_manifest_as_written(provider, b):
    m = b.manifest("WorkflowTemplate", "x", arguments={"parameters": [{"name": "a", "value": "1"}]})
    assert provider.dry_run(b.compiled(m), None) == m


def test_adopt_marks_the_file_and_records_it(provider, b):
    plain = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "legacy", "namespace": "pipeline"},
        "spec": {"entrypoint": "a"},
    }
    path = provider.root / "pipeline" / "workflowtemplate" / "legacy.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(plain))
    live = provider.adopt(b.ref(plain), "geo", "workflow_template.legacy")
    assert (
        isinstance(live, LiveObject) and live.owned and live.address == "workflow_template.legacy"
    )
    assert yaml.safe_load(path.read_text())["metadata"]["labels"][STACK_LABEL] == "geo"
    assert provider.owned("geo").entries["workflow_template.legacy"].applied["spec"] == {
        "entrypoint": "a"
    }


def test_adopt_refuses_missing_and_foreign_objects(provider, b):
    foreign = b.manifest("WorkflowTemplate", "taken", stack="other")
    with pytest.raises(ProviderError, match="does not exist"):
        provider.adopt(b.ref(foreign), "geo", "workflow_template.taken")
    path = provider.path_for(b.ref(foreign))
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(foreign))
    with pytest.raises(ConflictError, match="already belongs to the stack 'other'"):
        provider.adopt(b.ref(foreign), "geo", "workflow_template.taken")


def test_record_of_another_stack_or_corrupt_is_an_error(provider):
    path = provider.root / ".gp" / "geo.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(ProviderError, match="geo.json is not valid"):
        provider.owned("geo")


# -- the lock ----------------------------------------------------------------------------


def test_second_locker_gives_up_naming_holder_and_lock_id(provider):
    with provider.lock("geo", "alice@laptop", timeout_s=0) as info:
        with pytest.raises(LockError) as err:
            with provider.lock("geo", "bob@ci", timeout_s=0.05):
                pass
        assert "alice@laptop" in str(err.value) and info.lock_id in str(err.value)
        assert f"gp unlock {info.lock_id}" in str(err.value)
    # Released on exit: the next locker gets it at once.
    with provider.lock("geo", "bob@ci", timeout_s=0) as again:
        assert again.holder == "bob@ci"
    assert not (provider.root / ".gp" / "geo.lock").exists()


def test_locks_are_per_stack(provider):
    with provider.lock("geo", "alice", 0), provider.lock("other", "bob", 0) as info:
        assert info.holder == "bob"


def test_an_expired_lock_is_taken_over(provider, clock):
    cm = provider.lock("geo", "crashed@ci", 0)
    stale = cm.__enter__()  # never exited: the process "crashed"
    clock.now += timedelta(seconds=provider.lock_seconds + 1)
    with provider.lock("geo", "bob@ci", timeout_s=0) as info:
        assert info.lock_id != stale.lock_id
        held = json.loads((provider.root / ".gp" / "geo.lock").read_text())
        assert held["lock_id"] == info.lock_id and held["holder"] == "bob@ci"
    assert not list((provider.root / ".gp").glob("*.stale"))


def test_unlock_needs_the_matching_lock_id(provider):
    cm = provider.lock("geo", "crashed@ci", 0)
    info = cm.__enter__()
    with pytest.raises(LockError, match="does not match the lock on stack 'geo'.*crashed@ci"):
        provider.unlock("geo", "wrong-id")
    provider.unlock("geo", info.lock_id)
    with provider.lock("geo", "bob", 0) as mine:
        assert mine.holder == "bob"
    with pytest.raises(LockError, match="is not locked"):
        provider.unlock("geo", info.lock_id)


def test_a_lock_file_left_empty_by_a_crash_expires(provider, clock):
    path = provider.root / ".gp" / "geo.lock"
    path.parent.mkdir(parents=True)
    path.write_text("")
    old = clock.now.timestamp() - 60
    os.utime(path, (old, old))
    with provider.lock("geo", "bob", 0) as info:
        assert info.holder == "bob"


def test_replace_removes_the_prior_object_and_writes_the_new_one(provider, b):
    old = b.manifest("WorkflowTemplate", "old-name")
    provider.apply(b.plan(provider.target, b.change(Action.CREATE, None, old)))
    rv = provider.read("geo", []).objects[b.ref(old)].resource_version
    new = b.manifest("WorkflowTemplate", "new-name")
    replace = dataclasses.replace(b.change(Action.REPLACE, old, new, rv), prior_ref=b.ref(old))
    assert provider.apply(b.plan(provider.target, replace)).ok
    assert not provider.path_for(b.ref(old)).exists()
    assert yaml.safe_load(provider.path_for(b.ref(new)).read_text()) == new


@pytest.mark.parametrize(
    ("namespace", "name"),
    [("../../x", "t"), ("..", "t"), ("pipeline", "../../../escaped"), (".gp", "t"), ("a/b", "t")],
)
def test_a_path_outside_the_folder_is_refused(provider, b, tmp_path, namespace, name):
    """Validate rejects such names; the provider refuses them too (a plan made elsewhere)."""
    wt = b.manifest("WorkflowTemplate", name, namespace=namespace, templates=[{"name": "main"}])
    result = provider.apply(b.plan(provider.target, b.change(Action.CREATE, None, wt)))
    assert not result.ok and len(result.failed) == 1
    assert "refusing to use" in result.failed[0][1] and "under" in result.failed[0][1]
    written = list(tmp_path.rglob("*.yaml"))
    assert written == []
    with pytest.raises(ProviderError, match="refusing to use"):
        provider.path_for(b.ref(wt))
