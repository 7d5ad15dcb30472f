"""Argo's retry, ported (gp/runs/retry.py): what is reset, kept and deleted in a failed run's
nodes, the pods named for deletion, and the runs that cannot be retried."""

from __future__ import annotations

import pytest

from gp.errors import RunError
from gp.runs.retry import _fnv32a, formulate_retry, pod_name

NOW = "2026-12-06T12:00:00Z"


def _node(id_, name, type_, phase, children=(), template=None, boundary=None):
    node = {"id": id_, "name": name, "displayName": name.split(".")[-1], "type": type_}
    node.update(phase=phase, startedAt="2026-12-06T11:00:00Z", finishedAt="2026-12-06T11:01:00Z")
    if children:
        node["children"] = list(children)
    if template:
        node["templateName"] = template
    if boundary:
        node["boundaryID"] = boundary
    return node


def failed_run() -> dict:
    """etl: a DAG where extract succeeded, load failed after two attempts, and the exit
    handler ran."""
    nodes = [
        _node("etl", "etl", "DAG", "Failed", ["etl-1"], "main"),
        _node("etl-1", "etl.extract", "Pod", "Succeeded", ["etl-2"], "extract", "etl"),
        _node("etl-2", "etl.load", "Retry", "Failed", ["etl-3", "etl-4"], "load", "etl"),
        _node("etl-3", "etl.load(0)", "Pod", "Failed", (), "load", "etl"),
        _node("etl-4", "etl.load(1)", "Pod", "Failed", (), "load", "etl"),
        _node("etl-5", "etl.onExit", "Pod", "Succeeded", (), "cleanup"),
    ]
    nodes[3]["nodeFlag"] = {"retried": True}
    nodes[4]["nodeFlag"] = {"retried": True}
    return {
        "metadata": {
            "name": "etl",
            "labels": {"workflows.argoproj.io/completed": "true", "gp.dev/stack": "s"},
        },
        "spec": {"shutdown": "Stop"},
        "status": {
            "phase": "Failed",
            "message": "child 'etl-4' failed",
            "nodes": {n["id"]: n for n in nodes},
            "conditions": [{"type": "Completed", "status": "True"}],
        },
    }


def test_failed_attempts_are_deleted_their_retry_node_and_the_dag_reset():
    new, pods = formulate_retry(failed_run(), NOW)
    nodes = new["status"]["nodes"]
    assert set(nodes) == {"etl", "etl-1", "etl-2"}  # the attempts and the exit handler go
    assert nodes["etl"]["phase"] == "Running" and nodes["etl-2"]["phase"] == "Running"
    assert nodes["etl"]["startedAt"] == NOW and nodes["etl"]["finishedAt"] is None
    assert nodes["etl-1"] == failed_run()["status"]["nodes"]["etl-1"]  # kept as it was
    assert nodes["etl-2"].get("children") == []
    assert "phase" not in new["status"] and "message" not in new["status"]
    assert "workflows.argoproj.io/completed" not in new["metadata"]["labels"]
    assert new["metadata"]["labels"]["gp.dev/stack"] == "s"
    assert "shutdown" not in new["spec"]
    assert {"type": "Completed", "status": "False"} in new["status"]["conditions"]
    assert pods == [
        f"etl-load-{_fnv32a('etl.load(0)')}",
        f"etl-load-{_fnv32a('etl.load(1)')}",
        f"etl-cleanup-{_fnv32a('etl.onExit')}",
    ]


def test_a_named_node_runs_again_even_when_it_succeeded():
    run = failed_run()
    run["status"]["phase"] = "Succeeded"
    for node in run["status"]["nodes"].values():
        node["phase"] = "Succeeded"
    new, pods = formulate_retry(run, NOW, ["extract"])
    assert "etl-1" not in new["status"]["nodes"] and "etl-2" not in new["status"]["nodes"]
    assert pods[0] == pod_name(run, run["status"]["nodes"]["etl-1"])


def test_runs_that_cannot_be_retried_say_why():
    run = failed_run()
    run["status"]["phase"] = "Running"
    with pytest.raises(RunError, match="etl is Running: only a finished run can be retried"):
        formulate_retry(run, NOW)
    run["status"]["phase"] = "Succeeded"
    with pytest.raises(RunError, match="name the nodes to run again with --node"):
        formulate_retry(run, NOW)
    with pytest.raises(RunError, match="the run has no node 'lod'; its nodes: etl, extract"):
        formulate_retry(run, NOW, ["lod"])


def test_pod_names_follow_argo():
    assert _fnv32a("abc") == 0x1A47E90B  # FNV-1a, 32 bits: the published test vector
    run = failed_run()
    run["metadata"]["annotations"] = {"workflows.argoproj.io/pod-name-format": "v1"}
    assert pod_name(run, run["status"]["nodes"]["etl-3"]) == "etl-3"
