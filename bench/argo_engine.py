"""The engine side of bench/argo_examples.py: a dev cluster of its own, the examples' templates
applied, every scenario submitted in batches, each run compared with the simulator's."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from kubernetes import client
from kubernetes.client.rest import ApiException

from bench.argo_examples import Example, differences
from gp.devcluster import cluster, lifecycle
from gp.devcluster.build import BuildPaths, default_cache_root, ensure_binaries
from gp.devcluster.engine import start_engine
from gp.devcluster.engine_build import EnginePaths, ensure_engine
from gp.devcluster.kubeconfig import api_client
from gp.errors import SimulationError
from gp.providers.kubernetes import KubernetesProvider
from gp.simulate import simulate
from gp.testing.engine import EngineBackend

NAMESPACE = "examples"
GROUP, VERSION = "argoproj.io", "v1alpha1"


def apply_library(api: client.ApiClient, namespace: str, library: Sequence[dict]) -> None:
    """The examples' WorkflowTemplates and ClusterWorkflowTemplates, for their templateRefs."""
    objs = client.CustomObjectsApi(api)
    for m in library:
        body = {"apiVersion": f"{GROUP}/{VERSION}", **m}
        try:
            if m["kind"] == "ClusterWorkflowTemplate":
                objs.create_cluster_custom_object(GROUP, VERSION, "clusterworkflowtemplates", body)
            else:
                objs.create_namespaced_custom_object(
                    GROUP, VERSION, namespace, "workflowtemplates", body
                )
        except ApiException as e:
            if e.status != 409:  # the same name in two files: the first stays
                raise


def compare_all(
    backend: EngineBackend, examples: Sequence[Example], batch: int, delete=None
) -> dict[tuple[str, str], list[str]]:
    """Each scenario's differences (empty when the two agree), submitted ``batch`` at a time."""
    # Only what needs nothing outside the dev cluster, and scenarios the simulator can run.
    todo = [
        (e.file, label, s)
        for e in examples
        if not e.needs
        for label, s in e.scenarios
        if "[simulator:" not in label
    ]
    out: dict[tuple[str, str], list[str]] = {}
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        names = [backend.submit(s) for _, _, s in chunk]
        for (file, label, scenario), name in zip(chunk, names):
            try:
                on_engine = backend.wait(name)
            except SimulationError as e:
                out[(file, label)] = [f"engine: {e.message}"]
                continue
            finally:
                if delete is not None:
                    delete(name)
            out[(file, label)] = differences(simulate(scenario), on_engine)
    return out


def run_on_engine(
    examples: Sequence[Example], library: Sequence[dict], batch: int
) -> dict[tuple[str, str], list[str]]:
    paths = BuildPaths(default_cache_root())
    state_dir = Path(tempfile.mkdtemp(prefix="gp-argo-examples-"))
    state = lifecycle.start(state_dir, ensure_binaries(paths), die_with_parent=True)
    try:
        start_engine(state, ensure_engine(EnginePaths(paths)), die_with_parent=True)
        with api_client(state.kubeconfig()) as api:
            client.CoreV1Api(api).create_namespace({"metadata": {"name": NAMESPACE}})
            apply_library(api, NAMESPACE, library)
            engine = KubernetesProvider(api, NAMESPACE).engine()
            backend = EngineBackend(engine, NAMESPACE, timeout_s=90)
            objs = client.CustomObjectsApi(api)

            def delete(name: str) -> None:
                objs.delete_namespaced_custom_object(GROUP, VERSION, NAMESPACE, "workflows", name)

            return compare_all(backend, examples, batch, delete)
    finally:
        cluster.down(state_dir)
