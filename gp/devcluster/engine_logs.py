"""Container logs on the dev cluster: KWOK serves them from files the simulated executor writes.

KWOK's kubelet server answers `containerLogs` from a file named by a `Logs` object (one per pod,
kwok.x-k8s.io/v1alpha1, read from the API server with `--enable-crds=Logs`). The API server
reaches it through the node's `daemonEndpoints.kubeletEndpoint` port over TLS, so KWOK listens
on loopback with the cluster's serving certificate, on a port free when the engine starts (no
fixed port: two dev clusters may run on one machine). The API server does not verify a
kubelet's certificate unless told a CA, which the dev cluster does not.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gp.devcluster.certs import Pki

KWOK_GROUP, KWOK_VERSION = "kwok.x-k8s.io", "v1alpha1"
MAIN = "main"

# gp's own minimal definition of KWOK's Logs kind: KWOK reads `spec.logs`; nothing else is
# needed, so the schema keeps whatever it is given.
LOGS_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "logs.kwok.x-k8s.io"},
    "spec": {
        "group": KWOK_GROUP,
        "names": {"kind": "Logs", "listKind": "LogsList", "plural": "logs", "singular": "logs"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": KWOK_VERSION,
                "served": True,
                "storage": True,
                "subresources": {"status": {}},
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "x-kubernetes-preserve-unknown-fields": True,
                    }
                },
            }
        ],
    },
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kwok_log_args(port: int, pki: Pki) -> list[str]:
    """Added after KWOK's other flags (a repeated flag's last value wins)."""
    return [
        f"--node-port={port}",
        f"--server-address=127.0.0.1:{port}",
        f"--tls-cert-file={pki.serving_cert}",
        f"--tls-private-key-file={pki.serving_key}",
        "--enable-crds=Logs",
    ]


def cri_line(at: datetime, text: str, stream: str = "stdout") -> str:
    """A line in the CRI log format the kubelet (and KWOK) read: time, stream, tag, text."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{stamp} {stream} F {text}\n"


def command_line(template: Mapping[str, Any], task: str) -> str:
    """What the simulated main container "prints" first: the command it would have run."""
    body = template.get("container") or template.get("script") or {}
    command = " ".join(str(p) for p in [*(body.get("command") or []), *(body.get("args") or [])])
    return f"{task}: {command or body.get('image', '')} (simulated)"


def append_log(
    logs_dir: Path, namespace: str, pod: str, lines: Sequence[str], now: datetime | None = None
) -> Path:
    path = logs_dir / namespace / f"{pod}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    at = now or datetime.now(UTC)
    with path.open("a", encoding="utf-8") as f:
        f.write("".join(cri_line(at, line) for line in lines))
    return path


def logs_object(namespace: str, pod: str, path: Path) -> dict[str, Any]:
    return {
        "apiVersion": f"{KWOK_GROUP}/{KWOK_VERSION}",
        "kind": "Logs",
        "metadata": {"name": pod, "namespace": namespace},
        "spec": {"logs": [{"containers": [MAIN], "logsFile": str(path), "follow": False}]},
    }


class PodLogs:
    """Used by the simulated executor: a pod's log file and the Logs object naming it."""

    def __init__(self, custom_api: Any, logs_dir: Path):
        self.custom = custom_api
        self.logs_dir = logs_dir

    def started(self, namespace: str, pod: str, first_line: str) -> None:
        path = append_log(self.logs_dir, namespace, pod, [first_line])
        try:
            self.custom.create_namespaced_custom_object(
                KWOK_GROUP, KWOK_VERSION, namespace, "logs", logs_object(namespace, pod, path)
            )
        except Exception as exc:
            if getattr(exc, "status", None) != 409:
                raise

    def ended(self, namespace: str, pod: str, task: str, outcome: str) -> None:
        append_log(self.logs_dir, namespace, pod, [f"{task}: {outcome}"])


def install_logs_crd(api: Any) -> None:
    """Before KWOK starts (it watches Logs objects from the start); established when served."""
    import time

    from kubernetes import client
    from kubernetes.client.rest import ApiException

    ext = client.ApiextensionsV1Api(api)
    try:
        ext.create_custom_resource_definition(LOGS_CRD)
    except ApiException as exc:
        if exc.status != 409:
            raise
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        crd = ext.read_custom_resource_definition(LOGS_CRD["metadata"]["name"])
        if any(c.type == "Established" and c.status == "True" for c in crd.status.conditions or []):
            return
        time.sleep(0.1)
    raise RuntimeError("KWOK's Logs kind was not established within 30 s")
