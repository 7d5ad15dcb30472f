"""Every example module compiles to objects that Argo's full CRDs (schemas, CEL rules) accept as sent.

Server-side apply rejects a field the schema does not declare; anything else the server would
drop from what gp sent (and so show as a perpetual diff on a real Argo install) fails too.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from gp.operations import Inputs, compile_inputs
from gp.planner.diff import field_changes, prepare

pytestmark = pytest.mark.integration

EXAMPLES = Path(__file__).parents[2] / "examples"
MODULES = sorted(d for d in EXAMPLES.iterdir() if d.is_dir() and any(d.glob("*.gp.hcl")))
PLURALS = {
    "WorkflowTemplate": "workflowtemplates",
    "CronWorkflow": "cronworkflows",
    "ClusterWorkflowTemplate": "clusterworkflowtemplates",
}


def test_there_are_examples_to_check():
    assert {"nightly", "sen2cor", "whalesay-linear"} <= {d.name for d in MODULES}


def dry_run_apply(api: client.ApiClient, manifest: dict, namespace: str) -> dict:
    """Server-side apply with dryRun=All: validated and defaulted, stored nowhere."""
    objs = client.CustomObjectsApi(api)
    group, version = manifest["apiVersion"].split("/")
    plural, name = PLURALS[manifest["kind"]], manifest["metadata"]["name"]
    kwargs = {
        "field_manager": "gp",
        "dry_run": "All",
        "_content_type": "application/apply-patch+yaml",
        "_preload_content": False,
    }
    if manifest["kind"] == "ClusterWorkflowTemplate":
        response = objs.patch_cluster_custom_object(
            group, version, plural, name, manifest, **kwargs
        )
    else:
        response = objs.patch_namespaced_custom_object(
            group, version, namespace, plural, name, manifest, **kwargs
        )
    return json.loads(response.data)


@pytest.mark.parametrize("example", MODULES, ids=lambda d: d.name)
def test_example_objects_are_accepted_by_argos_full_crds(
    example, kube_full, full_namespace, tmp_path
):
    compiled = compile_inputs(Inputs(example, cache_dir=tmp_path / "cache"))
    assert compiled.objects, f"{example.name} declares no objects"
    for obj in compiled.objects:
        manifest = copy.deepcopy(obj.manifest)
        if manifest["kind"] != "ClusterWorkflowTemplate":
            manifest["metadata"]["namespace"] = full_namespace
        try:
            stored = dry_run_apply(kube_full, manifest, full_namespace)
        except ApiException as exc:
            pytest.fail(f"{example.name}: {obj.address} was rejected: {exc.body}", pytrace=False)
        assert stored["metadata"]["name"] == manifest["metadata"]["name"]
        pruned = [c for c in field_changes(prepare(manifest), prepare(stored)) if c.after is None]
        assert pruned == [], f"{example.name}: {obj.address}: the server dropped {pruned}"
