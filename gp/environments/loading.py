"""A module's environments, read and checked: which there are, validate across all of them,
and no two on one target."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from gp import operations
from gp.errors import Diagnostic, EnvironmentRequired, GPError

if TYPE_CHECKING:
    from gp.config.model import Module


def for_env(inputs: operations.Inputs, env: str | None) -> operations.Inputs:
    return dataclasses.replace(inputs, environment=env)


def any_module(inputs: operations.Inputs) -> Module:
    """The module loaded for its chosen environment, or (when none is chosen and none is the
    default) for its first: what lists the environments."""
    try:
        return operations.load(inputs)
    except EnvironmentRequired as err:
        return operations.load(for_env(inputs, err.names[0]))


def validate(inputs: operations.Inputs) -> tuple[int, list[Diagnostic]]:
    """`gp validate`: the chosen environment, or every one when none is chosen and none is
    the default (each may set other variables and another namespace)."""
    try:
        return operations.validate(inputs)
    except EnvironmentRequired as err:
        names = err.names
    count, found = 0, []
    for name in names:
        n, diagnostics = operations.validate(for_env(inputs, name))
        count = max(count, n)
        found += [d for d in diagnostics if d not in found]
    return count, found


def check_targets(module: Module) -> None:
    """Refuse a module two of whose environments reach one target: the same folder, or the
    same API server and namespace (kubeconfig contexts followed to their servers)."""
    if not module.environments:
        return
    from gp.providers.factory import target_key

    seen: dict[tuple[str, ...], str] = {}
    for env in module.environments.values():
        key = target_key(env.provider, module.target_base)
        if key in seen:
            where = (
                f"the folder {key[1]}"
                if key[0] == "directory"
                else (f"namespace {key[2]} on {key[1]}")
            )
            raise GPError(
                f'environments "{seen[key]}" and "{env.name}" reach the same target ({where}): '
                "each environment needs its own",
                env.pos,
            )
        seen[key] = env.name
