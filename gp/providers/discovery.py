"""What the API server serves, asked once per run: is it Kubernetes at all, and which kinds.

Without it every 404 reads as "absent": a server that is not Kubernetes would be told its
namespace does not exist, and an object whose CRD is not installed would be planned as "will
be created" and fail at apply.
"""

from __future__ import annotations

from collections.abc import Iterable

from gp.errors import ProviderError
from gp.providers.kinds import argo_kind, split_api_version
from gp.providers.kubeclient import Kube

CRD_HINT = (
    "install Argo Workflows' CRDs (kubectl apply --server-side -k "
    "https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal) and run gp again"
)


class Discovery:
    def __init__(self, kube: Kube):
        self.kube = kube
        self._server_checked = False
        self._groups: dict[tuple[str, str], set[str] | None] = {}

    def check_server(self) -> None:
        if not self._server_checked:
            self.kube.check_kubernetes()
            self._server_checked = True

    def serves(self, api_version: str, kind: str) -> bool:
        group, version = split_api_version(api_version)
        if (group, version) not in self._groups:
            self._groups[(group, version)] = self.kube.served(group, version)
        served = self._groups[(group, version)]
        return served is not None and argo_kind(kind).plural in served

    def require(self, wanted: Iterable[tuple[str, str, str]]) -> None:
        """Fail naming each (apiVersion, kind) the server does not serve and the addresses that
        need it; ``wanted`` holds (apiVersion, kind, address)."""
        self.check_server()
        missing: dict[tuple[str, str], list[str]] = {}
        for api_version, kind, address in wanted:
            if not self.serves(api_version, kind):
                missing.setdefault((api_version, kind), []).append(address)
        if not missing:
            return
        lines = []
        for (api_version, kind), addresses in sorted(missing.items()):
            group, _ = split_api_version(api_version)
            crd = f"{argo_kind(kind).plural}.{group}" if group else argo_kind(kind).plural
            lines.append(
                f"{kind} ({api_version}) is not served by {self.kube.host}: the "
                f"CustomResourceDefinition {crd} is not installed (needed by "
                f"{', '.join(sorted(addresses))})"
            )
        raise ProviderError("; ".join(lines) + "; " + CRD_HINT)
