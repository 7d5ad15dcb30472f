"""The engine side of the Kubernetes provider: Argo Workflows (runs), their pods and logs.

Every call for `gp run`, `gp watch`, `gp runs`, `gp logs`, `gp stop`, `gp retry` and `gp resubmit` goes
through here, so the run logic (gp/runs) holds no client of its own.
"""

from __future__ import annotations

import functools
import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

from gp.errors import ProviderError
from gp.providers.kinds import ARGO_GROUP, ARGO_VERSION, argo_kind
from gp.providers.kubeclient import ApiFailure, Kube, error_status

WORKFLOWS = "workflows"
MERGE_PATCH = "application/merge-patch+json"
WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
_WATCH_WINDOW_S = 30
CONTROLLER_CONFIGMAP = "workflow-controller-configmap"
# Where Argo's installs put the controller (the quick start, the Helm chart's usual namespace).
CONTROLLER_NAMESPACES = ("argo", "argo-workflows")
# A followed log may stay silent while its container works; a day is "no timeout".
_FOLLOW_READ_S = 86400


class KubeEngine:
    """Argo's runs in one cluster; namespaces are explicit on every call.

    Plain REST through ``kube`` where it serves (create, get, list); the kubernetes library's
    ``api_client`` for watches, merge patches, pods and their logs, made (and the library
    loaded) on first use: a plan that lists the runs of a changed template needs none of it.
    ``api_client`` is the client, or a function that makes it.
    """

    def __init__(self, kube: Kube, api_client: Any | Callable[[], Any]):
        self.kube = kube
        lazy = callable(api_client) and not hasattr(api_client, "call_api")  # not a client
        self._make_client = api_client if lazy else (lambda: api_client)

    @functools.cached_property
    def api_client(self) -> Any:
        return self._make_client()

    @functools.cached_property
    def custom(self) -> Any:
        from kubernetes import client

        return client.CustomObjectsApi(self.api_client)

    @functools.cached_property
    def core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.api_client)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A library call with its errors read as the provider's: ApiFailure, or unreachable."""
        import urllib3
        from kubernetes.client.exceptions import ApiException

        try:
            return fn(*args, **kwargs)
        except ApiException as exc:  # the same status, body and reason as the transport's errors
            raise ApiFailure(what, int(exc.status or 0), error_status(exc)) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise self.kube._unreachable(exc) from exc

    # -- Workflows ----------------------------------------------------------------------

    def create_workflow(self, body: dict) -> dict:
        ns = body["metadata"]["namespace"]
        try:
            return self.kube.create(ARGO_GROUP, ARGO_VERSION, WORKFLOWS, ns, body)
        except ApiFailure as exc:
            if exc.code == 404:
                raise ProviderError(
                    f"cannot submit a run in namespace {ns}: the namespace or Argo's Workflow "
                    f"kind does not exist on {self.kube.host} ({exc.message})"
                ) from exc
            raise

    def get_workflow(self, namespace: str, name: str) -> dict | None:
        return self.kube.get(ARGO_GROUP, ARGO_VERSION, WORKFLOWS, namespace, name)

    def delete_workflow(self, namespace: str, name: str) -> None:
        """Delete a Workflow (its pods go with it); one already gone is fine."""
        try:
            self.kube.delete(ARGO_GROUP, ARGO_VERSION, WORKFLOWS, namespace, name)
        except ApiFailure as exc:
            if exc.code != 404:
                raise

    def list_workflows(self, namespace: str | None, selector: str = "") -> list[dict]:
        try:
            return self.kube.list_items(ARGO_GROUP, ARGO_VERSION, WORKFLOWS, namespace, selector)
        except ApiFailure as exc:
            if exc.code == 404:  # Argo's CRDs are not installed: there are no runs
                return []
            raise

    def watch_workflow(self, namespace: str, name: str) -> Iterator[dict]:
        """The Workflow now and after every change, until the caller stops iterating.

        A Kubernetes watch on the one object; when a watch window ends or breaks, the object
        is read again, so no change is lost and a gone Workflow ends the iteration with an
        error.
        """
        from kubernetes import watch
        from kubernetes.client.exceptions import ApiException

        last = None
        while True:
            wf = self.get_workflow(namespace, name)
            if wf is None:
                raise ProviderError(f"the run {namespace}/{name} no longer exists")
            rv = wf["metadata"].get("resourceVersion")
            if rv != last:
                last = rv
                yield wf
            try:
                stream = watch.Watch().stream(
                    self.custom.list_namespaced_custom_object,
                    ARGO_GROUP,
                    ARGO_VERSION,
                    namespace,
                    WORKFLOWS,
                    field_selector=f"metadata.name={name}",
                    resource_version=rv,
                    timeout_seconds=_WATCH_WINDOW_S,
                    _request_timeout=(5.0, _WATCH_WINDOW_S + 10),
                )
                for event in stream:
                    obj = event.get("object")
                    if event.get("type") in ("ADDED", "MODIFIED") and isinstance(obj, dict):
                        last = obj["metadata"].get("resourceVersion")
                        yield obj
                    elif event.get("type") == "DELETED":
                        raise ProviderError(f"the run {namespace}/{name} was deleted")
            except ApiException as exc:
                if exc.status not in (410, 500, 504):  # an expired watch is read again
                    raise ApiFailure(
                        f"watching workflows/{name}", int(exc.status or 0), {}
                    ) from exc
                time.sleep(0.2)
            except (OSError, ValueError):
                time.sleep(0.5)  # a broken stream: read again

    def shutdown(self, namespace: str, name: str, mode: str) -> dict:
        """Argo's `spec.shutdown`: Stop (exit handlers still run) or Terminate (they do not)."""
        response = self._call(
            f"stopping workflows/{name}",
            self.custom.patch_namespaced_custom_object,
            ARGO_GROUP,
            ARGO_VERSION,
            namespace,
            WORKFLOWS,
            name,
            {"spec": {"shutdown": mode}},
            _content_type=MERGE_PATCH,
            _preload_content=False,
        )
        return json.loads(response.data)

    def update_workflow(self, body: dict) -> dict:
        """Write the Workflow back whole (a retry), refused when it changed since it was read
        (its resourceVersion)."""
        meta = body["metadata"]
        return self.kube.replace(
            ARGO_GROUP, ARGO_VERSION, WORKFLOWS, meta["namespace"], meta["name"], body
        )

    def delete_pod(self, namespace: str, name: str) -> None:
        """Delete a run's pod; one already gone is no error."""
        try:
            self._call(f"deleting the pod {name}", self.core.delete_namespaced_pod, name, namespace)
        except ApiFailure as exc:
            if exc.code != 404:
                raise

    # -- what runs refer to -----------------------------------------------------------

    def get_object(self, kind: str, namespace: str | None, name: str) -> dict | None:
        k = argo_kind(kind)
        return self.kube.get(
            ARGO_GROUP, ARGO_VERSION, k.plural, namespace if k.namespaced else None, name
        )

    def list_objects(self, kind: str, namespace: str | None) -> list[dict]:
        k = argo_kind(kind)
        try:
            return self.kube.list_items(
                ARGO_GROUP, ARGO_VERSION, k.plural, namespace if k.namespaced else None, ""
            )
        except ApiFailure as exc:
            if exc.code == 404:
                return []
            raise

    # -- the controller ----------------------------------------------------------------

    def controller_config(self, namespaces: tuple[str, ...] = CONTROLLER_NAMESPACES) -> dict | None:
        """The data of Argo's workflow-controller-configmap, from the first of ``namespaces``
        that has one and lets us read it; None when none does (not installed there, or RBAC
        forbids reading it: gp asks, it never needs to)."""
        for ns in namespaces:
            try:  # plain REST: a plan that reads it loads no client library
                cm = self.kube.get_config_map(ns, CONTROLLER_CONFIGMAP)
            except ApiFailure as exc:
                if exc.code in (401, 403):
                    continue
                raise
            if cm is None:
                continue
            return dict(cm.get("data") or {})
        return None

    # -- pods and logs ------------------------------------------------------------------

    def list_pods(self, namespace: str, workflow: str) -> list[dict]:
        pods = self._call(
            f"listing the pods of {workflow}",
            self.core.list_namespaced_pod,
            namespace,
            label_selector=f"{WORKFLOW_LABEL}={workflow}",
        )
        return [self.api_client.sanitize_for_serialization(p) for p in pods.items]

    def pod_log(self, namespace: str, pod: str, container: str) -> str:
        """The container's whole log, each line starting with its RFC 3339 time."""
        try:
            return (
                self._call(
                    f"reading the log of {pod}",
                    self.core.read_namespaced_pod_log,
                    pod,
                    namespace,
                    container=container,
                    timestamps=True,
                )
                or ""
            )
        except ApiFailure as exc:
            raise ProviderError(self._log_failure(pod, exc)) from exc

    def follow_pod_log(self, namespace: str, pod: str, container: str) -> LogStream:
        """The container's log lines as they are written. A kubelet ends the stream when the
        container ends; a simulated node may not, so the caller can close it."""
        from kubernetes.client.exceptions import ApiException

        try:
            response = self.core.read_namespaced_pod_log(
                pod,
                namespace,
                container=container,
                timestamps=True,
                follow=True,
                _preload_content=False,
                _request_timeout=(5.0, _FOLLOW_READ_S),
            )
        except ApiException as exc:
            failure = ApiFailure(
                f"following the log of {pod}", int(exc.status or 0), {"message": exc.reason}
            )
            raise ProviderError(self._log_failure(pod, failure)) from exc
        except OSError as exc:
            raise ProviderError(f"cannot follow the log of {pod}: {exc}") from exc
        return LogStream(response)

    def _log_failure(self, pod: str, exc: ApiFailure) -> str:
        return (
            f"cannot read the log of pod {pod}: {exc.message}; the cluster's nodes must serve "
            "container logs (the API server reads them from the node's kubelet)"
        )


class LogStream:
    """Lines of a followed log; ``close`` (from any thread) ends the iteration."""

    def __init__(self, response: Any):
        self.response = response
        self.closed = False

    def close(self) -> None:
        """Shut the socket down rather than close the response: closing it drains the body,
        which blocks while another thread reads an endless stream."""
        self.closed = True
        conn = getattr(self.response, "connection", None) or getattr(
            self.response, "_connection", None
        )
        sock = getattr(conn, "sock", None)
        try:
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed

    def __iter__(self) -> Iterator[str]:
        buffer = b""
        try:
            for chunk in self.response.stream(4096):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    yield line.decode("utf-8", "replace")
            if buffer:
                yield buffer.decode("utf-8", "replace")
        except Exception:
            if not self.closed:
                raise
        finally:
            self.response.release_conn()
