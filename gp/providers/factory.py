"""Picks the provider a module's provider block names."""

from __future__ import annotations

from pathlib import Path

from gp.config.model import ProviderConfig
from gp.config.providers import setting_problems
from gp.errors import ProviderError
from gp.providers.base import Provider


def make_provider(
    config: ProviderConfig, root_dir: Path, cache_dir: Path | None = None
) -> Provider:
    """``directory`` paths are relative to the root module; ``kubernetes`` reads a kubeconfig.
    ``cache_dir`` is where a provider may keep what it read (the directory provider: its files
    parsed)."""
    problems = setting_problems(config.kind, config.settings)
    if problems:
        raise ProviderError(problems[0][1], config.pos)
    if config.kind == "directory":
        from gp.providers.directory import DirectoryProvider

        path = config.settings["path"]
        full = Path(str(path)).expanduser()
        return DirectoryProvider(
            full if full.is_absolute() else root_dir / full, config.namespace, cache_dir=cache_dir
        )
    if config.kind == "kubernetes":
        # Imported here: the kubernetes library is slow to load and offline commands skip it.
        from gp.providers.kubernetes import KubernetesProvider

        return KubernetesProvider.from_config(config, root_dir)
    raise AssertionError(f"setting_problems accepted provider {config.kind!r}")


def target_key(config: ProviderConfig, root_dir: Path) -> tuple[str, ...]:
    """What makes two providers the same target, read without connecting: a directory's
    folder, or a cluster's API server (through the kubeconfig's context) and namespace."""
    settings = config.settings
    if config.kind == "directory":
        full = Path(str(settings.get("path", ""))).expanduser()
        return ("directory", str((full if full.is_absolute() else root_dir / full).resolve()))
    from gp.providers.kubeconfig import check_kubeconfig, kubeconfig_paths

    try:
        paths = kubeconfig_paths(settings, root_dir)
        docs = [check_kubeconfig(p) or {} for p in paths]
    except ProviderError:
        paths, docs = [], []
    server = None
    context = settings.get("context") or next(
        (d.get("current-context") for d in docs if d.get("current-context")), None
    )
    for doc in docs:
        contexts = {c.get("name"): c.get("context") or {} for c in doc.get("contexts") or []}
        cluster = (contexts.get(context) or {}).get("cluster")
        clusters = {c.get("name"): c.get("cluster") or {} for c in doc.get("clusters") or []}
        server = server or (clusters.get(cluster) or {}).get("server")
    where = server or f"{':'.join(str(p) for p in paths)}#{context or ''}"
    return ("kubernetes", str(where).rstrip("/"), config.namespace)
