"""Install Argo's CRDs into a dev cluster and wait until the API server serves them.

Two sets: the project's own definitions (``crds/*.yaml``: spec kept as sent, like Argo's default
install) and Argo's full CRDs from the shared corpus, whose schemas and validation rules make the
API server itself check what gp compiles. The full set has no Workflow CRD, so the project's
Workflow joins it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from kubernetes import client
from kubernetes.client.rest import ApiException

from gp.devcluster.errors import DevClusterError
from gp.devcluster.process import wait_until

PROJECT_CRDS = Path(__file__).resolve().parent / "crds"
FIELD_MANAGER = "gp-devcluster"
APPLY = "application/apply-patch+yaml"
ESTABLISH_TIMEOUT_S = 60.0
CRD_SETS = ("project", "full")

# The C loader parses the 2.7 MB full CRDs several times faster when PyYAML has it.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def full_crds_dir(root: Path | None = None) -> Path:
    """``<repo>/../shared/corpus/argo/crds/full``: Argo's CRDs with their full schema."""
    return (root or repo_root()).parent / "shared" / "corpus" / "argo" / "crds" / "full"


def load_crds(directory: Path) -> list[dict]:
    docs: list[dict] = []
    for path in sorted(directory.glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            docs.extend(d for d in yaml.load_all(fh, Loader=_Loader) if d)
    bad = [d.get("kind") for d in docs if d.get("kind") != "CustomResourceDefinition"]
    if bad:
        raise DevClusterError(f"{directory} holds objects that are not CRDs: {bad}")
    return docs


def project_crds() -> list[dict]:
    return load_crds(PROJECT_CRDS)


def full_crds(directory: Path | None = None) -> list[dict]:
    directory = directory or full_crds_dir()
    if not directory.is_dir():
        raise DevClusterError(f"Argo's full CRDs are not at {directory}")
    crds = load_crds(directory)
    have = {c["spec"]["names"]["kind"] for c in crds}
    return crds + [c for c in project_crds() if c["spec"]["names"]["kind"] not in have]


def crd_set(name: str, full_dir: Path | None = None) -> list[dict]:
    if name == "project":
        return project_crds()
    if name == "full":
        return full_crds(full_dir)
    raise DevClusterError(f"unknown CRD set {name!r}; expected one of {', '.join(CRD_SETS)}")


def apply_crds(api: client.ApiClient, crds: list[dict]) -> None:
    """Server-side apply each CRD (too big for client-side apply's last-applied annotation)."""
    ext = client.ApiextensionsV1Api(api)
    for crd in crds:
        name = crd["metadata"]["name"]
        try:
            ext.patch_custom_resource_definition(
                name, crd, field_manager=FIELD_MANAGER, force=True, _content_type=APPLY
            )
        except ApiException as e:
            raise DevClusterError(f"installing CRD {name} failed: {e.status} {e.body}") from e


def _established(ext: client.ApiextensionsV1Api, name: str) -> bool:
    conditions = ext.read_custom_resource_definition(name).status.conditions or []
    return any(c.type == "Established" and c.status == "True" for c in conditions)


def _lists(objs: client.CustomObjectsApi, crd: dict) -> bool:
    # Established can precede the handler being reachable by a moment; a list call proves it.
    spec = crd["spec"]
    version = next(v["name"] for v in spec["versions"] if v.get("served", True))
    try:
        objs.list_cluster_custom_object(spec["group"], version, spec["names"]["plural"], limit=1)
    except ApiException as e:
        if e.status == 404:
            return False
        raise
    return True


def wait_served(
    api: client.ApiClient, crds: list[dict], timeout_s: float = ESTABLISH_TIMEOUT_S
) -> None:
    ext, objs = client.ApiextensionsV1Api(api), client.CustomObjectsApi(api)
    for crd in crds:
        name = crd["metadata"]["name"]
        ok = wait_until(
            lambda name=name, crd=crd: _established(ext, name) and _lists(objs, crd), timeout_s, 0.1
        )
        if not ok:
            raise DevClusterError(f"CRD {name} was not served within {timeout_s:.0f}s")


def install(
    api: client.ApiClient, name: str = "project", full_dir: Path | None = None
) -> list[str]:
    """Apply the CRD set ``name`` and wait until every CRD is served; returns the CRD names."""
    crds = crd_set(name, full_dir)
    apply_crds(api, crds)
    wait_served(api, crds)
    return [c["metadata"]["name"] for c in crds]
