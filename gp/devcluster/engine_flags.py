"""Command lines and configuration of the engine's processes: pure, so unit-tested as they are.

The engine is kube-controller-manager (a few controllers), kube-scheduler, KWOK (one simulated
node), gp's simulated executor and Argo's workflow-controller, each a process on loopback next to
the dev cluster's kube-apiserver.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import yaml

from gp.devcluster.certs import Pki

ARGO_NAMESPACE = "argo"
CONTROLLER_CONFIGMAP = "workflow-controller-configmap"
NODE_NAME = "kwok-node-0"
KWOK_CONFIG = Path(__file__).resolve().parent / "engine" / "kwok.yaml"
# Only these: default ServiceAccounts and their tokens, namespace deletion, and the garbage
# collector that removes a deleted Workflow's pods. No node lifecycle: it would evict KWOK's pods.
KCM_CONTROLLERS = ("serviceaccount", "serviceaccount-token", "namespace", "garbagecollector")
# Argo's controller looks up the entrypoint of an image used without `command` in its registry,
# which the dev cluster cannot reach; these are the images gp's examples use that way.
DEFAULT_IMAGE_COMMANDS: Mapping[str, list[str]] = {
    "docker/whalesay:latest": ["cowsay"],
    "docker/whalesay": ["cowsay"],
    "argoproj/argosay:v2": ["/argosay"],
    "python:3.12-alpine": ["python3"],
    "alpine:3.20": ["/bin/sh"],
    "busybox": ["sh"],
}
# Where the dev cluster's artifacts "are": nothing is ever stored there, the simulated executor
# only reports each declared output artifact at a key of this bucket, so that Argo passes it on.
ARTIFACT_REPOSITORY = {
    "s3": {"endpoint": "artifacts.sim.invalid:9000", "bucket": "sim", "insecure": True}
}
# The image Argo's pods would run argoexec from; KWOK never pulls it.
EXECUTOR_IMAGE = "quay.io/argoproj/argoexec:v4.0.5"


def controller_manager_args(binary: Path, kubeconfig: Path, pki: Pki) -> list[str]:
    return [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        f"--controllers={','.join(KCM_CONTROLLERS)}",
        f"--service-account-private-key-file={pki.sa_key}",
        f"--root-ca-file={pki.ca_cert}",
        "--use-service-account-credentials=false",
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        # Deleted namespaces and Workflows are cleaned up promptly, as tests expect.
        "--concurrent-gc-syncs=5",
    ]


def scheduler_args(binary: Path, kubeconfig: Path) -> list[str]:
    return [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
    ]


def kwok_args(binary: Path, kubeconfig: Path, config: Path = KWOK_CONFIG) -> list[str]:
    return [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        f"--config={config}",
        "--manage-all-nodes=false",
        "--manage-nodes-with-label-selector=type=kwok",
        "--node-ip=127.0.0.1",
        "--cidr=10.244.0.0/16",
        # KWOK's kubelet server; port 0 would pick one, a fixed one per machine would collide.
        "--node-port=0",
    ]


def simexec_args(kubeconfig: Path) -> list[str]:
    return [sys.executable, "-m", "gp.devcluster.simexec", f"--kubeconfig={kubeconfig}"]


def workflow_controller_args(binary: Path, kubeconfig: Path) -> list[str]:
    return [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        f"--namespace={ARGO_NAMESPACE}",
        f"--configmap={CONTROLLER_CONFIGMAP}",
        f"--executor-image={EXECUTOR_IMAGE}",
        "--loglevel=info",
    ]


def workflow_controller_env(base: Mapping[str, str]) -> dict[str, str]:
    env = dict(base)
    # One controller on loopback; with the default requeue time a 4-step DAG takes ~40 s, not 5.
    env.update(LEADER_ELECTION_DISABLE="true", DEFAULT_REQUEUE_TIME="1s")
    return env


def controller_configmap(image_commands: Mapping[str, list[str]]) -> dict:
    """The workflow-controller's configuration: no metrics or telemetry servers, and the
    commands of images used without ``command`` (read once, when the controller starts)."""
    images = {image: {"cmd": list(cmd)} for image, cmd in sorted(image_commands.items())}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": CONTROLLER_CONFIGMAP, "namespace": ARGO_NAMESPACE},
        "data": {
            "metricsConfig": "enabled: false\n",
            "telemetryConfig": "enabled: false\n",
            "images": yaml.safe_dump(images, sort_keys=True),
            "artifactRepository": yaml.safe_dump(ARTIFACT_REPOSITORY, sort_keys=True),
        },
    }


def node_manifest(labels: Mapping[str, str]) -> dict:
    """The one simulated node: labelled for KWOK and with the labels pipelines select on."""
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE_NAME,
            "labels": {
                "type": "kwok",
                "kubernetes.io/hostname": NODE_NAME,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                # Deprecated, still set by kubelets, and still selected on (Argo's examples).
                "beta.kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": "amd64",
                **labels,
            },
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {},
    }
