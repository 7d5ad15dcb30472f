"""Whole clusters: processes started and the requested CRDs served, ready for a client."""

from __future__ import annotations

from pathlib import Path

from kubernetes import client

from gp.devcluster import cluster, crds
from gp.devcluster.build import Binaries
from gp.devcluster.cluster import DEFAULT_SERVER, ApiServerInfo, ClusterState
from gp.devcluster.kubeconfig import api_client


def _ensure_crds(state: ClusterState, name: str, crd_set: str, full_dir: Path | None) -> None:
    server = state.apiservers[name]
    if server.crds == crd_set:
        return
    with api_client(Path(server.kubeconfig)) as api:
        crds.install(api, crd_set, full_dir)
    server.crds = crd_set
    state.save()


def start(
    state_dir: Path,
    binaries: Binaries,
    crd_set: str = "project",
    full_dir: Path | None = None,
    die_with_parent: bool = False,
) -> ClusterState:
    """etcd plus the default API server with ``crd_set`` installed; reuses a running cluster."""
    state = cluster.up(state_dir, binaries, die_with_parent=die_with_parent)
    _ensure_crds(state, DEFAULT_SERVER, crd_set, full_dir)
    return state


def add_server(
    state: ClusterState,
    binaries: Binaries,
    name: str,
    crd_set: str,
    full_dir: Path | None = None,
    die_with_parent: bool = False,
) -> ApiServerInfo:
    """Another API server on the same etcd under its own prefix, so it can hold other CRDs."""
    cluster.start_apiserver(state, binaries, name, die_with_parent=die_with_parent)
    _ensure_crds(state, name, crd_set, full_dir)
    return state.apiservers[name]


def ensure_namespaces(state: ClusterState, names: list[str]) -> None:
    """Create the namespaces modules apply into (gp never creates one: a real cluster's are
    someone's decision); those already there are left alone."""
    with api_client(state.kubeconfig()) as api:
        core = client.CoreV1Api(api)
        existing = {n.metadata.name for n in core.list_namespace().items}
        for name in names:
            if name not in existing:
                core.create_namespace({"metadata": {"name": name}})


def client_for(state: ClusterState, name: str = DEFAULT_SERVER) -> client.ApiClient:
    return api_client(state.kubeconfig(name))
