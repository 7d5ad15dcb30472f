"""Start the Argo engine beside a running dev cluster: pipelines run, crons fire.

Processes, in order: kube-controller-manager (ServiceAccounts, namespace deletion, garbage
collection), kube-scheduler, KWOK with one node, the simulated executor, and Argo's
workflow-controller, cluster-wide so runs in any namespace execute. Each is recorded in the
cluster's state file, so ``down`` stops them by PID.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Mapping

from kubernetes import client
from kubernetes.client.rest import ApiException

from gp.devcluster import engine_flags as flags
from gp.devcluster.cluster import ClusterState, ProcessInfo, await_ready, stop_engine
from gp.devcluster.engine_build import EngineBinaries
from gp.devcluster.engine_logs import free_port, install_logs_crd, kwok_log_args
from gp.devcluster.errors import StartError
from gp.devcluster.kubeconfig import api_client, http_get
from gp.devcluster.process import is_running, spawn

START_TIMEOUT_S = 90.0
# Fixed by Argo (cmd/workflow-controller/main.go): one controller per machine.
CONTROLLER_HEALTH_PORT = 6060
NODE_LABELS = {"pipeline": "small"}
ORDER = ("kube-controller-manager", "kube-scheduler", "kwok", "simexec", "workflow-controller")


def engine_is_up(state: ClusterState) -> bool:
    return set(state.engine) == set(ORDER) and all(
        is_running(p.pid, p.argv0) for p in state.engine.values()
    )


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _ensure(create, read) -> None:
    try:
        read()
    except ApiException as e:
        if e.status != 404:
            raise
        create()


def _start(
    state: ClusterState, name: str, args: list[str], ready, die_with_parent: bool,
    env: Mapping[str, str] | None = None, timeout_s: float = START_TIMEOUT_S,
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
    _ensure(lambda: core.create_namespace({"metadata": {"name": flags.ARGO_NAMESPACE}}),
            lambda: core.read_namespace(flags.ARGO_NAMESPACE))
    cm = flags.controller_configmap(image_commands)
    try:
        core.create_namespaced_config_map(flags.ARGO_NAMESPACE, cm)
    except ApiException as e:
        if e.status != 409:
            raise
        core.replace_namespaced_config_map(flags.CONTROLLER_CONFIGMAP, flags.ARGO_NAMESPACE, cm)
    _ensure(lambda: core.create_node(flags.node_manifest(NODE_LABELS)),
            lambda: core.read_node(flags.NODE_NAME))


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
    if _port_taken(CONTROLLER_HEALTH_PORT):
        raise StartError(
            "workflow-controller",
            f"port {CONTROLLER_HEALTH_PORT} is in use: another Argo workflow-controller runs on "
            "this machine (Argo fixes that port; stop the other dev cluster with "
            "`scripts/dev-cluster down`)", "")
    (state.state_dir / "engine").mkdir(parents=True, exist_ok=True)
    kubeconfig: Path = state.kubeconfig()
    commands = {**flags.DEFAULT_IMAGE_COMMANDS, **(image_commands or {})}
    try:
        with api_client(kubeconfig) as api:
            core = client.CoreV1Api(api)
            _prepare_objects(core, commands)
            _start(state, "kube-controller-manager",
                   flags.controller_manager_args(binaries.controller_manager, kubeconfig, state.pki),
                   lambda: _has_default_sa(core), die_with_parent)
            _start(state, "kube-scheduler", flags.scheduler_args(binaries.scheduler, kubeconfig),
                   lambda: True, die_with_parent)
            install_logs_crd(api)
            _start(state, "kwok", flags.kwok_args(binaries.kwok, kubeconfig)
                   + kwok_log_args(free_port(), state.pki), lambda: _node_ready(core), die_with_parent)
            _untaint_node(core)
            _start(state, "simexec", flags.simexec_args(kubeconfig)
                   + [f"--logs-dir={state.state_dir / 'engine' / 'pod-logs'}"], lambda: True,
                   die_with_parent)
            _start(state, "workflow-controller",
                   flags.workflow_controller_args(binaries.workflow_controller, kubeconfig),
                   lambda: http_get(f"http://127.0.0.1:{CONTROLLER_HEALTH_PORT}/healthz")[0] == 200,
                   die_with_parent, env=flags.workflow_controller_env(os.environ))
    except BaseException:
        stop_engine(state)
        state.save()
        raise
    return state
