"""Which transport a kubeconfig gets: the direct one only for what it understands (a server, a
CA, a client certificate or a token); anything else goes to the kubernetes library, which
also reports a kubeconfig that is wrong in its own words."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from gp.devcluster.certs import write_pki
from gp.providers.kubeconfig import transport_for
from gp.providers.kubetransport import DirectTransport, LibraryTransport, direct_transport


def kubeconfig(cluster: dict, user: dict, context: str = "c") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": context,
        "clusters": [{"name": "k", "cluster": {"server": "https://127.0.0.1:1", **cluster}}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
    }


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return write_pki(tmp_path_factory.mktemp("pki"))


def test_client_certificates_with_paths_relative_to_the_kubeconfig(pki, tmp_path):
    folder = pki.ca_cert.parent
    doc = kubeconfig(
        {"certificate-authority": "ca.crt"},
        {"client-certificate": "admin.crt", "client-key": "admin.key"},
    )
    transport = direct_transport([doc], None, folder)
    assert isinstance(transport, DirectTransport)
    assert transport.host == "https://127.0.0.1:1"
    assert "Authorization" not in transport.headers
    # Read from elsewhere, the same relative paths do not resolve: the library takes over.
    assert direct_transport([doc], None, tmp_path) is None


def test_embedded_data_and_a_token(pki):
    doc = kubeconfig(
        {"certificate-authority-data": base64.b64encode(pki.ca_cert.read_bytes()).decode()},
        {"token": "t0ken"},
    )
    transport = direct_transport([doc], None, Path("/"))
    assert isinstance(transport, DirectTransport)
    assert transport.headers["Authorization"] == "Bearer t0ken"


@pytest.mark.parametrize(
    "user,context,docs",
    [
        ({"exec": {"command": "aws"}}, None, 1),  # an exec plugin
        ({"auth-provider": {"name": "oidc"}}, None, 1),  # an auth provider
        ({"username": "a", "password": "b"}, None, 1),  # basic auth
        ({"token": "t"}, "missing", 1),  # no such context
        ({"token": "t"}, None, 2),  # several files to merge
    ],
)
def test_anything_else_goes_to_the_library(user, context, docs):
    doc = kubeconfig({"insecure-skip-tls-verify": True}, user)
    assert direct_transport([doc] * docs, context, Path("/")) is None


def test_transport_for_falls_back_to_the_library(tmp_path):
    path = tmp_path / "kc"
    path.write_text(
        yaml.safe_dump(
            kubeconfig(
                {"insecure-skip-tls-verify": True},
                {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "true"}},
            )
        )
    )
    assert isinstance(transport_for({"kubeconfig": str(path)}, tmp_path), LibraryTransport)
    path.write_text(yaml.safe_dump(kubeconfig({"insecure-skip-tls-verify": True}, {"token": "t"})))
    assert isinstance(transport_for({"kubeconfig": str(path)}, tmp_path), DirectTransport)
