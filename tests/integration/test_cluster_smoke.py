"""What gp's Kubernetes provider relies on, proven against the real kube-apiserver.

The first part runs on the project's CRDs (spec kept as sent, as Argo installs by default); the
last part on Argo's full CRDs, where the API server itself checks and defaults what is sent.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

pytestmark = pytest.mark.integration

GROUP, VERSION, WT = "argoproj.io", "v1alpha1", "workflowtemplates"
APPLY = "application/apply-patch+yaml"


def template(name: str, ns: str, image: str = "alpine:3.20", labels: dict | None = None) -> dict:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "WorkflowTemplate",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
        "spec": {
            "entrypoint": "main",
            "templates": [{"name": "main", "container": {"image": image, "command": ["echo"]}}],
        },
    }


def apply(api, obj: dict, manager: str = "gp", **kw) -> dict:
    md = obj["metadata"]
    # The generated client maps only 200 to a body: an apply that creates (201) would come
    # back as None, so the raw response is decoded here.
    resp = client.CustomObjectsApi(api).patch_namespaced_custom_object(
        GROUP,
        VERSION,
        md["namespace"],
        WT,
        md["name"],
        obj,
        field_manager=manager,
        _content_type=APPLY,
        _preload_content=False,
        **kw,
    )
    return json.loads(resp.data)


def get(api, ns: str, name: str) -> dict:
    return client.CustomObjectsApi(api).get_namespaced_custom_object(GROUP, VERSION, ns, WT, name)


def failure(call) -> tuple[int, dict]:
    """The HTTP status and the decoded Status object of a call that must fail."""
    with pytest.raises(ApiException) as err:
        call()
    return err.value.status, json.loads(err.value.body)


def status_of(call) -> tuple[int, str]:
    code, status = failure(call)
    return code, status["message"]


def test_create_get_and_list_by_label(kube, namespace):
    objs = client.CustomObjectsApi(kube)
    objs.create_namespaced_custom_object(
        GROUP, VERSION, namespace, WT, template("a", namespace, labels={"gp.dev/stack": "s1"})
    )
    objs.create_namespaced_custom_object(GROUP, VERSION, namespace, WT, template("b", namespace))
    got = get(kube, namespace, "a")
    assert got["spec"]["templates"][0]["container"]["image"] == "alpine:3.20"
    assert got["metadata"]["resourceVersion"]
    listed = objs.list_namespaced_custom_object(
        GROUP, VERSION, namespace, WT, label_selector="gp.dev/stack=s1"
    )
    assert [o["metadata"]["name"] for o in listed["items"]] == ["a"]


def test_project_crds_keep_unknown_fields_as_sent(kube, namespace):
    body = template("t", namespace)
    body["spec"]["futureArgoField"] = {"nested": [1, "two"]}
    created = apply(kube, body)
    assert created["spec"]["futureArgoField"] == {"nested": [1, "two"]}


def test_server_side_apply_records_gp_as_manager_and_updates(kube, namespace):
    apply(kube, template("t", namespace))
    updated = apply(kube, template("t", namespace, image="alpine:3.21"))
    assert updated["spec"]["templates"][0]["container"]["image"] == "alpine:3.21"
    managers = {(m["manager"], m["operation"]) for m in updated["metadata"]["managedFields"]}
    assert managers == {("gp", "Apply")}


def test_dry_run_apply_returns_result_but_persists_nothing(kube, namespace):
    live = apply(kube, template("t", namespace))
    dry = apply(kube, template("t", namespace, image="busybox"), dry_run="All")
    assert dry["spec"]["templates"][0]["container"]["image"] == "busybox"
    after = get(kube, namespace, "t")
    assert after["spec"]["templates"][0]["container"]["image"] == "alpine:3.20"
    assert after["metadata"]["resourceVersion"] == live["metadata"]["resourceVersion"]
    # A dry-run create of an object that does not exist does not create it either.
    apply(kube, template("ghost", namespace), dry_run="All")
    assert status_of(lambda: get(kube, namespace, "ghost"))[0] == 404


def test_apply_conflict_names_the_other_manager_until_forced(kube, namespace):
    apply(kube, template("t", namespace), manager="argocd-controller")
    code, status = failure(lambda: apply(kube, template("t", namespace, image="busybox")))
    assert code == 409 and status["reason"] == "Conflict"
    assert status["message"].startswith("Apply failed with 2 conflicts: ")
    causes = {(c["field"], c["message"]) for c in status["details"]["causes"]}
    # Argo's CRDs make spec atomic, so the whole spec is one conflicting field.
    assert causes == {
        (".spec", 'conflict with "argocd-controller"'),
        (".metadata.labels", 'conflict with "argocd-controller"'),
    }
    forced = apply(kube, template("t", namespace, image="busybox"), force=True)
    assert forced["spec"]["templates"][0]["container"]["image"] == "busybox"
    owners = {m["manager"] for m in forced["metadata"]["managedFields"] if "f:spec" in str(m)}
    assert owners == {"gp"}


def test_update_with_stale_resource_version_is_refused(kube, namespace):
    objs = client.CustomObjectsApi(kube)
    stale = apply(kube, template("t", namespace))
    apply(kube, template("t", namespace, image="busybox"))
    body = copy.deepcopy(stale)
    body["spec"]["templates"][0]["container"]["image"] = "nginx"
    code, text = status_of(
        lambda: objs.replace_namespaced_custom_object(GROUP, VERSION, namespace, WT, "t", body)
    )
    assert code == 409
    assert "the object has been modified" in text
    assert get(kube, namespace, "t")["spec"]["templates"][0]["container"]["image"] == "busybox"


def test_delete(kube, namespace):
    objs = client.CustomObjectsApi(kube)
    apply(kube, template("t", namespace))
    objs.delete_namespaced_custom_object(GROUP, VERSION, namespace, WT, "t")
    assert status_of(lambda: get(kube, namespace, "t"))[0] == 404
    assert (
        status_of(lambda: objs.delete_namespaced_custom_object(GROUP, VERSION, namespace, WT, "t"))[
            0
        ]
        == 404
    )


def test_cluster_scoped_template_and_short_names(kube, dev_cluster):
    objs = client.CustomObjectsApi(kube)
    body = template("shared-smoke", "unused")
    body["kind"] = "ClusterWorkflowTemplate"
    del body["metadata"]["namespace"]
    resp = objs.patch_cluster_custom_object(
        GROUP,
        VERSION,
        "clusterworkflowtemplates",
        "shared-smoke",
        body,
        field_manager="gp",
        _content_type=APPLY,
        _preload_content=False,
    )
    assert resp.status == 201
    created = json.loads(resp.data)
    try:
        assert "namespace" not in created["metadata"]
        resources = client.CustomObjectsApi(kube).get_api_resources(GROUP, VERSION).resources
        by_kind = {r.kind: r for r in resources if "/" not in r.name}
        assert by_kind["ClusterWorkflowTemplate"].namespaced is False
        assert by_kind["ClusterWorkflowTemplate"].short_names == ["clusterwftmpl", "cwft"]
        assert by_kind["CronWorkflow"].short_names == ["cwf", "cronwf"]
        assert by_kind["Workflow"].namespaced is True
    finally:
        objs.delete_cluster_custom_object(
            GROUP, VERSION, "clusterworkflowtemplates", "shared-smoke"
        )


def test_lease_created_and_renewed(kube, namespace):
    leases = client.CoordinationV1Api(kube)
    # Times carry microseconds: this client renders a zero-microsecond datetime without the
    # fraction, which the server refuses as a MicroTime (a pitfall for the lock code).
    t0 = dt.datetime(2026, 1, 1, 12, 0, 0, 250000, tzinfo=dt.UTC)
    lease = client.V1Lease(
        metadata=client.V1ObjectMeta(name="gp-lock-stack1"),
        spec=client.V1LeaseSpec(
            holder_identity="alice@host", lease_duration_seconds=30, acquire_time=t0, renew_time=t0
        ),
    )
    created = leases.create_namespaced_lease(namespace, lease)
    assert created.spec.holder_identity == "alice@host" and created.spec.renew_time == t0
    # A second holder cannot create the same lease: creation is the lock's atomic step.
    other = client.V1Lease(
        metadata=client.V1ObjectMeta(name="gp-lock-stack1"),
        spec=client.V1LeaseSpec(holder_identity="bob@host"),
    )
    assert status_of(lambda: leases.create_namespaced_lease(namespace, other))[0] == 409

    renewed_at = t0 + dt.timedelta(seconds=10)
    created.spec.renew_time = renewed_at
    renewed = leases.replace_namespaced_lease("gp-lock-stack1", namespace, created)
    assert renewed.spec.renew_time == renewed_at
    assert renewed.spec.holder_identity == "alice@host"
    assert renewed.metadata.resource_version != created.metadata.resource_version
    # Renewing from the old version (someone else renewed in between) is refused.
    code, message = status_of(
        lambda: leases.replace_namespaced_lease("gp-lock-stack1", namespace, created)
    )
    assert code == 409 and "the object has been modified" in message
    live = leases.read_namespaced_lease("gp-lock-stack1", namespace)
    assert live.spec.renew_time == renewed_at


# --- Argo's full CRDs: the API server checks what gp sends ---------------------------------


def test_full_crds_default_fields_on_apply(kube_full, full_namespace):
    body = template("t", full_namespace)
    body["spec"]["templates"][0]["container"]["env"] = [
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"key": "token"}}}
    ]
    live = apply(kube_full, body)
    ref = live["spec"]["templates"][0]["container"]["env"][0]["valueFrom"]["secretKeyRef"]
    assert ref == {"key": "token", "name": ""}  # the schema's default for name


def test_full_crds_refuse_undeclared_field_on_apply(kube_full, full_namespace):
    body = template("t", full_namespace)
    body["spec"]["futureArgoField"] = True
    for kw in ({}, {"dry_run": "All"}):
        code, text = status_of(lambda kw=kw: apply(kube_full, body, **kw))
        # Observed on v1.35.4: server-side apply fails (as a 500) instead of pruning.
        assert code == 500
        assert ".spec.futureArgoField: field not declared in schema" in text
    assert status_of(lambda: get(kube_full, full_namespace, "t"))[0] == 404


def test_full_crds_prune_undeclared_field_on_create_unless_strict(kube_full, full_namespace):
    objs = client.CustomObjectsApi(kube_full)
    body = template("t", full_namespace)
    body["spec"]["futureArgoField"] = True
    code, text = status_of(
        lambda: objs.create_namespaced_custom_object(
            GROUP, VERSION, full_namespace, WT, body, field_validation="Strict"
        )
    )
    assert code == 400 and 'unknown field "spec.futureArgoField"' in text
    created = objs.create_namespaced_custom_object(GROUP, VERSION, full_namespace, WT, body)
    assert "futureArgoField" not in created["spec"]
    assert created["spec"]["entrypoint"] == "main"


def test_full_crds_reject_wrong_types(kube_full, full_namespace):
    body = template("t", full_namespace)
    body["spec"]["entrypoint"] = 5
    code, text = status_of(lambda: apply(kube_full, body))
    assert code == 500 and ".spec.entrypoint: expected string" in text


def test_full_crds_enforce_argo_validation_rules(kube_full, full_namespace):
    body = template("t", full_namespace)
    body["spec"]["templates"][0]["inputs"] = {
        "artifacts": [
            {
                "name": "src",
                "path": "/src",
                "git": {"repo": "https://example.com/r.git"},
                "http": {"url": "https://example.com/x"},
            }
        ]
    }
    code, text = status_of(lambda: apply(kube_full, body))
    assert code == 422
    assert "at most one artifact location can be specified" in text


def test_full_server_is_separate_from_the_default_one(kube, kube_full, full_namespace):
    apply(kube_full, template("only-full", full_namespace))
    core = client.CoreV1Api(kube)
    assert status_of(lambda: core.read_namespace(full_namespace))[0] == 404
    crd = client.ApiextensionsV1Api(kube_full).read_custom_resource_definition(
        "workflows.argoproj.io"
    )
    assert crd.spec.names.kind == "Workflow"  # the project's Workflow completes the full set
    wt = client.ApiextensionsV1Api(kube).read_custom_resource_definition(
        "workflowtemplates.argoproj.io"
    )
    spec = wt.spec.versions[0].schema.open_apiv3_schema.properties["spec"]
    assert spec.x_kubernetes_preserve_unknown_fields is True  # default server: project CRDs
