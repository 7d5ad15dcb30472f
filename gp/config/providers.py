"""What a provider's settings may be, checked in one place: a module's provider block, a
provider a program gives in its place (``gp.Stack(provider=...)``), and the factory that makes
the provider all ask here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gp.config.names import namespace_problem
from gp.suggest import did_you_mean

PROVIDER_SETTINGS: dict[str, tuple[str, ...]] = {
    "kubernetes": ("kubeconfig", "context", "namespace", "field_manager"),
    "directory": ("path", "namespace"),
}


def setting_problems(kind: str, settings: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """Every problem of a provider's settings, as (the setting it is about, or None for the
    provider as a whole; what is wrong). A setting named with the value None is checked for its
    name only."""
    allowed = PROVIDER_SETTINGS.get(kind)
    if allowed is None:
        known = " or ".join(f'"{k}"' for k in PROVIDER_SETTINGS)
        return [
            (None, f'unknown provider "{kind}"{did_you_mean(kind, PROVIDER_SETTINGS)}; use {known}')
        ]
    problems: list[tuple[str | None, str]] = []
    for name in settings:
        if name not in allowed:
            problems.append(
                (
                    name,
                    f'provider "{kind}" has no setting "{name}"{did_you_mean(name, allowed)}; '
                    f"it takes {', '.join(allowed)}",
                )
            )
    namespace = settings.get("namespace")
    if namespace is not None:
        problem = namespace_problem(namespace)
        if problem:
            problems.append(("namespace", problem))
    if kind == "directory" and settings.get("path") in (None, ""):
        problems.append((None, 'provider "directory" needs a path'))
    return problems
