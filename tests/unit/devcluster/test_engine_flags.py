"""The engine's command lines and configuration, checked without starting anything."""

from __future__ import annotations

from pathlib import Path

import yaml

from gp.devcluster import engine_flags as flags
from gp.devcluster.certs import Pki
from gp.devcluster.engine import ORDER

PKI = Pki(
    *(
        Path(f"/pki/{n}")
        for n in ("ca.crt", "ca.key", "s.crt", "s.key", "a.crt", "a.key", "sa.key", "sa.pub")
    )
)


def test_controller_manager_runs_only_the_controllers_the_engine_needs():
    args = flags.controller_manager_args(Path("/bin/kcm"), Path("/k"), PKI)
    assert "--controllers=serviceaccount,serviceaccount-token,namespace,garbagecollector" in args
    assert "--service-account-private-key-file=/pki/sa.key" in args
    assert "--leader-elect=false" in args and "--secure-port=0" in args
    # No node-lifecycle controller: it would taint and evict KWOK's node.
    assert not any("nodelifecycle" in a for a in args)


def test_workflow_controller_is_cluster_wide_with_fast_requeue():
    args = flags.workflow_controller_args(Path("/bin/wc"), Path("/k"))
    assert "--namespace=argo" in args and "--configmap=workflow-controller-configmap" in args
    assert not any(a.startswith("--managed-namespace") or a == "--namespaced" for a in args)
    env = flags.workflow_controller_env({"PATH": "/bin"})
    assert env == {"PATH": "/bin", "LEADER_ELECTION_DISABLE": "true", "DEFAULT_REQUEUE_TIME": "1s"}


def test_controller_configmap_disables_metrics_and_lists_image_commands():
    cm = flags.controller_configmap({"geo/tool:1": ["run"], **flags.DEFAULT_IMAGE_COMMANDS})
    assert cm["metadata"] == {"name": "workflow-controller-configmap", "namespace": "argo"}
    assert yaml.safe_load(cm["data"]["metricsConfig"]) == {"enabled": False}
    assert yaml.safe_load(cm["data"]["telemetryConfig"]) == {"enabled": False}
    images = yaml.safe_load(cm["data"]["images"])
    assert images["geo/tool:1"] == {"cmd": ["run"]}
    assert images["docker/whalesay:latest"] == {"cmd": ["cowsay"]}


def test_the_node_carries_kwoks_label_and_the_pipelines_node_selector():
    node = flags.node_manifest({"pipeline": "small"})
    labels = node["metadata"]["labels"]
    assert labels["type"] == "kwok" and labels["pipeline"] == "small"
    assert "--manage-nodes-with-label-selector=type=kwok" in flags.kwok_args(
        Path("/bin/kwok"), Path("/k")
    )


def test_kwok_config_has_a_stage_for_each_transition():
    stages = {d["metadata"]["name"]: d for d in yaml.safe_load_all(flags.KWOK_CONFIG.read_text())}
    assert set(stages) == {"gp-node-ready", "gp-pod-running", "gp-pod-done", "gp-pod-delete"}
    done = stages["gp-pod-done"]["spec"]["selector"]["matchExpressions"]
    outcome = next(e for e in done if "sim.gp.dev/outcome" in e["key"])
    assert outcome["values"] == ["Succeeded", "Failed", "Error"]
    assert all(d["kind"] == "Stage" for d in stages.values())


def test_engine_processes_start_in_dependency_order():
    # The controller last: it must find the node, scheduler and executor already serving.
    assert ORDER[-1] == "workflow-controller" and ORDER[0] == "kube-controller-manager"
