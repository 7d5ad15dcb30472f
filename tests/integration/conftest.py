"""Fixtures that run gp's tests against a real kube-apiserver (gp.devcluster), started lazily.

One etcd serves two API servers: ``default`` with the project's CRDs (spec kept as sent) and,
only when a test asks, ``full`` under another etcd prefix with Argo's full CRDs, since one API
server cannot hold two definitions of the same CRD. Each test run has its own state dir, so a
developer's ``scripts/dev-cluster up`` cluster is never touched. Missing binaries fail the run
unless ``GP_SKIP_INTEGRATION=1``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException
from life_helpers import Cluster, Run, write_module

from gp.devcluster import lifecycle
from gp.devcluster.build import Binaries, BuildPaths, default_cache_root, find_binaries
from gp.devcluster.cluster import ClusterState, down
from gp.devcluster.crds import full_crds_dir
from gp.devcluster.engine import start_engine
from gp.devcluster.engine_build import EngineBinaries, EnginePaths, find_engine
from gp.devcluster.kubeconfig import api_client

FULL = "full"


def _binaries() -> Binaries:
    paths = BuildPaths(default_cache_root())
    found = find_binaries(paths)
    if found is not None:
        return found
    message = (
        f"etcd and kube-apiserver are not built in {paths.bin_dir}: run `scripts/dev-cluster build`"
        " (about 4 minutes with Go), or set GP_SKIP_INTEGRATION=1 to skip the integration tests"
    )
    if os.environ.get("GP_SKIP_INTEGRATION") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def dev_binaries() -> Binaries:
    return _binaries()


@pytest.fixture(scope="session")
def engine_binaries() -> EngineBinaries:
    paths = EnginePaths(BuildPaths(default_cache_root()))
    found = find_engine(paths)
    if found is not None:
        return found
    message = (
        "the Argo engine (workflow-controller, argo, kube-scheduler, kube-controller-manager, kwok) "
        "is not built: run `scripts/dev-cluster build` (about 25 minutes cold), or set "
        "GP_SKIP_INTEGRATION=1 to skip the integration tests"
    )
    if os.environ.get("GP_SKIP_INTEGRATION") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def engine(dev_cluster, engine_binaries) -> ClusterState:
    """The dev cluster with Argo's engine running: one per session (the controller's health port
    is fixed, so one per machine); stopped with the cluster."""
    return start_engine(dev_cluster, engine_binaries, die_with_parent=True)


@pytest.fixture(scope="session")
def dev_cluster(dev_binaries, tmp_path_factory) -> Iterator[ClusterState]:
    """etcd plus the default API server with the project's CRDs; torn down even on failures."""
    state_dir: Path = tmp_path_factory.mktemp("dev-cluster")
    try:
        # die_with_parent: a killed test run still takes its servers with it.
        yield lifecycle.start(state_dir, dev_binaries, "project", die_with_parent=True)
    finally:
        down(state_dir)


@pytest.fixture(scope="session")
def full_cluster(dev_cluster, dev_binaries) -> ClusterState:
    """A second API server on the same etcd serving Argo's full CRDs (schemas and CEL rules)."""
    full_dir = full_crds_dir()
    if not full_dir.is_dir():
        pytest.skip(f"Argo's full CRDs are absent ({full_dir})")
    lifecycle.add_server(dev_cluster, dev_binaries, FULL, "full", full_dir, die_with_parent=True)
    return dev_cluster


@pytest.fixture
def kube(dev_cluster) -> Iterator[client.ApiClient]:
    """An ApiClient for the default server, built from its kubeconfig (no global config)."""
    with api_client(dev_cluster.kubeconfig()) as api:
        yield api


@pytest.fixture
def kube_full(full_cluster) -> Iterator[client.ApiClient]:
    with api_client(full_cluster.kubeconfig(FULL)) as api:
        yield api


def _fresh_namespace(api: client.ApiClient, request) -> Iterator[str]:
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40].rstrip("-")
    name = f"{slug}-{uuid.uuid4().hex[:6]}"
    core = client.CoreV1Api(api)
    core.create_namespace({"metadata": {"name": name, "labels": {"gp.test/namespace": "true"}}})
    yield name
    # Without the engine's controller-manager the namespace stays Terminating; names never repeat.
    try:
        core.delete_namespace(name)
    except ApiException as e:
        if e.status != 404:
            raise


@pytest.fixture
def namespace(kube, request) -> Iterator[str]:
    """A namespace of the test's own on the default server."""
    yield from _fresh_namespace(kube, request)


@pytest.fixture
def full_namespace(kube_full, request) -> Iterator[str]:
    """A namespace of the test's own on the full-CRD server."""
    yield from _fresh_namespace(kube_full, request)


# -- the gp CLI against the default server (tests/integration/life_helpers.py) -------------


@pytest.fixture
def cluster(kube, namespace) -> Cluster:
    return Cluster(kube, namespace)


@pytest.fixture
def module(tmp_path, dev_cluster, namespace):
    kubeconfig = dev_cluster.kubeconfig()

    def write(*blocks: str, stack: str = "life") -> Path:
        return write_module(tmp_path / "stack", kubeconfig, namespace, *blocks, stack=stack)

    return write


@pytest.fixture
def gp(capsys, tmp_path) -> Run:
    return Run(capsys, tmp_path / "stack")
