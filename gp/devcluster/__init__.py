"""A real kube-apiserver (with etcd) built from source and run on loopback, for tests and dev.

``python -m gp.devcluster build|up|down|env`` drives it from a shell; the integration tests use
the same functions through ``gp.devcluster.lifecycle``.
"""

from gp.devcluster.build import KUBE_VERSION, BuildPaths, Binaries, ensure_binaries, find_binaries
from gp.devcluster.cluster import ClusterState, default_state_dir, down, env_line, load, require
from gp.devcluster.errors import BuildError, DevClusterError, NotRunningError, StartError
from gp.devcluster.kubeconfig import api_client
from gp.devcluster.lifecycle import add_server, client_for, start

__all__ = [
    "KUBE_VERSION",
    "BuildPaths",
    "Binaries",
    "ensure_binaries",
    "find_binaries",
    "ClusterState",
    "default_state_dir",
    "down",
    "env_line",
    "load",
    "require",
    "BuildError",
    "DevClusterError",
    "NotRunningError",
    "StartError",
    "api_client",
    "add_server",
    "client_for",
    "start",
]
