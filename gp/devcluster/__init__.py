"""A real kube-apiserver (with etcd) built from source and run on loopback, for tests and dev.

``python -m gp.devcluster build|up|down|env`` drives it from a shell; the integration tests use
the same functions through ``gp.devcluster.lifecycle``.
"""

from gp.devcluster.build import KUBE_VERSION, Binaries, BuildPaths, ensure_binaries, find_binaries
from gp.devcluster.cluster import ClusterState, default_state_dir, down, env_line, load, require
from gp.devcluster.errors import BuildError, DevClusterError, NotRunningError, StartError
from gp.devcluster.kubeconfig import api_client
from gp.devcluster.lifecycle import add_server, client_for, start

__all__ = [
    "KUBE_VERSION",
    "Binaries",
    "BuildError",
    "BuildPaths",
    "ClusterState",
    "DevClusterError",
    "NotRunningError",
    "StartError",
    "add_server",
    "api_client",
    "client_for",
    "default_state_dir",
    "down",
    "ensure_binaries",
    "env_line",
    "find_binaries",
    "load",
    "require",
    "start",
]
