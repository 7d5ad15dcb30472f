"""The Kubernetes provider against the real kube-apiserver of gp.devcluster (project CRDs)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from kubernetes import client

from gp.compile.objects import (
    ADDRESS_ANNOTATION,
    API_VERSION,
    MANAGED_BY_LABEL,
    STACK_LABEL,
    CompiledObject,
    ObjectRef,
)
from gp.config.model import ProviderConfig
from gp.errors import ConflictError, LockError
from gp.planner.plan import Action, Mode, PlanData, ResourceChange
from gp.providers.factory import make_provider
from gp.providers.kubernetes import KubernetesProvider
from gp.providers.lease import LOCK_ID_ANNOTATION

pytestmark = pytest.mark.integration

GROUP, VERSION = "argoproj.io", "v1alpha1"
PLURALS = {"WorkflowTemplate": "workflowtemplates", "CronWorkflow": "cronworkflows"}
STACK = "geo"


def manifest(kind: str, name: str, ns: str, image: str = "alpine:3.20", stack: str = STACK) -> dict:
    meta = {
        "name": name,
        "namespace": ns,
        "labels": {MANAGED_BY_LABEL: "gp", STACK_LABEL: stack},
        "annotations": {ADDRESS_ANNOTATION: f"{kind.lower()}.{name}"},
    }
    if kind == "CronWorkflow":
        spec = {
            "schedules": ["0 2 * * *"],
            "workflowSpec": {"workflowTemplateRef": {"name": "tmpl"}},
        }
    else:
        spec = {
            "entrypoint": "main",
            "templates": [{"name": "main", "container": {"image": image}}],
        }
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}


def ref(m: dict) -> ObjectRef:
    return ObjectRef(m["apiVersion"], m["kind"], m["metadata"]["namespace"], m["metadata"]["name"])


def compiled(m: dict) -> CompiledObject:
    return CompiledObject(m["metadata"]["annotations"][ADDRESS_ANNOTATION], ref(m), m)


def change(
    action: Action, before: dict | None, after: dict | None, rv: str | None = None
) -> ResourceChange:
    m = after or before
    return ResourceChange(
        m["metadata"]["annotations"][ADDRESS_ANNOTATION], ref(m), action, None, before, after, rv
    )


def plan(provider: KubernetesProvider, *changes: ResourceChange) -> PlanData:
    return PlanData(STACK, provider.target, Mode.NORMAL, tuple(changes))


def image_of(obj: dict) -> str:
    return obj["spec"]["templates"][0]["container"]["image"]


class Raw:
    """Another client (kubectl, Argo CD, Argo's controller) writing to the same server."""

    def __init__(self, api: client.ApiClient, ns: str):
        self.objs = client.CustomObjectsApi(api)
        self.ns = ns

    def get(self, kind: str, name: str) -> dict:
        return self.objs.get_namespaced_custom_object(GROUP, VERSION, self.ns, PLURALS[kind], name)

    def server_side_apply(self, m: dict, manager: str) -> None:
        self.objs.patch_namespaced_custom_object(
            GROUP,
            VERSION,
            self.ns,
            PLURALS[m["kind"]],
            m["metadata"]["name"],
            m,
            field_manager=manager,
            _content_type="application/apply-patch+yaml",
            _preload_content=False,
        )

    def edit(self, kind: str, name: str, patch: dict, manager: str = "kubectl-edit") -> dict:
        return self.objs.patch_namespaced_custom_object(
            GROUP,
            VERSION,
            self.ns,
            PLURALS[kind],
            name,
            patch,
            field_manager=manager,
            _content_type="application/merge-patch+json",
        )


@pytest.fixture
def provider(kube, namespace) -> KubernetesProvider:
    return KubernetesProvider(kube, namespace, identity="ci@runner", lease_seconds=3, poll_s=0.05)


@pytest.fixture
def raw(kube, namespace) -> Raw:
    return Raw(kube, namespace)


def _create(provider, *ms: dict):
    result = provider.apply(plan(provider, *(change(Action.CREATE, None, m) for m in ms)))
    assert result.ok, result.failed
    return result


def _rv(provider, m: dict) -> str:
    return provider.read(STACK, [compiled(m)]).objects[ref(m)].resource_version


def test_target_and_factory_from_a_kubeconfig(dev_cluster, namespace, tmp_path):
    config = ProviderConfig(
        "kubernetes", {"kubeconfig": str(dev_cluster.kubeconfig()), "namespace": namespace}
    )
    made = make_provider(config, tmp_path)
    assert made.target.provider == "kubernetes" and made.target.namespace == namespace
    assert made.target.server == dev_cluster.apiservers["default"].server
    assert made.owned(STACK).entries == {}


def test_read_lists_by_label_and_gets_only_unlisted_declared_objects(
    provider, raw, namespace, monkeypatch
):
    a, b = (
        manifest("WorkflowTemplate", "a", namespace),
        manifest("WorkflowTemplate", "b", namespace),
    )
    _create(provider, a, b)
    foreign = manifest("WorkflowTemplate", "foreign", namespace, stack="other")
    raw.server_side_apply(foreign, "someone")
    gets: list[str] = []
    real_get = provider.kube.get
    monkeypatch.setattr(
        provider.kube, "get", lambda *args: gets.append(args[-1]) or real_get(*args)
    )
    declared = [
        compiled(a),
        compiled(manifest("WorkflowTemplate", "foreign", namespace)),
        compiled(b),
    ]
    state = provider.read(STACK, declared)
    assert gets == ["foreign"]
    assert set(state.objects) == {ref(a), ref(b), ref(foreign)}
    assert state.objects[ref(a)].owned and state.objects[ref(a)].address == "workflowtemplate.a"
    assert state.objects[ref(foreign)].owned is False
    assert "managedFields" not in state.objects[ref(a)].manifest["metadata"]
    assert set(state.record.entries) == {"workflowtemplate.a", "workflowtemplate.b"}


def test_apply_creates_then_updates_and_rereads_are_stable(provider, raw, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    _create(provider, t)
    rv = _rv(provider, t)
    assert _rv(provider, t) == rv
    assert provider.changed_refs({ref(t): rv}) == []
    newer = manifest("WorkflowTemplate", "t", namespace, image="alpine:3.21")
    result = provider.apply(plan(provider, change(Action.UPDATE, t, newer, rv)))
    assert result.ok
    assert image_of(raw.get("WorkflowTemplate", "t")) == "alpine:3.21"
    assert provider.changed_refs({ref(t): rv}) == [ref(t)]
    managers = {
        (m["manager"], m["operation"])
        for m in raw.get("WorkflowTemplate", "t")["metadata"]["managedFields"]
    }
    assert managers == {("gp", "Apply")}


def test_record_configmap_holds_what_was_applied(provider, kube, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    _create(provider, t)
    cm = client.CoreV1Api(kube).read_namespaced_config_map(f"gp-stack-{STACK}", namespace)
    assert cm.data["applied-by"] == "ci@runner"
    record = json.loads(cm.data["record.json"])
    entry = record["objects"][f"WorkflowTemplate/{namespace}/t"]
    assert (entry["address"], entry["applied"]) == ("workflowtemplate.t", t)
    assert cm.metadata.labels[STACK_LABEL] == STACK


def test_conflict_with_another_applier_names_it_unless_forced(provider, raw, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    raw.server_side_apply(t, "argocd-controller")
    rv = _rv(provider, t)
    newer = manifest("WorkflowTemplate", "t", namespace, image="busybox")
    result = provider.apply(plan(provider, change(Action.UPDATE, t, newer, rv)))
    [(_failed, reason)] = result.failed
    assert '"argocd-controller"' in reason and "--force-conflicts" in reason
    assert image_of(raw.get("WorkflowTemplate", "t")) == "alpine:3.20"
    forced = provider.apply(
        plan(provider, change(Action.UPDATE, t, newer, rv)), force_conflicts=True
    )
    assert forced.ok
    assert image_of(raw.get("WorkflowTemplate", "t")) == "busybox"


def test_an_ordinary_edit_is_taken_back(provider, raw, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    _create(provider, t)
    raw.edit(
        "WorkflowTemplate",
        "t",
        {"spec": {"templates": [{"name": "main", "container": {"image": "hacked"}}]}},
    )
    rv = _rv(provider, t)
    result = provider.apply(plan(provider, change(Action.UPDATE, t, t, rv)))
    assert result.ok, result.failed
    live = raw.get("WorkflowTemplate", "t")
    assert image_of(live) == "alpine:3.20"
    spec_owners = {
        m["manager"] for m in live["metadata"]["managedFields"] if "f:spec" in json.dumps(m)
    }
    assert spec_owners == {"gp"}


def test_a_stale_resource_version_is_refused_and_the_record_keeps_the_old_base(
    provider, raw, namespace
):
    t, other = (
        manifest("WorkflowTemplate", "t", namespace),
        manifest("WorkflowTemplate", "u", namespace),
    )
    _create(provider, t)
    rv = _rv(provider, t)
    raw.edit("WorkflowTemplate", "t", {"metadata": {"labels": {"touched": "yes"}}})
    newer = manifest("WorkflowTemplate", "t", namespace, image="busybox")
    result = provider.apply(
        plan(provider, change(Action.UPDATE, t, newer, rv), change(Action.CREATE, None, other))
    )
    assert [c.address for c in result.applied] == ["workflowtemplate.u"]
    assert "changed since the plan was made" in result.failed[0][1]
    assert image_of(raw.get("WorkflowTemplate", "t")) == "alpine:3.20"
    record = provider.owned(STACK)
    assert record.entries["workflowtemplate.t"].applied == t
    assert "workflowtemplate.u" in record.entries


def test_delete_needs_the_planned_resource_version(provider, raw, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    _create(provider, t)
    rv = _rv(provider, t)
    raw.edit("WorkflowTemplate", "t", {"metadata": {"labels": {"touched": "yes"}}})
    stale = provider.apply(plan(provider, change(Action.DELETE, t, None, rv)))
    assert "changed since the plan was made" in stale.failed[0][1]
    assert raw.get("WorkflowTemplate", "t")
    fresh = provider.apply(plan(provider, change(Action.DELETE, t, None, _rv(provider, t))))
    assert fresh.ok
    assert provider.read(STACK, [compiled(t)]).objects == {}
    # The last object gone, the record ConfigMap goes too.
    assert provider.kube.get_config_map(namespace, f"gp-stack-{STACK}") is None


def test_templates_go_before_crons_and_status_of_others_survives(provider, raw, namespace):
    tmpl, cron = (
        manifest("WorkflowTemplate", "tmpl", namespace),
        manifest("CronWorkflow", "nightly", namespace),
    )
    order: list[str] = []
    result = provider.apply(
        plan(provider, change(Action.CREATE, None, cron), change(Action.CREATE, None, tmpl)),
        progress=lambda c, err: order.append(c.ref.kind),
    )
    assert result.ok and order == ["WorkflowTemplate", "CronWorkflow"]
    raw.edit(
        "CronWorkflow",
        "nightly",
        {"status": {"lastScheduledTime": "2030-01-01T02:00:00Z"}},
        manager="workflow-controller",
    )
    newer = json.loads(json.dumps(cron))
    newer["spec"]["schedules"] = ["0 3 * * *"]
    result = provider.apply(plan(provider, change(Action.UPDATE, cron, newer, _rv(provider, cron))))
    assert result.ok, result.failed
    live = raw.get("CronWorkflow", "nightly")
    assert live["spec"]["schedules"] == ["0 3 * * *"]
    assert live["status"] == {"lastScheduledTime": "2030-01-01T02:00:00Z"}


def test_replace_deletes_then_creates(provider, raw, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    _create(provider, t)
    uid = raw.get("WorkflowTemplate", "t")["metadata"]["uid"]
    newer = manifest("WorkflowTemplate", "t", namespace, image="busybox")
    assert provider.apply(plan(provider, change(Action.REPLACE, t, newer, _rv(provider, t)))).ok
    live = raw.get("WorkflowTemplate", "t")
    assert live["metadata"]["uid"] != uid and image_of(live) == "busybox"


def test_many_objects_in_parallel(provider, namespace):
    many = [manifest("WorkflowTemplate", f"t{i}", namespace) for i in range(12)]
    result = _create(provider, *many)
    assert len(result.applied) == 12
    assert len(provider.read(STACK, []).objects) == 12


def test_dry_run_shows_the_servers_view_and_writes_nothing(provider, raw, namespace):
    t = manifest("WorkflowTemplate", "t", namespace)
    _create(provider, t)
    newer = manifest("WorkflowTemplate", "t", namespace, image="busybox")
    dry = provider.dry_run(compiled(newer), None)
    assert image_of(dry) == "busybox" and dry["metadata"]["uid"]
    assert image_of(raw.get("WorkflowTemplate", "t")) == "alpine:3.20"


def test_adopt_marks_a_live_object_and_records_it(provider, raw, namespace):
    legacy = manifest("WorkflowTemplate", "legacy", namespace)
    del legacy["metadata"]["labels"], legacy["metadata"]["annotations"]
    raw.server_side_apply(legacy, "kubectl")
    live = provider.adopt(ref(legacy), STACK, "workflow_template.legacy")
    assert live.owned and live.address == "workflow_template.legacy"
    assert raw.get("WorkflowTemplate", "legacy")["metadata"]["labels"][STACK_LABEL] == STACK
    assert (
        provider.owned(STACK).entries["workflow_template.legacy"].applied["spec"] == legacy["spec"]
    )
    assert ref(legacy) in provider.read(STACK, []).objects


def test_adopt_refuses_another_stacks_object(provider, raw, namespace):
    foreign = manifest("WorkflowTemplate", "foreign", namespace, stack="other")
    raw.server_side_apply(foreign, "gp")
    with pytest.raises(ConflictError, match="already belongs to the stack 'other'"):
        provider.adopt(ref(foreign), STACK, "workflow_template.foreign")


# -- the lease ---------------------------------------------------------------------------


def test_second_locker_waits_then_fails_naming_holder_and_lock_id(provider, kube, namespace):
    other = KubernetesProvider(kube, namespace, lease_seconds=3, poll_s=0.05)
    with provider.lock(STACK, "alice@laptop", 0) as info:
        lease = client.CoordinationV1Api(kube).read_namespaced_lease(f"gp-lock-{STACK}", namespace)
        assert lease.spec.holder_identity == "alice@laptop"
        assert lease.metadata.annotations[LOCK_ID_ANNOTATION] == info.lock_id
        with pytest.raises(LockError) as err:
            with other.lock(STACK, "bob@ci", timeout_s=0.3):
                pass
        assert "alice@laptop" in str(err.value) and info.lock_id in str(err.value)
    with other.lock(STACK, "bob@ci", 0) as mine:
        assert mine.holder == "bob@ci"


def _stale_lease(kube, namespace: str, lock_id: str) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    stamp = long_ago.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    client.CoordinationV1Api(kube).create_namespaced_lease(
        namespace,
        {
            "metadata": {"name": f"gp-lock-{STACK}", "annotations": {LOCK_ID_ANNOTATION: lock_id}},
            "spec": {
                "holderIdentity": "crashed@ci",
                "leaseDurationSeconds": 30,
                "acquireTime": stamp,
                "renewTime": stamp,
            },
        },
    )


def test_an_expired_lease_is_taken_over(provider, kube, namespace):
    _stale_lease(kube, namespace, "old-id")
    with provider.lock(STACK, "bob@ci", 0) as info:
        lease = client.CoordinationV1Api(kube).read_namespaced_lease(f"gp-lock-{STACK}", namespace)
        assert lease.spec.holder_identity == "bob@ci"
        assert lease.metadata.annotations[LOCK_ID_ANNOTATION] == info.lock_id != "old-id"


def test_the_lease_is_renewed_while_held(provider, kube, namespace):
    with provider.lock(STACK, "alice", 0) as info:
        leases = client.CoordinationV1Api(kube)
        first = leases.read_namespaced_lease(f"gp-lock-{STACK}", namespace).spec.renew_time
        renewed = info.renew()
        assert renewed
        assert leases.read_namespaced_lease(f"gp-lock-{STACK}", namespace).spec.renew_time >= first
        assert (
            provider._lease(STACK).renew(dataclasses.replace(info.info, lock_id="someone-else"))
            is None
        )
        assert info.check() is None


def test_unlock_needs_the_matching_id(provider, kube, namespace):
    _stale_lease(kube, namespace, "stuck-id")
    with pytest.raises(LockError, match="held by crashed@ci with lock id stuck-id"):
        provider.unlock(STACK, "wrong")
    provider.unlock(STACK, "stuck-id")
    with pytest.raises(LockError, match="is not locked"):
        provider.unlock(STACK, "stuck-id")
