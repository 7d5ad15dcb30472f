from __future__ import annotations

import json
import socket

import pytest
from kubernetes import client

from gp.compile.objects import ObjectRef
from gp.config.model import ProviderConfig
from gp.errors import ProviderError, SourcePos, UnreachableError
from gp.planner.plan import Action, Drift, Mode
from gp.planner.stack_record import RecordEntry, StackRecord
from gp.providers.conflicts import conflict_message, decide, is_field_conflict, parse_conflicts
from gp.providers.directory import DirectoryProvider
from gp.providers.factory import make_provider
from gp.providers.kinds import object_name
from gp.providers.kubeconfig import kubeconfig_paths, load_configuration, tune
from gp.providers.kubernetes import KubernetesProvider
from gp.providers.lease import LeaseLock, micro_time
from gp.providers.locking import parse_iso
from gp.providers.manifests import dump_yaml
from gp.providers.record import next_record, record_from_json, record_to_json

# A 409 as kube-apiserver sends it for a server-side apply conflict.
CONFLICT = {
    "kind": "Status",
    "status": "Failure",
    "message": 'Apply failed with 2 conflicts: conflict with "argocd-controller" using argoproj.io/v1alpha1: .spec\n'
    'conflict with "kubectl-edit" using argoproj.io/v1alpha1: .metadata.labels.team',
    "reason": "Conflict",
    "details": {
        "causes": [
            {
                "reason": "FieldManagerConflict",
                "message": 'conflict with "argocd-controller" using argoproj.io/v1alpha1',
                "field": ".spec",
            },
            {
                "reason": "FieldManagerConflict",
                "message": 'conflict with "kubectl-edit" using argoproj.io/v1alpha1',
                "field": ".metadata.labels.team",
            },
        ]
    },
    "code": 409,
}
STALE = {
    "kind": "Status",
    "message": 'Operation cannot be fulfilled on workflowtemplates.argoproj.io "t": the object has been modified; please apply your changes to the latest version and try again',
    "reason": "Conflict",
    "code": 409,
}
MANAGED = [
    {"manager": "argocd-controller", "operation": "Apply", "fieldsV1": {"f:spec": {}}},
    {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:metadata": {}}},
    {"manager": "gp", "operation": "Apply", "fieldsV1": {}},
]


def test_conflict_parsing_tells_field_conflicts_from_stale_versions():
    assert is_field_conflict(CONFLICT) and not is_field_conflict(STALE)
    assert [(c.manager, c.field) for c in parse_conflicts(CONFLICT)] == [
        ("argocd-controller", ".spec"),
        ("kubectl-edit", ".metadata.labels.team"),
    ]
    no_causes = {"message": CONFLICT["message"]}
    assert [c.manager for c in parse_conflicts(no_causes)] == ["argocd-controller", "kubectl-edit"]


def test_update_managers_are_overridden_appliers_stop_the_object():
    stop = decide(CONFLICT, MANAGED, "gp", force_conflicts=False)
    assert stop.blocking == ("argocd-controller",) and stop.fields == (".spec",) and not stop.force
    message = conflict_message("WorkflowTemplate/ns/t", stop)
    assert message.startswith(
        'WorkflowTemplate/ns/t is also managed by "argocd-controller" with server-side apply (.spec)'
    )
    assert "--force-conflicts (force_conflicts=True from Python)" in message
    assert decide(CONFLICT, MANAGED, "gp", force_conflicts=True).force
    only_edit = dict(CONFLICT, details={"causes": [CONFLICT["details"]["causes"][1]]})
    assert decide(only_edit, MANAGED, "gp", force_conflicts=False) == decide(
        only_edit, MANAGED, "gp", True
    )
    assert decide(only_edit, MANAGED, "gp", False).force


def test_record_json_round_trip_and_errors():
    ref = ObjectRef("argoproj.io/v1alpha1", "ClusterWorkflowTemplate", None, "shared")
    record = StackRecord(
        "geo", {"cluster_workflow_template.shared": RecordEntry(ref, {"kind": "x"})}, "t", "me"
    )
    text = record_to_json(record)
    assert record_from_json(text, "geo", "here") == record
    stored = json.loads(text)["objects"]["ClusterWorkflowTemplate/shared"]
    assert (stored["address"], stored["namespace"]) == ("cluster_workflow_template.shared", None)
    with pytest.raises(
        ProviderError, match="the stack record here belongs to stack 'geo', not 'other'"
    ):
        record_from_json(text, "other", "here")
    with pytest.raises(ProviderError, match="the stack record here is not valid"):
        record_from_json('{"objects": {"a": {}}}', "geo", "here")


def test_next_record_takes_applied_changes_and_keeps_failed_ones(b, tmp_path):
    target = DirectoryProvider(tmp_path, "pipeline").target
    kept, gone, new = (b.manifest("WorkflowTemplate", n) for n in ("kept", "gone", "new"))
    failed = b.manifest("WorkflowTemplate", "failed")
    old = StackRecord(
        "geo",
        {
            "workflowtemplate.kept": RecordEntry(b.ref(kept), kept),
            "workflowtemplate.gone": RecordEntry(b.ref(gone), gone),
            "workflowtemplate.failed": RecordEntry(b.ref(failed), failed),
        },
    )
    changes = [
        b.change(Action.DELETE, gone, None),
        b.change(Action.CREATE, None, new),
        b.change(Action.UPDATE, failed, dict(failed, spec={"x": 1})),
        b.change(Action.NOOP, kept, kept),
    ]
    plan = b.plan(target, *changes)
    nxt = next_record(old, plan, changes[:2], "2030", "me")
    assert list(nxt.entries) == [
        "workflowtemplate.failed",
        "workflowtemplate.kept",
        "workflowtemplate.new",
    ]
    assert nxt.entries["workflowtemplate.failed"].applied == failed
    assert (nxt.applied_at, nxt.applied_by) == ("2030", "me")


def test_refresh_only_accepts_drift_into_the_record(b, tmp_path):
    target = DirectoryProvider(tmp_path, "pipeline").target
    t = b.manifest("WorkflowTemplate", "t")
    live = dict(t, status={"x": 1}, spec={"edited": True})
    old = StackRecord("geo", {"workflowtemplate.t": RecordEntry(b.ref(t), t)})
    plan = b.plan(target, mode=Mode.REFRESH_ONLY)
    plan = type(plan)(
        **{**plan.__dict__, "drift": (Drift("workflowtemplate.t", b.ref(t), t, live),)}
    )
    nxt = next_record(old, plan, [], "now", "me")
    assert nxt.entries["workflowtemplate.t"].applied["spec"] == {"edited": True}
    assert "status" not in nxt.entries["workflowtemplate.t"].applied


def test_object_names_are_dns_names():
    assert object_name("gp-stack-", "geo") == "gp-stack-geo"
    odd = object_name("gp-stack-", "My_Stack")
    assert odd.startswith("gp-stack-my-stack-") and len(odd) == len("gp-stack-my-stack-") + 8
    assert len(object_name("gp-lock-", "x" * 100)) <= 63
    assert object_name("gp-stack-", "My_Stack") != object_name("gp-stack-", "my-stack")


def test_stable_yaml_sorts_keys_and_uses_literal_blocks():
    assert dump_yaml({"b": 1, "a": "x\ny\n"}) == "a: |\n  x\n  y\nb: 1\n"


def test_lease_times_use_microtime_and_expire_from_renewal():
    assert micro_time(parse_iso("2030-01-01T00:00:00Z")) == "2030-01-01T00:00:00.000000Z"
    info = LeaseLock.info_of(
        {
            "metadata": {"annotations": {"gp.dev/lock-id": "abc"}},
            "spec": {
                "holderIdentity": "me",
                "leaseDurationSeconds": 30,
                "acquireTime": "2030-01-01T00:00:00.000000Z",
                "renewTime": "2030-01-01T00:01:00.000000Z",
            },
        }
    )
    assert (info.lock_id, info.holder, info.expires_at) == ("abc", "me", "2030-01-01T00:01:30Z")


def test_kubeconfig_lookup_order(tmp_path, monkeypatch):
    given = tmp_path / "kc"
    given.write_text("")
    env = tmp_path / "env-kc"
    env.write_text("")
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path / 'missing'}:{env}")
    assert kubeconfig_paths({"kubeconfig": "kc"}, tmp_path) == [given]
    assert kubeconfig_paths({}, tmp_path) == [env]
    monkeypatch.delenv("KUBECONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert kubeconfig_paths({}, tmp_path) == []
    with pytest.raises(ProviderError, match="the kubeconfig .*nope does not exist"):
        kubeconfig_paths({"kubeconfig": "nope"}, tmp_path)


def test_no_kubeconfig_and_not_in_a_cluster_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ProviderError, match="no kubeconfig found"):
        load_configuration({}, tmp_path)


def test_unknown_context_is_a_clear_error(tmp_path):
    kc = tmp_path / "kc"
    kc.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "a",
                "clusters": [{"name": "a", "cluster": {"server": "https://127.0.0.1:1"}}],
                "users": [{"name": "a", "user": {}}],
                "contexts": [{"name": "a", "context": {"cluster": "a", "user": "a"}}],
            }
        )
    )
    assert load_configuration({"kubeconfig": str(kc)}, tmp_path).host == "https://127.0.0.1:1"
    with pytest.raises(ProviderError, match="cannot load the Kubernetes configuration.*prod"):
        load_configuration({"kubeconfig": str(kc), "context": "prod"}, tmp_path)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_fails_with_unreachable_error():
    cfg = tune(client.Configuration())
    cfg.host = f"https://127.0.0.1:{_closed_port()}"
    provider = KubernetesProvider(client.ApiClient(cfg), "pipeline")
    assert provider.target.server == cfg.host
    with pytest.raises(
        UnreachableError, match=rf"cannot reach the Kubernetes API at {cfg.host}: .*refused"
    ):
        provider.read("geo", [])
    with pytest.raises(UnreachableError):
        with provider.lock("geo", "me", 0):
            pass


def test_factory_builds_the_directory_provider_relative_to_the_root(tmp_path):
    made = make_provider(
        ProviderConfig("directory", {"path": "deploy", "namespace": "ns"}), tmp_path
    )
    assert isinstance(made, DirectoryProvider)
    assert (
        made.target.server == str((tmp_path / "deploy").resolve()) and made.target.namespace == "ns"
    )


def test_factory_errors_point_at_the_provider_block(tmp_path):
    pos = SourcePos("main.gp.hcl", 3, 1)
    with pytest.raises(ProviderError, match='provider "directory" needs a path') as err:
        make_provider(ProviderConfig("directory", {}, pos), tmp_path)
    assert err.value.pos == pos
    with pytest.raises(ProviderError, match='unknown provider "s3"'):
        make_provider(ProviderConfig("s3", {}, pos), tmp_path)


def test_a_hand_edited_lease_reads_as_expired_not_as_a_crash():
    info = LeaseLock.info_of(
        {
            "metadata": {},
            "spec": {
                "holderIdentity": "me",
                "renewTime": "soon",
                "acquireTime": 7,
                "leaseDurationSeconds": "x",
            },
        }
    )
    assert (info.lock_id, info.acquired_at, info.expires_at) == ("?", "?", "?")
    lease = LeaseLock(None, "ns", "geo", 60, lambda: None)
    assert lease.how_to_release(info) == "delete it with `kubectl -n ns delete lease gp-lock-geo`"
