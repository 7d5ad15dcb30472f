"""The parts of a pod Kubernetes checks, one rule family each: container, volume, mount, port,
environment, resource and label rules (see compile/runtime.py for what calls them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from gp.compile import kube_names as kn
from gp.compile.quantity import QuantityError, parse_quantity

POD_KINDS = ("container", "script", "resource", "data", "containerSet")
RESERVED_CONTAINERS = ("main", "wait", "init")
RESERVED_CONTAINER_PREFIXES = ("init-artifact-", "artifact-plugin-")
# Volumes Argo adds to pods (always, or for artifacts, scripts, offloading, the executor's SA).
RESERVED_VOLUMES = (
    "var-run-argo",
    "tmp-dir-argo",
    "input-artifacts",
    "argo-staging",
    "argo-env-config",
    "exec-sa-token",
    "kubeconfig",
)
ARGO_MOUNT = "/var/run/argo"
# validate.go workflowFieldMaxLength: template, step and task names.
MAX_FIELD_NAME = 128
Path = tuple[Any, ...]


@dataclass(frozen=True)
class Refusal:
    path: Path  # below the workflow spec: ("templates", 2, "sidecars", 0, "name")
    message: str  # what Argo or Kubernetes refuses, and the fix


def containers(tmpl: dict) -> Iterator[tuple[Path, dict, str]]:
    """Every container of the pod with its path and role (main, sidecar, init, set)."""
    for key in ("container", "script"):
        if isinstance(tmpl.get(key), dict):
            yield (key,), tmpl[key], "main"
    cset = tmpl.get("containerSet")
    if isinstance(cset, dict):
        for i, c in enumerate(cset.get("containers") or []):
            if isinstance(c, dict):
                yield ("containerSet", "containers", i), c, "set"
    for key, role in (("sidecars", "sidecar"), ("initContainers", "init")):
        for i, c in enumerate(tmpl.get(key) or []):
            if isinstance(c, dict):
                yield (key, i), c, role


def container_names(tmpl: dict) -> list[Refusal]:
    out: list[Refusal] = []
    seen: set[str] = set()
    what = {"sidecar": "sidecar", "init": "init container", "set": "container_set container"}
    for path, ctr, role in containers(tmpl):
        if role == "main":
            continue  # Argo names the main container "main" whatever it is called
        name = ctr.get("name") if role != "set" else ctr.get("name") or "main"
        if not isinstance(name, str) or kn.templated(name):
            continue
        label = f'{what[role]} "{name}"'
        why = kn.dns_label(name)
        if why:
            out.append(Refusal((*path, "name"), f"{label}: a container name {why}"))
        reserved = name in RESERVED_CONTAINERS and not (role == "set" and name == "main")
        if reserved or name.startswith(RESERVED_CONTAINER_PREFIXES):
            out.append(
                Refusal(
                    (*path, "name"),
                    f'{label}: "{name}" is a container Argo adds to every pod '
                    f"({', '.join(RESERVED_CONTAINERS)}); choose another name",
                )
            )
        elif name in seen:
            out.append(Refusal((*path, "name"), f"{label}: two containers of the pod share it"))
        seen.add(name)
        if not ctr.get("image"):
            out.append(Refusal(path, f"{label} has no image; Kubernetes requires one"))
    return out


def volumes(tmpl: dict, spec: dict, containers: list[tuple[Path, dict, str]]) -> list[Refusal]:
    out: list[Refusal] = []
    own = [v for v in tmpl.get("volumes") or [] if isinstance(v, dict)]
    seen = set(RESERVED_VOLUMES)
    for i, vol in enumerate(own):
        out += _volume_name(vol.get("name"), ("volumes", i, "name"), seen)
    known = {v.get("name") for v in own}
    shared = {v.get("name"): v for v in spec.get("volumes") or [] if isinstance(v, dict)}
    claims = {
        c["metadata"].get("name")
        for c in spec.get("volumeClaimTemplates") or []
        if isinstance(c, dict) and isinstance(c.get("metadata"), dict)
    }
    mounts: list[tuple[Path, dict]] = []
    cset = tmpl.get("containerSet")
    if isinstance(cset, dict):
        mounts += [
            (("containerSet", "volumeMounts", j), m) for j, m in _items(cset, "volumeMounts")
        ]
    for path, ctr, role in containers:
        if role != "set":
            mounts += [((*path, "volumeMounts", j), m) for j, m in _items(ctr, "volumeMounts")]
    for path, mount in mounts:
        name = mount.get("name")
        if not isinstance(name, str) or kn.templated(name) or name in known:
            continue
        if name in shared:
            known.add(name)
            out += _volume_name(name, (*path, "name"), seen, f'spec volume "{name}"')
        elif name not in claims:
            out.append(
                Refusal(
                    (*path, "name"),
                    f'volume mount "{name}" names no volume: Argo looks in the template\'s '
                    "volumes, the spec's volumes and volume_claim_templates, and fails the pod "
                    f"with \"volume '{name}' not found in workflow spec\"",
                )
            )
    return out


def _volume_name(name: Any, path: Path, seen: set[str], label: str = "") -> list[Refusal]:
    if not isinstance(name, str) or kn.templated(name):
        return []
    label = label or f'volume "{name}"'
    why = kn.dns_label(name)
    if why:
        return [Refusal(path, f"{label}: a volume name {why}")]
    if name in RESERVED_VOLUMES:
        return [
            Refusal(path, f'{label}: Argo adds a volume "{name}" to its pods; choose another name')
        ]
    if name in seen:
        return [Refusal(path, f"{label}: two volumes of the pod share this name")]
    seen.add(name)
    return []


def mounts(ctr: dict, path: Path, *, script: bool) -> list[Refusal]:
    out: list[Refusal] = []
    used = {ARGO_MOUNT: "Argo"} | ({"/argo/staging": "Argo"} if script else {})
    for j, mount in _items(ctr, "volumeMounts"):
        mpath = (*path, "volumeMounts", j)
        where = mount.get("mountPath")
        if isinstance(where, str) and not kn.templated(where):
            if where in used:
                by = "Argo mounts its own volume there" if used[where] == "Argo" else "used twice"
                out.append(
                    Refusal((*mpath, "mountPath"), f'mount path "{where}": {by} in one container')
                )
            used.setdefault(where, "user")
        sub = mount.get("subPath")
        if isinstance(sub, str) and sub and not kn.templated(sub):
            if sub.startswith("/"):
                out.append(Refusal((*mpath, "subPath"), f'sub_path "{sub}" must be relative'))
            elif ".." in sub.split("/"):
                out.append(Refusal((*mpath, "subPath"), f'sub_path "{sub}" must not contain ".."'))
            if mount.get("subPathExpr"):
                out.append(Refusal(mpath, "sub_path and sub_path_expr are mutually exclusive"))
    return out


def ports(ctr: dict, path: Path) -> list[Refusal]:
    out: list[Refusal] = []
    names: set[str] = set()
    for j, port in _items(ctr, "ports"):
        name = port.get("name")
        if isinstance(name, str) and name and not kn.templated(name):
            why = kn.port_name(name)
            if why:
                out.append(Refusal((*path, "ports", j, "name"), f'port name "{name}" {why}'))
            elif name in names:
                out.append(Refusal((*path, "ports", j, "name"), f'port name "{name}" is repeated'))
            names.add(name)
        number = port.get("containerPort")
        if isinstance(number, int) and not 1 <= number <= 65535:
            out.append(
                Refusal(
                    (*path, "ports", j, "containerPort"),
                    f"container_port {number} must be between 1 and 65535",
                )
            )
    return out


def env(ctr: dict, path: Path) -> list[Refusal]:
    out: list[Refusal] = []
    for j, env in _items(ctr, "env"):
        name = env.get("name")
        if isinstance(name, str) and not kn.templated(name):
            why = kn.env_name(name)
            if why:
                out.append(
                    Refusal((*path, "env", j, "name"), f'environment variable "{name}" {why}')
                )
    return out


def resources(ctr: dict, path: Path) -> list[Refusal]:
    res = ctr.get("resources")
    if not isinstance(res, dict):
        return []
    requests, limits = res.get("requests") or {}, res.get("limits") or {}
    out: list[Refusal] = []
    for key, want in requests.items() if isinstance(requests, dict) else ():
        cap = limits.get(key) if isinstance(limits, dict) else None
        if cap is None or kn.templated(want) or kn.templated(cap):
            continue
        try:
            over = parse_quantity(want) > parse_quantity(cap)
        except QuantityError:
            continue  # the schema check reports a malformed quantity
        if over:
            out.append(
                Refusal(
                    (*path, "resources", "requests", key),
                    f"the {key} request {want} is above its limit {cap}; Kubernetes wants "
                    "requests at most the limits",
                )
            )
    return out


def labels(labels: Any, path: Path, what: str) -> list[Refusal]:
    out: list[Refusal] = []
    for key, value in labels.items() if isinstance(labels, dict) else ():
        if kn.templated(key):
            continue
        why = kn.label_key(str(key))
        if why:
            out.append(Refusal((*path, key), f'{what} "{key}": the key is not valid ({why})'))
        if isinstance(value, str) and not kn.templated(value):
            why = kn.label_value(value)
            if why:
                out.append(Refusal((*path, key), f'{what} "{key}": the value "{value}" {why}'))
    return out


def annotation_keys(annotations: Any, path: Path) -> list[Refusal]:
    out: list[Refusal] = []
    for key in annotations if isinstance(annotations, dict) else ():
        if not kn.templated(key):
            why = kn.label_key(str(key).lower())
            if why:
                out.append(
                    Refusal((*path, key), f'annotation "{key}": the key is not valid ({why})')
                )
    return out


def pod_spec_patch(patch: Any, path: Path) -> list[Refusal]:
    if not isinstance(patch, str) or kn.templated(patch):
        return []
    try:
        doc = yaml.safe_load(patch)
    except yaml.YAMLError as e:
        return [Refusal(path, f"pod_spec_patch is not YAML or JSON: {str(e).splitlines()[0]}")]
    if doc is not None and not isinstance(doc, dict):
        return [Refusal(path, "pod_spec_patch must be a mapping of PodSpec fields")]
    return []


def executor_sa(holder: dict) -> bool:
    executor = holder.get("executor")
    return isinstance(executor, dict) and bool(executor.get("serviceAccountName"))


def _items(holder: dict, key: str) -> Iterator[tuple[int, dict]]:
    for j, item in enumerate(holder.get(key) or []):
        if isinstance(item, dict):
            yield j, item
