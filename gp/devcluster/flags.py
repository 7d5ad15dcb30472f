"""Command lines for etcd and kube-apiserver running alone on loopback, with no other components.

Pure functions of their inputs, so the exact flags are unit-tested without starting anything.
"""

from __future__ import annotations

from pathlib import Path

from gp.devcluster.certs import Pki

LOOPBACK = "127.0.0.1"
# Argo's full CRDs are about 1.5 MB each once stored; etcd refuses requests above 1.5 MiB by
# default, so the limit is raised well beyond any single object the tests write.
ETCD_MAX_REQUEST_BYTES = 16 * 1024 * 1024
SERVICE_CIDR = "10.0.0.0/24"
# Admission plugins that wait on objects only kube-controller-manager would create (the
# namespace's default ServiceAccount), or that need nodes; none of them concerns gp's objects.
DISABLED_ADMISSION = ("ServiceAccount",)


def etcd_args(binary: Path, data_dir: Path, client_port: int, peer_port: int) -> list[str]:
    client = f"http://{LOOPBACK}:{client_port}"
    peer = f"http://{LOOPBACK}:{peer_port}"
    return [
        str(binary),
        "--name=gp-dev",
        f"--data-dir={data_dir}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=gp-dev={peer}",
        "--initial-cluster-state=new",
        # A dev cluster's data is thrown away; durability only costs time.
        "--unsafe-no-fsync",
        f"--max-request-bytes={ETCD_MAX_REQUEST_BYTES}",
        "--log-level=warn",
    ]


def apiserver_args(
    binary: Path,
    pki: Pki,
    etcd_url: str,
    secure_port: int,
    etcd_prefix: str = "/registry",
    cert_dir: Path | None = None,
) -> list[str]:
    args = [
        str(binary),
        f"--etcd-servers={etcd_url}",
        f"--etcd-prefix={etcd_prefix}",
        f"--bind-address={LOOPBACK}",
        f"--advertise-address={LOOPBACK}",
        # No kubelets or peers: the kubernetes Service endpoints would point at nothing, and
        # two servers sharing one etcd must not fight over them.
        "--endpoint-reconciler-type=none",
        f"--secure-port={secure_port}",
        f"--tls-cert-file={pki.serving_cert}",
        f"--tls-private-key-file={pki.serving_key}",
        f"--client-ca-file={pki.ca_cert}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-account-key-file={pki.sa_pub}",
        f"--service-account-signing-key-file={pki.sa_key}",
        f"--disable-admission-plugins={','.join(DISABLED_ADMISSION)}",
        "--allow-privileged=true",
        "--profiling=false",
    ]
    if cert_dir is not None:
        # Keeps the server from writing anything under /var/run/kubernetes.
        args.append(f"--cert-dir={cert_dir}")
    return args
