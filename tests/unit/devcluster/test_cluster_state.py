from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from kubernetes import client

from gp.devcluster import cluster
from gp.devcluster.certs import write_pki
from gp.devcluster.cluster import ApiServerInfo, ClusterState, EtcdInfo
from gp.devcluster.errors import NotRunningError
from gp.devcluster.kubeconfig import api_client, write_kubeconfig
from gp.devcluster.process import is_running, stop, wait_until


def _state(tmp_path) -> ClusterState:
    return ClusterState(
        tmp_path,
        EtcdInfo(pid=11, argv0="/b/etcd", client_port=2379, peer_port=2380),
        {
            "default": ApiServerInfo(
                "default",
                12,
                "/b/kube-apiserver",
                6443,
                "/registry",
                str(tmp_path / "kubeconfig"),
                crds="project",
            )
        },
    )


def test_state_round_trips_through_cluster_json(tmp_path):
    state = _state(tmp_path)
    state.save()
    data = json.loads((tmp_path / "cluster.json").read_text())
    assert data["etcd"]["pid"] == 11 and data["apiservers"]["default"]["port"] == 6443
    loaded = cluster.load(tmp_path)
    assert loaded == state
    assert loaded.etcd.url == "http://127.0.0.1:2379"
    assert loaded.apiservers["default"].server == "https://127.0.0.1:6443"


def test_unknown_server_name_is_an_error(tmp_path):
    with pytest.raises(NotRunningError, match="no API server named 'full'"):
        _state(tmp_path).kubeconfig("full")


def test_require_without_cluster_says_how_to_start_one(tmp_path):
    with pytest.raises(
        NotRunningError, match=r"no dev cluster is running in .*scripts/dev-cluster up"
    ):
        cluster.require(tmp_path)


def test_require_with_dead_processes_is_not_running(tmp_path):
    _state(tmp_path).save()  # PIDs 11 and 12 are kernel threads or nothing, never our binaries
    with pytest.raises(NotRunningError):
        cluster.require(tmp_path)


def test_down_removes_only_what_the_cluster_owns(tmp_path):
    _state(tmp_path).save()
    (tmp_path / "pki").mkdir()
    (tmp_path / "etcd.log").write_text("x")
    (tmp_path / "mine.txt").write_text("keep")
    assert cluster.down(tmp_path) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]
    assert cluster.down(tmp_path) is False


def test_env_line_quotes_the_path(tmp_path):
    assert (
        cluster.env_line(tmp_path / "a b" / "kubeconfig")
        == f"export KUBECONFIG='{tmp_path}/a b/kubeconfig'"
    )


def test_stop_never_signals_a_pid_running_something_else():
    sleep = shutil.which("sleep")
    proc = subprocess.Popen([sleep, "30"])
    try:
        # Until the child has exec'd, its command line is still this Python's.
        assert wait_until(lambda: is_running(proc.pid, sleep), 5.0)
        assert stop(proc.pid, "/b/etcd") is False
        assert is_running(proc.pid, sleep)
        assert stop(proc.pid, sleep, grace_s=5) is True
        assert not is_running(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def test_api_client_from_kubeconfig_leaves_global_config_alone(tmp_path):
    pki = write_pki(tmp_path / "pki")
    kc = write_kubeconfig(tmp_path / "kubeconfig", "https://127.0.0.1:6443", pki)
    before = client.Configuration.get_default_copy().host
    with api_client(kc) as api:
        cfg = api.configuration
        assert cfg.host == "https://127.0.0.1:6443"
        assert (cfg.ssl_ca_cert, cfg.cert_file, cfg.key_file) == (
            str(pki.ca_cert),
            str(pki.admin_cert),
            str(pki.admin_key),
        )
    assert client.Configuration.get_default_copy().host == before
