"""A thin, explicit client for the few Kubernetes calls gp makes.

Built from the provider block with its own ``Configuration`` (never the library's global
default), short timeouts and one connect retry, so an unreachable cluster fails in seconds.
Every failure becomes a ``ProviderError``; callers look at ``ApiFailure.code`` for 404 and 409.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from gp.errors import ProviderError, UnreachableError
from gp.providers.fastjson import loads
from gp.providers.kubetransport import (
    HttpStatus,
    LibraryTransport,
)

APPLY_PATCH = "application/apply-patch+yaml"
# Objects per page of a plan's LISTs: what a plan holds of them at once, as trees.
LIST_PAGE = 100

T = TypeVar("T")


# Answers that running gp again would get again, and what to do instead.
_ADVICE = {
    404: "the API server has no such resource type or namespace: install the missing CRD or "
    "create the namespace",
    413: "an object is larger than the API server accepts (about 1.5 MiB): make it smaller, e.g. "
    "move long scripts into a ConfigMap or split the template",
    422: "the API server rejected an object as invalid: fix it in the configuration",
}


class ApiFailure(ProviderError):
    """The API server answered with an error status (kept inside gp.providers)."""

    def __init__(self, what: str, code: int, status: dict[str, Any]):
        self.code = code
        self.status = status
        detail = status.get("message") or status.get("reason") or "no details"
        super().__init__(f"{what}: {detail} (HTTP {code})", advice=_ADVICE.get(code))


_OBJECT_REPR = re.compile(r"<[^>]*>:\s*")


def _reason(exc: BaseException) -> str:
    inner = getattr(exc, "reason", None) or exc
    return _OBJECT_REPR.sub("", str(inner)) or type(exc).__name__


def network_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a network failure: an OSError, or urllib3's (the kubernetes library's
    client); urllib3 is looked at only when something loaded it."""
    if isinstance(exc, OSError):
        return True
    urllib3 = sys.modules.get("urllib3")
    return urllib3 is not None and isinstance(exc, urllib3.exceptions.HTTPError)


def error_status(exc: Any) -> dict[str, Any]:
    """The Status object of an error answer (the transport's HttpStatus or the kubernetes
    library's ApiException: both carry ``body`` and ``reason``)."""
    try:
        body = json.loads(exc.body) if exc.body else {}
    except (ValueError, TypeError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    body.setdefault("message", exc.reason)
    return body


class Kube:
    """One API server: the calls gp needs, each with a timeout and mapped errors.

    Requests are plain REST with JSON bodies through a transport (``kubetransport``): no
    generated API classes or models, which cost a second of imports and a model object per
    field, and every answer is read as raw JSON. ``api`` is a transport, or the kubernetes
    library's ApiClient.
    """

    def __init__(self, api: Any):
        self.transport = api if hasattr(api, "send") else LibraryTransport(api)
        self.host = self.transport.host

    def close(self) -> None:
        self.transport.close()

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except HttpStatus as exc:
            raise ApiFailure(what, int(exc.status), error_status(exc)) from exc
        except OSError as exc:
            raise self._unreachable(exc) from exc
        except Exception as exc:
            if not network_failure(exc):
                raise
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: BaseException) -> UnreachableError:
        return UnreachableError(f"cannot reach the Kubernetes API at {self.host}: {_reason(exc)}")

    def request(
        self,
        what: str,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        query: list[tuple[str, Any]] | None = None,
        body: Any = None,
        content_type: str | None = None,
    ) -> dict:
        """``method`` on ``path`` (``{name}`` parts filled from ``params``, quoted); the answer
        decoded as JSON ({} when empty)."""
        data = self.call(
            what, self.transport.send, method, path, params or {}, query or [], body, content_type
        )
        return loads(data) if data else {}

    # -- discovery ---------------------------------------------------------------------------

    def _discover(self, what: str, path: str, params: dict[str, str] | None = None) -> dict:
        try:
            doc = self.request(what, "GET", path, params)
        except ValueError as exc:  # an answer that is not JSON: not an API server
            raise ApiFailure(what, 200, {"message": f"the answer is not JSON ({exc})"}) from exc
        return doc if isinstance(doc, dict) else {}

    def check_kubernetes(self) -> None:
        """Refuse a server that is not a Kubernetes API server, before any 404 of it is read as
        "absent" (a missing namespace, a missing object)."""
        try:
            doc = self._discover("reading /api", "/api/")
        except ApiFailure as exc:
            if exc.code in (401, 403):
                return  # an API server that will say who may do what on the real calls
            raise ProviderError(
                f"{self.host} is not a Kubernetes API server (GET /api: "
                f"{exc.status.get('message') or exc.code}); check the server "
                "in the kubeconfig"
            ) from exc
        if doc.get("kind") != "APIVersions":
            raise ProviderError(
                f"{self.host} is not a Kubernetes API server (GET /api did not "
                "answer with its API versions); check the server in the kubeconfig"
            )

    def served(self, group: str, version: str) -> set[str] | None:
        """The resources (plurals) the server serves in ``group/version``; None if it serves
        no such group/version."""
        what = f"reading /apis/{group}/{version}"
        try:
            if group:
                doc = self._discover(
                    what, "/apis/{group}/{version}", {"group": group, "version": version}
                )
            else:
                doc = self._discover(what, "/api/v1/")
        except ApiFailure as exc:
            if exc.code == 404:
                return None
            raise
        return {str(r.get("name")) for r in doc.get("resources") or [] if isinstance(r, dict)}

    # -- objects of any API group (argoproj.io, coordination.k8s.io) -------------------------

    def _scoped(
        self,
        what: str,
        method: str,
        group: str,
        version: str,
        plural: str,
        namespace: str | None,
        name: str | None = None,
        *,
        query: list[tuple[str, Any]] | None = None,
        body: Any = None,
        content_type: str | None = None,
    ) -> dict:
        """``method`` on the collection (``name`` None) or one object of ``plural``."""
        params = {"group": group, "version": version, "plural": plural}
        path = "/apis/{group}/{version}"
        if namespace:
            path += "/namespaces/{namespace}"
            params["namespace"] = namespace
        path += "/{plural}"
        if name is not None:
            path += "/{name}"
            params["name"] = name
        return self.request(what, method, path, params, query, body, content_type)

    def list_items(
        self, group: str, version: str, plural: str, namespace: str | None, selector: str
    ) -> list[dict]:
        what = f"listing {plural}" + (f" in {namespace}" if namespace else "")
        doc = self._scoped(
            what, "GET", group, version, plural, namespace, query=[("labelSelector", selector)]
        )
        return list(doc.get("items") or [])

    def list_pages(
        self,
        group: str,
        version: str,
        plural: str,
        namespace: str | None,
        selector: str,
        limit: int = LIST_PAGE,
    ) -> Iterator[list[dict]]:
        """The LIST ``limit`` objects at a time (the server's chunks, one consistent read): a
        caller that keeps less than the objects never holds more than a page of them."""
        what = f"listing {plural}" + (f" in {namespace}" if namespace else "")
        token = ""
        while True:
            query: list[tuple[str, Any]] = [("labelSelector", selector), ("limit", limit)]
            if token:
                query.append(("continue", token))
            doc = self._scoped(what, "GET", group, version, plural, namespace, query=query)
            yield list(doc.get("items") or [])
            token = (doc.get("metadata") or {}).get("continue") or ""
            if not token:
                return

    def get(
        self, group: str, version: str, plural: str, namespace: str | None, name: str
    ) -> dict | None:
        try:
            return self._scoped(
                f"reading {plural}/{name}", "GET", group, version, plural, namespace, name
            )
        except ApiFailure as exc:
            if exc.code == 404:
                return None
            raise

    def apply(
        self,
        group: str,
        version: str,
        plural: str,
        namespace: str | None,
        name: str,
        body: dict,
        *,
        manager: str,
        force: bool = False,
        dry_run: bool = False,
    ) -> dict:
        """Server-side apply (PATCH application/apply-patch+yaml)."""
        query: list[tuple[str, Any]] = []
        if dry_run:
            query.append(("dryRun", "All"))
        query += [("fieldManager", manager), ("force", force)]
        what = f"applying {plural}/{name}"
        return self._scoped(
            what,
            "PATCH",
            group,
            version,
            plural,
            namespace,
            name,
            query=query,
            body=body,
            content_type=APPLY_PATCH,
        )

    def json_patch(
        self,
        group: str,
        version: str,
        plural: str,
        namespace: str | None,
        name: str,
        ops: list[dict[str, Any]],
        *,
        manager: str,
    ) -> dict:
        """RFC 6902 JSON patch: removes fields that server-side apply leaves to their owners."""
        what = f"removing fields of {plural}/{name}"
        return self._scoped(
            what,
            "PATCH",
            group,
            version,
            plural,
            namespace,
            name,
            query=[("fieldManager", manager)],
            body=ops,
            content_type="application/json-patch+json",
        )

    def create(self, group: str, version: str, plural: str, namespace: str, body: dict) -> dict:
        return self._scoped(
            f"creating {plural}", "POST", group, version, plural, namespace, body=body
        )

    def replace(
        self, group: str, version: str, plural: str, namespace: str, name: str, body: dict
    ) -> dict:
        what = f"updating {plural}/{name}"
        return self._scoped(what, "PUT", group, version, plural, namespace, name, body=body)

    def delete(
        self,
        group: str,
        version: str,
        plural: str,
        namespace: str | None,
        name: str,
        resource_version: str | None = None,
    ) -> None:
        """Delete, only if the object still has ``resource_version`` when one is given."""
        body: dict[str, Any] = {"apiVersion": "v1", "kind": "DeleteOptions"}
        if resource_version:
            body["preconditions"] = {"resourceVersion": resource_version}
        what = f"deleting {plural}/{name}"
        self._scoped(what, "DELETE", group, version, plural, namespace, name, body=body)

    # -- ConfigMaps (the stack record) -----------------------------------------------------

    _CONFIG_MAP = "/api/v1/namespaces/{namespace}/configmaps/{name}"

    def get_config_map(self, namespace: str, name: str) -> dict | None:
        try:
            return self.request(
                f"reading ConfigMap {name}",
                "GET",
                self._CONFIG_MAP,
                {"namespace": namespace, "name": name},
            )
        except ApiFailure as exc:
            if exc.code == 404:
                return None
            raise

    def apply_config_map(self, namespace: str, name: str, body: dict, manager: str) -> None:
        self.request(
            f"writing ConfigMap {name}",
            "PATCH",
            self._CONFIG_MAP,
            {"namespace": namespace, "name": name},
            [("fieldManager", manager), ("force", True)],
            body,
            APPLY_PATCH,
        )

    def delete_config_map(self, namespace: str, name: str) -> None:
        try:
            self.request(
                f"deleting ConfigMap {name}",
                "DELETE",
                self._CONFIG_MAP,
                {"namespace": namespace, "name": name},
            )
        except ApiFailure as exc:
            if exc.code != 404:
                raise
