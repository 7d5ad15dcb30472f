"""Picks the provider a module's provider block names."""

from __future__ import annotations

from pathlib import Path

from gp.config.model import ProviderConfig
from gp.errors import ProviderError
from gp.providers.base import Provider


def make_provider(config: ProviderConfig, root_dir: Path) -> Provider:
    """``directory`` paths are relative to the root module; ``kubernetes`` reads a kubeconfig."""
    if config.kind == "directory":
        from gp.providers.directory import DirectoryProvider

        path = config.settings.get("path")
        if not path:
            raise ProviderError('the directory provider needs a "path"', config.pos)
        full = Path(str(path)).expanduser()
        return DirectoryProvider(full if full.is_absolute() else root_dir / full, config.namespace)
    if config.kind == "kubernetes":
        # Imported here: the kubernetes library is slow to load and offline commands skip it.
        from gp.providers.kubernetes import KubernetesProvider

        return KubernetesProvider.from_config(config, root_dir)
    raise ProviderError(
        f'unknown provider "{config.kind}": use "kubernetes" or "directory"', config.pos
    )
