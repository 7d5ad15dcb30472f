"""Start the Argo engine beside a running dev cluster: pipelines run, crons fire.

Processes, in order: kube-controller-manager (ServiceAccounts, namespace deletion, garbage
collection), kube-scheduler, KWOK with one node, the simulated executor, and Argo's
workflow-controller, cluster-wide so runs in any namespace execute. Each is recorded in the
cluster's state file, so ``down`` stops them by PID.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kubernetes import client
from kubernetes.client.rest import ApiException

from gp.devcluster import engine_flags as flags
from gp.devcluster.cluster import ClusterState, ProcessInfo, await_ready, stop_engine
from gp.devcluster.engine_build import EngineBinaries
from gp.devcluster.engine_logs import free_port, install_logs_crd, kwok_log_args
from gp.devcluster.kubeconfig import api_client
from gp.devcluster.process import is_running, spawn

START_TIMEOUT_S = 90.0
# Argo fixes its health port (cmd/workflow-controller/main.go) and only logs an error when it is
# taken, so readiness is proven by a run instead: several dev clusters can run side by side.
PROBE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {"generateName": "gp-engine-probe-", "namespace": "argo"},
    "spec": {"entrypoint": "pause", "templates": [{"name": "pause", "suspend": {"duration": "0"}}]},
}
NODE_LABELS = {"pipeline": "small"}
ORDER = ("kube-controller-manager", "kube-scheduler", "kwok", "simexec", "workflow-controller")


def engine_is_up(state: ClusterState) -> bool:
    return set(state.engine) == set(ORDER) and all(
        is_running(p.pid, p.argv0) for p in state.engine.values()
    )


class _Probe:
    """A Workflow that needs no pod: Succeeded once the controller runs workflows."""

    def __init__(self, api: client.ApiClient):
        self.objs = client.CustomObjectsApi(api)
        self.name: str | None = None

    def done(self) -> bool:
        if self.name is None:
            self.name = self.objs.create_namespaced_custom_object(
                "argoproj.io", "v1alpha1", flags.ARGO_NAMESPACE, "workflows", PROBE
            )["metadata"]["name"]
        wf = self.objs.get_namespaced_custom_object(
            "argoproj.io", "v1alpha1", flags.ARGO_NAMESPACE, "workflows", self.name
        )
        if (wf.get("status") or {}).get("phase") != "Succeeded":
            return False
        self.objs.delete_namespaced_custom_object(
            "argoproj.io", "v1alpha1", flags.ARGO_NAMESPACE, "workflows", self.name
        )
        return True


def _ensure(create, read) -> None:
    try:
        read()
    except ApiException as e:
        if e.status != 404:
            raise
        create()


def _start(
    state: ClusterState,
    name: str,
    args: list[str],
    ready,
    die_with_parent: bool,
    env: Mapping[str, str] | None = None,
    timeout_s: float = START_TIMEOUT_S,
) -> None:
    log = state.state_dir / "engine" / f"{name}.log"
    pid = spawn(args, log, die_with_parent, env=env)
    await_ready(name, pid, args[0], log, ready, timeout_s)
    state.engine[name] = ProcessInfo(pid, args[0], str(log))
    state.save()


def _node_ready(core: client.CoreV1Api) -> bool:
    try:
        node = core.read_node(flags.NODE_NAME)
    except ApiException:
        return False
    return any(c.type == "Ready" and c.status == "True" for c in node.status.conditions or [])


def _untaint_node(core: client.CoreV1Api) -> None:
    # The TaintNodesByCondition admission plugin marks a new node not-ready; on a real cluster
    # the node-lifecycle controller lifts it, which the dev cluster does not run.
    node = core.read_node(flags.NODE_NAME)
    taints = [t for t in node.spec.taints or [] if not t.key.startswith("node.kubernetes.io/")]
    core.patch_node(flags.NODE_NAME, {"spec": {"taints": [t.to_dict() for t in taints] or None}})


def _has_default_sa(core: client.CoreV1Api) -> bool:
    try:
        core.read_namespaced_service_account("default", "default")
        return True
    except ApiException:
        return False


def _prepare_objects(core: client.CoreV1Api, image_commands: Mapping[str, list[str]]) -> None:
    _ensure(
        lambda: core.create_namespace({"metadata": {"name": flags.ARGO_NAMESPACE}}),
        lambda: core.read_namespace(flags.ARGO_NAMESPACE),
    )
    cm = flags.controller_configmap(image_commands)
    try:
        core.create_namespaced_config_map(flags.ARGO_NAMESPACE, cm)
    except ApiException as e:
        if e.status != 409:
            raise
        core.replace_namespaced_config_map(flags.CONTROLLER_CONFIGMAP, flags.ARGO_NAMESPACE, cm)
    _ensure(
        lambda: core.create_node(flags.node_manifest(NODE_LABELS)),
        lambda: core.read_node(flags.NODE_NAME),
    )


def start_engine(
    state: ClusterState,
    binaries: EngineBinaries,
    image_commands: Mapping[str, list[str]] | None = None,
    die_with_parent: bool = False,
) -> ClusterState:
    """Start the engine on ``state``'s default API server; reuses a running engine."""
    if engine_is_up(state):
        return state
    stop_engine(state)  # a half-started engine: clear it first
    (state.state_dir / "engine").mkdir(parents=True, exist_ok=True)
    kubeconfig: Path = state.kubeconfig()
    commands = {**flags.DEFAULT_IMAGE_COMMANDS, **(image_commands or {})}
    try:
        with api_client(kubeconfig) as api:
            core = client.CoreV1Api(api)
            _prepare_objects(core, commands)
            _start(
                state,
                "kube-controller-manager",
                flags.controller_manager_args(binaries.controller_manager, kubeconfig, state.pki),
                lambda: _has_default_sa(core),
                die_with_parent,
            )
            _start(
                state,
                "kube-scheduler",
                flags.scheduler_args(binaries.scheduler, kubeconfig),
                lambda: True,
                die_with_parent,
            )
            install_logs_crd(api)
            _start(
                state,
                "kwok",
                flags.kwok_args(binaries.kwok, kubeconfig) + kwok_log_args(free_port(), state.pki),
                lambda: _node_ready(core),
                die_with_parent,
            )
            _untaint_node(core)
            _start(
                state,
                "simexec",
                flags.simexec_args(kubeconfig)
                + [f"--logs-dir={state.state_dir / 'engine' / 'pod-logs'}"],
                lambda: True,
                die_with_parent,
            )
            _start(
                state,
                "workflow-controller",
                flags.workflow_controller_args(binaries.workflow_controller, kubeconfig),
                _Probe(api).done,
                die_with_parent,
                env=flags.workflow_controller_env(os.environ),
            )
    except BaseException:
        stop_engine(state)
        state.save()
        raise
    return state
