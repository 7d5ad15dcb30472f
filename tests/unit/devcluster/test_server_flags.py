from __future__ import annotations

from pathlib import Path

from gp.devcluster.certs import Pki
from gp.devcluster.flags import apiserver_args, etcd_args

PKI = Pki(
    *(
        Path(f"/s/pki/{n}")
        for n in (
            "ca.crt",
            "ca.key",
            "apiserver.crt",
            "apiserver.key",
            "admin.crt",
            "admin.key",
            "sa.key",
            "sa.pub",
        )
    )
)


def _flags(args: list[str]) -> dict[str, str]:
    out = {}
    for a in args[1:]:
        k, _, v = a.partition("=")
        out[k] = v
    return out


def test_etcd_listens_only_on_loopback_without_fsync():
    args = etcd_args(Path("/b/etcd"), Path("/s/etcd-data"), 2379, 2380)
    assert args[0] == "/b/etcd"
    f = _flags(args)
    assert f["--data-dir"] == "/s/etcd-data"
    assert f["--listen-client-urls"] == f["--advertise-client-urls"] == "http://127.0.0.1:2379"
    assert f["--listen-peer-urls"] == f["--initial-advertise-peer-urls"] == "http://127.0.0.1:2380"
    assert f["--initial-cluster"] == "gp-dev=http://127.0.0.1:2380"
    assert "--unsafe-no-fsync" in f
    # Argo's full CRDs do not fit etcd's default 1.5 MiB request limit with managed fields.
    assert int(f["--max-request-bytes"]) >= 8 * 1024 * 1024


def test_apiserver_flags_for_a_lone_loopback_server():
    args = apiserver_args(Path("/b/kube-apiserver"), PKI, "http://127.0.0.1:2379", 6443)
    f = _flags(args)
    assert f == {
        "--etcd-servers": "http://127.0.0.1:2379",
        "--etcd-prefix": "/registry",
        "--bind-address": "127.0.0.1",
        "--advertise-address": "127.0.0.1",
        "--endpoint-reconciler-type": "none",
        "--secure-port": "6443",
        "--tls-cert-file": "/s/pki/apiserver.crt",
        "--tls-private-key-file": "/s/pki/apiserver.key",
        "--client-ca-file": "/s/pki/ca.crt",
        "--service-cluster-ip-range": "10.0.0.0/24",
        "--authorization-mode": "RBAC",
        "--service-account-issuer": "https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file": "/s/pki/sa.pub",
        "--service-account-signing-key-file": "/s/pki/sa.key",
        "--disable-admission-plugins": "ServiceAccount",
        "--allow-privileged": "true",
        "--profiling": "false",
    }


def test_second_apiserver_gets_its_own_prefix_and_cert_dir():
    args = apiserver_args(
        Path("/b/kube-apiserver"),
        PKI,
        "http://127.0.0.1:2379",
        6444,
        etcd_prefix="/registry-full",
        cert_dir=Path("/s/apiservers/full/certs"),
    )
    f = _flags(args)
    assert f["--etcd-prefix"] == "/registry-full"
    assert f["--cert-dir"] == "/s/apiservers/full/certs"
    assert f["--secure-port"] == "6444"
