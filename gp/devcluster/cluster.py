"""One etcd and one or more kube-apiservers on loopback, recorded in a state dir.

The state dir holds everything a cluster owns (PKI, etcd data, logs, kubeconfigs) plus
``cluster.json`` with PIDs and ports, so ``up``, ``env`` and ``down`` run from separate processes
find each other. Several API servers may share the etcd, each under its own ``--etcd-prefix``:
that is how one run serves two different definitions of the same CRD.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gp.devcluster.build import Binaries
from gp.devcluster.certs import Pki, write_pki
from gp.devcluster.errors import NotRunningError, StartError
from gp.devcluster.flags import apiserver_args, etcd_args
from gp.devcluster.kubeconfig import http_get, https_get, write_kubeconfig
from gp.devcluster.process import (
    LOOPBACK,
    free_port,
    is_running,
    log_tail,
    spawn,
    stop,
    stop_all,
    wait_until,
)

STATE_FILE = "cluster.json"
DEFAULT_SERVER = "default"
START_TIMEOUT_S = 90.0
_PORT_ATTEMPTS = 3
# Everything a cluster writes into its state dir; down removes exactly these.
_OWNED = ("pki", "etcd-data", "etcd.log", "apiservers", "engine", STATE_FILE)


def default_state_dir() -> Path:
    env = os.environ.get("GP_DEV_CLUSTER_DIR")
    return Path(env) if env else Path.home() / ".cache" / "gp" / "dev-cluster"


@dataclass
class EtcdInfo:
    pid: int
    argv0: str
    client_port: int
    peer_port: int

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.client_port}"


@dataclass
class ApiServerInfo:
    name: str
    pid: int
    argv0: str
    port: int
    etcd_prefix: str
    kubeconfig: str
    crds: str = "none"  # which CRD set was installed: none, project or full

    @property
    def server(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"


@dataclass
class ProcessInfo:
    """One of the engine's processes (gp/devcluster/engine.py)."""

    pid: int
    argv0: str
    log: str


@dataclass
class ClusterState:
    state_dir: Path
    etcd: EtcdInfo
    apiservers: dict[str, ApiServerInfo] = field(default_factory=dict)
    engine: dict[str, ProcessInfo] = field(default_factory=dict)

    @property
    def pki(self) -> Pki:
        return pki_paths(self.state_dir)

    def kubeconfig(self, name: str = DEFAULT_SERVER) -> Path:
        if name not in self.apiservers:
            raise NotRunningError(f"no API server named {name!r} in {self.state_dir}")
        return Path(self.apiservers[name].kubeconfig)

    def save(self) -> None:
        data = {
            "etcd": asdict(self.etcd),
            "apiservers": {n: asdict(a) for n, a in self.apiservers.items()},
            "engine": {n: asdict(p) for n, p in self.engine.items()},
        }
        tmp = self.state_dir / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.replace(self.state_dir / STATE_FILE)


def pki_paths(state_dir: Path) -> Pki:
    d = state_dir / "pki"
    return Pki(
        d / "ca.crt",
        d / "ca.key",
        d / "apiserver.crt",
        d / "apiserver.key",
        d / "admin.crt",
        d / "admin.key",
        d / "sa.key",
        d / "sa.pub",
    )


def load(state_dir: Path) -> ClusterState | None:
    path = state_dir / STATE_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return ClusterState(
        state_dir=state_dir,
        etcd=EtcdInfo(**data["etcd"]),
        apiservers={n: ApiServerInfo(**a) for n, a in data["apiservers"].items()},
        engine={n: ProcessInfo(**p) for n, p in data.get("engine", {}).items()},
    )


def is_up(state: ClusterState) -> bool:
    procs = [state.etcd, *state.apiservers.values()]
    return all(is_running(p.pid, p.argv0) for p in procs)


def await_ready(what: str, pid: int, argv0: str, log: Path, ready, timeout_s: float) -> None:
    """Wait until ``ready()``; a process that is not ready (or an interrupted wait) is stopped,
    since it is not yet in the state file where ``down`` would find it."""
    died = []

    def check() -> bool:
        if not is_running(pid):
            died.append(True)
            return True
        return ready()

    try:
        ok = wait_until(check, timeout_s, interval_s=0.2)
    except BaseException:
        stop(pid, argv0, grace_s=2.0)
        raise
    if not ok:
        stop(pid, argv0, grace_s=2.0)
        raise StartError(what, f"not ready after {timeout_s:.0f}s", log_tail(log))
    if died:
        raise StartError(what, "the process exited", log_tail(log))


def _port_clash(err: StartError) -> bool:
    return "address already in use" in err.log_tail


def start_etcd(
    state_dir: Path,
    binaries: Binaries,
    die_with_parent: bool = False,
    timeout_s: float = START_TIMEOUT_S,
) -> EtcdInfo:
    log = state_dir / "etcd.log"
    for attempt in range(_PORT_ATTEMPTS):
        client_port, peer_port = free_port(), free_port()
        shutil.rmtree(state_dir / "etcd-data", ignore_errors=True)
        args = etcd_args(binaries.etcd, state_dir / "etcd-data", client_port, peer_port)
        pid = spawn(args, log, die_with_parent)
        info = EtcdInfo(pid, args[0], client_port, peer_port)
        try:
            await_ready(
                "etcd",
                pid,
                args[0],
                log,
                lambda info=info: http_get(info.url + "/health")[0] == 200,
                timeout_s,
            )
            return info
        except StartError as e:
            if attempt + 1 == _PORT_ATTEMPTS or not _port_clash(e):
                raise
    raise AssertionError("unreachable")


def _apiserver_ready(server: str, pki: Pki) -> bool:
    if https_get(server + "/readyz", pki)[0] != 200:
        return False
    # readyz can pass a moment before the system namespaces are written.
    return https_get(server + "/api/v1/namespaces/default", pki)[0] == 200


def start_apiserver(
    state: ClusterState,
    binaries: Binaries,
    name: str = DEFAULT_SERVER,
    die_with_parent: bool = False,
    timeout_s: float = START_TIMEOUT_S,
) -> ApiServerInfo:
    """Start an API server on the state's etcd, write its kubeconfig, record it in the state."""
    if name in state.apiservers and is_running(
        state.apiservers[name].pid, state.apiservers[name].argv0
    ):
        return state.apiservers[name]
    home = state.state_dir / "apiservers" / name
    home.mkdir(parents=True, exist_ok=True)
    log = home / "kube-apiserver.log"
    prefix = "/registry" if name == DEFAULT_SERVER else f"/registry-{name}"
    for attempt in range(_PORT_ATTEMPTS):
        port = free_port()
        args = apiserver_args(
            binaries.apiserver, state.pki, state.etcd.url, port, prefix, cert_dir=home / "certs"
        )
        pid = spawn(args, log, die_with_parent)
        server = f"https://{LOOPBACK}:{port}"
        try:
            await_ready(
                f"kube-apiserver {name!r}",
                pid,
                args[0],
                log,
                lambda server=server: _apiserver_ready(server, state.pki),
                timeout_s,
            )
            break
        except StartError as e:
            if attempt + 1 == _PORT_ATTEMPTS or not _port_clash(e):
                raise
    kubeconfig = write_kubeconfig(home / "kubeconfig", server, state.pki)
    info = ApiServerInfo(name, pid, args[0], port, prefix, str(kubeconfig))
    state.apiservers[name] = info
    state.save()
    return info


def up(
    state_dir: Path,
    binaries: Binaries,
    die_with_parent: bool = False,
    timeout_s: float = START_TIMEOUT_S,
) -> ClusterState:
    """A running cluster in ``state_dir``: the one already there, or a fresh one."""
    existing = load(state_dir)
    if existing is not None and is_up(existing):
        return existing
    down(state_dir)  # a stale or half-started cluster: clear it first
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        write_pki(state_dir / "pki")
        etcd = start_etcd(state_dir, binaries, die_with_parent, timeout_s)
        state = ClusterState(state_dir, etcd)
        state.save()
        start_apiserver(state, binaries, DEFAULT_SERVER, die_with_parent, timeout_s)
        return state
    except BaseException:
        down(state_dir)
        raise


def down(state_dir: Path) -> bool:
    """Stop every recorded process (API servers before their etcd) and remove the cluster's files.

    True if a cluster was recorded there.
    """
    state = load(state_dir)
    if state is not None:
        # The engine first: its controllers would only log errors once the API server is gone.
        stop_engine(state)
        stop_all([(a.pid, a.argv0) for a in state.apiservers.values()])
        stop_all([(state.etcd.pid, state.etcd.argv0)])
    for name in _OWNED:
        path = state_dir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()
    return state is not None


def stop_engine(state: ClusterState) -> None:
    """Stop the engine's processes. Argo's workflow-controller (v4.0.5) ignores SIGTERM and
    SIGINT, so it gets SIGKILL at once; the others stop on SIGTERM."""
    if "workflow-controller" in state.engine:
        p = state.engine["workflow-controller"]
        stop(p.pid, p.argv0, grace_s=0.0)  # no grace: SIGKILL right after the ignored SIGTERM
    stop_all([(p.pid, p.argv0) for p in state.engine.values()], grace_s=5.0)
    state.engine.clear()


def require(state_dir: Path) -> ClusterState:
    """The running cluster in ``state_dir``, or NotRunningError saying how to start one."""
    state = load(state_dir)
    if state is None or not is_up(state):
        raise NotRunningError(
            f"no dev cluster is running in {state_dir} (start one with `scripts/dev-cluster up`)"
        )
    return state


def env_line(kubeconfig: Path) -> str:
    return f"export KUBECONFIG={shlex.quote(str(kubeconfig))}"
