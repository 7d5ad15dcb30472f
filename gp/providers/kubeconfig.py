"""Reading a kubeconfig: where it is, whether it is one, and the transport or the kubernetes
library's configuration made from it (the client itself is ``kubeclient.Kube``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from gp.errors import ProviderError
from gp.providers.kubetransport import DirectTransport, LibraryTransport, direct_transport


def kubeconfig_paths(settings: dict[str, Any], root_dir: Path) -> list[Path]:
    """The kubeconfig files to read: the provider's, else $KUBECONFIG, else ~/.kube/config."""
    given = settings.get("kubeconfig")
    if given:
        path = Path(os.path.expanduser(str(given)))
        path = path if path.is_absolute() else root_dir / path
        if not path.is_file():
            raise ProviderError(f"the kubeconfig {path} does not exist")
        return [path]
    env = os.environ.get("KUBECONFIG")
    if env:
        found = [Path(p) for p in env.split(os.pathsep) if p and Path(p).is_file()]
        if not found:
            raise ProviderError(f"$KUBECONFIG is {env}, and no such file exists")
        return found
    home = Path(os.path.expanduser("~/.kube/config"))
    return [home] if home.is_file() else []


def check_kubeconfig(path: Path) -> Any:
    """The parsed kubeconfig. A file that is not YAML, or whose top level is not a mapping, is
    named as such: the kubernetes library would fail on it with a bare TypeError."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProviderError(f"cannot read the kubeconfig {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        raise ProviderError(f"the kubeconfig {path} is not valid YAML: {problem}{where}") from exc
    if doc is not None and not isinstance(doc, dict):
        raise ProviderError(
            f"the kubeconfig {path} is not a kubeconfig: expected a mapping with "
            "clusters, contexts and users"
        )
    return doc


def transport_for(settings: dict[str, Any], root_dir: Path) -> DirectTransport | LibraryTransport:
    """The lightest transport that can speak for the kubeconfig (``kubetransport``)."""
    paths = kubeconfig_paths(settings, root_dir)
    docs = [check_kubeconfig(path) for path in paths]
    if len(paths) == 1:
        direct = direct_transport(docs, settings.get("context"), paths[0].parent)
        if direct is not None:
            return direct
    from kubernetes import client

    return LibraryTransport(client.ApiClient(configuration=load_configuration(settings, root_dir)))


def load_configuration(settings: dict[str, Any], root_dir: Path):
    """The kubernetes library's Configuration for the kubeconfig (or in-cluster config)."""
    from kubernetes import client
    from kubernetes import config as kube_config
    from kubernetes.config.config_exception import ConfigException

    cfg = client.Configuration()
    paths = kubeconfig_paths(settings, root_dir)
    for path in paths:
        check_kubeconfig(path)
    try:
        if paths:
            kube_config.load_kube_config(
                config_file=os.pathsep.join(str(p) for p in paths),
                context=settings.get("context"),
                client_configuration=cfg,
                persist_config=False,
            )
        elif os.environ.get("KUBERNETES_SERVICE_HOST"):
            kube_config.load_incluster_config(client_configuration=cfg)
        else:
            raise ProviderError(
                "no kubeconfig found: set kubeconfig in the provider block, $KUBECONFIG, or "
                "~/.kube/config (or run inside a cluster)"
            )
    except ConfigException as exc:
        where = ", ".join(str(p) for p in paths) or "in-cluster config"
        raise ProviderError(f"cannot load the Kubernetes configuration ({where}): {exc}") from exc
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        # The library trusts each entry's shape (clusters: 5, server: 5, ...).
        where = ", ".join(str(p) for p in paths)
        raise ProviderError(
            f"the kubeconfig {where} is malformed: a field has the wrong type or "
            f"shape ({type(exc).__name__}: {exc})"
        ) from exc
    return tune(cfg)


def tune(cfg):
    """Fail fast: one quick connect retry, nothing else retried (an apply is not re-sent)."""
    import urllib3

    cfg.retries = urllib3.Retry(
        total=1, connect=1, read=0, status=0, other=0, redirect=0, backoff_factor=0.1
    )
    cfg.connection_pool_maxsize = 32
    return cfg
