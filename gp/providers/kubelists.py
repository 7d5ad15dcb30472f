"""The LISTs a plan reads a Kubernetes target with: which kinds and namespaces, page by page,
and the declared objects found without the stack's label."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from gp.compile.objects import PIPELINE_KINDS, ObjectRef
from gp.planner.plan import LiveObject
from gp.providers.kinds import ARGO_GROUP, ARGO_VERSION, argo_kind, split_api_version
from gp.providers.kubeclient import ApiFailure, Kube

Scope = tuple[str, str, str | None]  # apiVersion, kind, namespace
# Up to this many missing objects of one scope are read one by one; more by one LIST.
GET_AT_MOST = 20
# From how many objects a plan's LISTs run in parallel.
PARALLEL_FROM = 200


def parallel(fn: Callable[[Any], Any], items: list, workers: int = 10) -> list:
    """``fn`` of each item, in order, ``workers`` at a time (one by one for one worker)."""
    if not items:
        return []
    if workers <= 1 or len(items) == 1:
        return [fn(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))


def list_scopes(
    refs: Iterable[ObjectRef], namespace: str, serves: Callable[[str, str], bool]
) -> list[Scope]:
    """(apiVersion, kind, namespace) to LIST: every kind in every namespace in play."""
    refs = list(refs)
    # The pipeline kinds are looked for even when neither config nor record names them.
    versions = dict.fromkeys(PIPELINE_KINDS, f"{ARGO_GROUP}/{ARGO_VERSION}")
    versions.update({r.kind: r.api_version for r in refs if r.api_version})
    # A kind the server does not serve has no objects (the desired ones were checked).
    versions = {k: v for k, v in versions.items() if serves(v, k)}
    namespaces = sorted({namespace} | {r.namespace for r in refs if r.namespace})
    scopes: list[Scope] = []
    for kind, api_version in sorted(versions.items()):
        for ns in namespaces if argo_kind(kind).namespaced else [None]:
            scopes.append((api_version, kind, ns))
    return scopes


def listed(
    kube: Kube, scope: Scope, selector: str, live_of: Callable[[dict], LiveObject]
) -> list[LiveObject]:
    """The scope's objects with ``selector``, each made a LiveObject as its page arrives."""
    api_version, kind, ns = scope
    group, version = split_api_version(api_version)
    out = []
    try:
        for page in kube.list_pages(group, version, argo_kind(kind).plural, ns, selector):
            for item in page:
                item.setdefault("apiVersion", api_version)
                item.setdefault("kind", kind)
                out.append(live_of(item))
    except ApiFailure as exc:
        if exc.code == 404:  # the kind's CRD is not installed: nothing of it exists
            return []
        raise
    return out


def unlabelled(
    kube: Kube, missing: list[ObjectRef], get: Callable[[ObjectRef], dict | None]
) -> list[dict]:
    """The objects of ``missing`` that exist without this stack's label (another stack's, or
    no one's). A few are read one by one; many in one scope (a first apply) by a LIST of
    the scope without a selector, instead of a GET each."""
    by_scope: dict[Scope, list[ObjectRef]] = {}
    for ref in missing:
        by_scope.setdefault((ref.api_version, ref.kind, ref.namespace), []).append(ref)
    singles = [r for refs in by_scope.values() if len(refs) <= GET_AT_MOST for r in refs]
    found = [m for m in parallel(get, singles) if m is not None]
    scopes = [scope for scope, refs in by_scope.items() if len(refs) > GET_AT_MOST]

    def scope_listed(scope: Scope) -> list[dict]:
        api_version, kind, ns = scope
        group, version = split_api_version(api_version or f"{ARGO_GROUP}/{ARGO_VERSION}")
        try:
            items = kube.list_items(group, version, argo_kind(kind).plural, ns, "")
        except ApiFailure as exc:
            if exc.code == 404:  # as a GET of each: the kind or namespace is not there
                return []
            raise
        wanted = {r.name for r in by_scope[scope]}
        out = []
        for item in items:
            if (item.get("metadata") or {}).get("name") in wanted:
                item.setdefault("apiVersion", api_version)
                item.setdefault("kind", kind)
                out.append(item)
        return out

    for items in parallel(scope_listed, scopes):
        found.extend(items)
    return found
