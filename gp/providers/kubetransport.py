"""How gp's requests reach the API server: two interchangeable transports.

``DirectTransport`` is the standard library's HTTPS client (``httppool``) with an SSL context
built from a kubeconfig that uses only what most do (a server, a CA, a client certificate or a
bearer token). It costs a few milliseconds to load, where the kubernetes library's
configuration loader costs a quarter of a second of imports (oauth, google-auth, requests)
before the first request: more than the whole work of a plan on a small stack. Any other
kubeconfig (exec plugins, auth providers, proxies, in-cluster config, ...) goes through
``LibraryTransport``, the kubernetes library's own client.

Both answer with the body's bytes or raise ``HttpStatus`` for an error status; a network
failure is an ``OSError`` (or, from the library, urllib3's exception).
"""

from __future__ import annotations

import base64
import os
import ssl
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from gp._version import __version__
from gp.providers.fastjson import dumps_compact

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0

# The kubeconfig fields DirectTransport understands; anything else set goes to the library.
_CLUSTER_FIELDS = {
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "insecure-skip-tls-verify",
    "extensions",
}
_USER_FIELDS = {
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "token",
    "extensions",
}


class HttpStatus(Exception):
    """The server answered with a status outside 2xx."""

    def __init__(self, status: int, body: bytes | str | None, reason: str | None):
        super().__init__(f"HTTP {status}: {reason}")
        self.status = status
        self.body = body
        self.reason = reason


def _path(template: str, params: dict[str, str]) -> str:
    return template.format(**{k: quote(str(v), safe="") for k, v in params.items()})


def _query(query: list[tuple[str, Any]]) -> str:
    pairs = [(k, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in query]
    return "?" + urlencode(pairs) if pairs else ""


class DirectTransport:
    def __init__(self, host: str, context: ssl.SSLContext | None, token: str | None):
        from gp.providers.httppool import HttpsPool

        self.host = host.rstrip("/")
        self.headers = {"Accept": "application/json", "User-Agent": f"gp/{__version__}"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        # One quick connect retry, nothing else retried (an apply is not re-sent).
        self.pool = HttpsPool(
            self.host,
            context,
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
            maxsize=32,
        )

    def send(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        query: list[tuple[str, Any]],
        body: Any,
        content_type: str | None,
    ) -> bytes:
        headers = dict(self.headers)
        data = None
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
            data = dumps_compact(body)
        status, reason, answer = self.pool.request(
            method, _path(path, params) + _query(query), data, headers
        )
        if not 200 <= status <= 299:
            raise HttpStatus(status, answer, reason)
        return answer

    def close(self) -> None:
        self.pool.close()


class LibraryTransport:
    """The kubernetes library's ApiClient, for every kubeconfig DirectTransport leaves alone."""

    def __init__(self, api_client: Any):
        self.api_client = api_client
        self.host = api_client.configuration.host

    def send(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        query: list[tuple[str, Any]],
        body: Any,
        content_type: str | None,
    ) -> bytes:
        from kubernetes.client.exceptions import ApiException

        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        request = self.api_client.param_serialize(
            method=method,
            resource_path=path,
            path_params=params,
            query_params=query,
            header_params=headers,
            body=body,
            auth_settings=["BearerToken"],
        )
        timeout = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
        try:
            response = self.api_client.call_api(*request, _request_timeout=timeout)
            response.read()
        except ApiException as exc:
            if exc.status in (None, 0):  # the library's way to say the network failed
                raise ConnectionError(exc.reason or str(exc)) from exc
            raise HttpStatus(int(exc.status), exc.body, exc.reason) from exc
        if not 200 <= response.status <= 299:
            raise HttpStatus(response.status, response.data, response.reason)
        return response.data

    def close(self) -> None:
        self.api_client.close()


def direct_transport(
    docs: list[Any], context_name: str | None, base: Path
) -> DirectTransport | None:
    """A DirectTransport for the kubeconfig ``docs`` (in $KUBECONFIG order; relative paths in it
    are from the folder ``base``, as the library reads them), or None when it uses
    anything beyond a server, a CA, a client certificate or a token, or is not well-formed: the
    library then loads it and says what is wrong."""
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return None  # merging several files is the library's job
    doc = docs[0]
    name = context_name or doc.get("current-context")
    context = _named(doc.get("contexts"), name, "context")
    if not isinstance(context, dict) or set(context) - {
        "cluster",
        "user",
        "namespace",
        "extensions",
    }:
        return None
    cluster = _named(doc.get("clusters"), context.get("cluster"), "cluster")
    user = _named(doc.get("users"), context.get("user"), "user") if context.get("user") else {}
    if not isinstance(cluster, dict) or not isinstance(user, dict):
        return None
    if set(cluster) - _CLUSTER_FIELDS or set(user) - _USER_FIELDS:
        return None
    server = cluster.get("server")
    if not isinstance(server, str) or not server.startswith("https://"):
        return None
    if not all(
        isinstance(v, str)
        for k, v in {**cluster, **user}.items()
        if k not in ("insecure-skip-tls-verify", "extensions")
    ):
        return None
    try:
        ssl_context = _ssl_context(cluster, user, base)
    except (OSError, ssl.SSLError, ValueError):
        return None  # the library reports a bad certificate in its own words
    return DirectTransport(server, ssl_context, user.get("token"))


def _named(entries: Any, name: Any, key: str) -> dict | None:
    if not isinstance(entries, list) or not isinstance(name, str):
        return None
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == name:
            value = entry.get(key)
            return value if isinstance(value, dict) else None
    return None


def _ssl_context(cluster: dict, user: dict, base: Path) -> ssl.SSLContext:
    if cluster.get("insecure-skip-tls-verify") is True:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif "certificate-authority-data" in cluster:
        context = ssl.create_default_context(
            cadata=base64.b64decode(cluster["certificate-authority-data"]).decode("ascii")
        )
    elif "certificate-authority" in cluster:
        context = ssl.create_default_context(cafile=_local(cluster["certificate-authority"], base))
    else:
        context = ssl.create_default_context()
    cert, key = _pem(user, "client-certificate", base), _pem(user, "client-key", base)
    if (cert is None) != (key is None):
        raise ValueError("a client certificate needs its key")
    if cert is not None and key is not None:
        with tempfile.TemporaryDirectory(prefix="gp-kube-") as folder:
            cert_file, key_file = _file(cert, folder, "cert"), _file(key, folder, "key")
            context.load_cert_chain(cert_file, key_file)
    return context


def _local(path: str, base: Path) -> str:
    return str(base / os.path.expanduser(path))  # an absolute path stays as it is


def _pem(user: dict, field: str, base: Path) -> tuple[str, str] | None:
    """("path", file) or ("data", base64 text) for a certificate or key, None when not set."""
    if f"{field}-data" in user:
        return ("data", user[f"{field}-data"])
    if field in user:
        return ("path", _local(user[field], base))
    return None


def _file(pem: tuple[str, str], folder: str, name: str) -> str:
    kind, value = pem
    if kind == "path":
        return value
    path = Path(folder) / name
    path.write_bytes(base64.b64decode(value))
    path.chmod(0o600)
    return str(path)
