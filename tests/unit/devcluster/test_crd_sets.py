from __future__ import annotations

import pytest

from gp.devcluster.crds import crd_set, full_crds, full_crds_dir, load_crds, project_crds, repo_root
from gp.devcluster.errors import DevClusterError


def _by_kind(crds):
    return {c["spec"]["names"]["kind"]: c for c in crds}


USER_KINDS = {"WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow", "Workflow"}
# What the workflow-controller reads and writes besides the user's kinds.
ENGINE_KINDS = {
    "WorkflowTaskResult",
    "WorkflowTaskSet",
    "WorkflowArtifactGCTask",
    "WorkflowEventBinding",
}


def test_project_crds_are_the_argo_kinds_kept_as_sent():
    crds = _by_kind(project_crds())
    assert set(crds) == USER_KINDS | ENGINE_KINDS
    assert crds["ClusterWorkflowTemplate"]["spec"]["scope"] == "Cluster"
    assert crds["WorkflowTemplate"]["spec"]["scope"] == "Namespaced"
    assert crds["ClusterWorkflowTemplate"]["spec"]["names"]["shortNames"] == [
        "clusterwftmpl",
        "cwft",
    ]
    for kind, crd in crds.items():
        assert crd["metadata"]["name"] == crd["spec"]["names"]["plural"] + ".argoproj.io"
        (version,) = crd["spec"]["versions"]
        assert version["name"] == "v1alpha1" and version["served"] and version["storage"]
        props = version["schema"]["openAPIV3Schema"]["properties"]
        # A task result carries its outputs at the top level, like Argo's own CRD.
        kept = props["outputs"] if kind == "WorkflowTaskResult" else props["spec"]
        assert kept["x-kubernetes-preserve-unknown-fields"] is True, kind


def test_engine_crds_with_a_status_subresource_are_the_ones_argo_gives_one():
    with_status = {
        k
        for k, c in _by_kind(project_crds()).items()
        if "status" in c["spec"]["versions"][0].get("subresources", {})
    }
    # The controller writes a Workflow's status with the object; a status subresource would drop it.
    assert with_status == {"WorkflowTaskSet", "WorkflowArtifactGCTask"}


def test_full_set_takes_workflow_from_the_project(corpus_dir):
    crds = _by_kind(full_crds(corpus_dir / "crds" / "full"))
    assert set(crds) == USER_KINDS | ENGINE_KINDS
    assert crds["Workflow"] == _by_kind(project_crds())["Workflow"]
    wt = crds["WorkflowTemplate"]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert "templates" in wt["properties"]["spec"]["properties"]


def test_full_crds_dir_is_next_to_the_repo():
    assert full_crds_dir() == repo_root().parent / "shared/corpus/argo/crds/full"


def test_missing_full_dir_and_unknown_set_are_errors(tmp_path):
    with pytest.raises(DevClusterError, match="full CRDs are not at"):
        full_crds(tmp_path / "absent")
    with pytest.raises(DevClusterError, match="unknown CRD set 'mini'"):
        crd_set("mini")


def test_a_directory_with_other_objects_is_rejected(tmp_path):
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(DevClusterError, match=r"not CRDs: \['ConfigMap'\]"):
        load_crds(tmp_path)
