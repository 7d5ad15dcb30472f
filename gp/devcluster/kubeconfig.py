"""Kubeconfig files for the dev cluster, and API clients built from them without global state."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from kubernetes import client
from kubernetes import config as kube_config

from gp.devcluster.certs import Pki

CONTEXT = "gp-dev"


def kubeconfig_dict(server: str, pki: Pki, name: str = CONTEXT) -> dict:
    # Paths rather than embedded data: the kubernetes client would otherwise copy the keys
    # to temp files on every load.
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": name, "cluster": {"server": server, "certificate-authority": str(pki.ca_cert)}}
        ],
        "users": [
            {
                "name": name,
                "user": {
                    "client-certificate": str(pki.admin_cert),
                    "client-key": str(pki.admin_key),
                },
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
    }


def write_kubeconfig(path: Path, server: str, pki: Pki, name: str = CONTEXT) -> Path:
    path.write_text(yaml.safe_dump(kubeconfig_dict(server, pki, name), sort_keys=False))
    path.chmod(0o600)
    return path


def api_client(kubeconfig: Path, context: str | None = None) -> client.ApiClient:
    """A client for ``kubeconfig`` that leaves the kubernetes library's default config alone."""
    cfg = client.Configuration()
    kube_config.load_kube_config(
        config_file=str(kubeconfig),
        context=context,
        client_configuration=cfg,
        persist_config=False,
    )
    return client.ApiClient(configuration=cfg)


def https_get(url: str, pki: Pki, timeout_s: float = 2.0) -> tuple[int, str]:
    """GET with the admin cert; (status, body), or (0, reason) when nothing answers."""
    ctx = ssl.create_default_context(cafile=str(pki.ca_cert))
    ctx.load_cert_chain(str(pki.admin_cert), str(pki.admin_key))
    try:
        with urllib.request.urlopen(url, context=ctx, timeout=timeout_s) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


def http_get(url: str, timeout_s: float = 2.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)
