"""`gp envs`: each environment's target, last apply, drift, last runs and how far it is behind
the environment it promotes from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from gp import operations
from gp.environments.loading import any_module, for_env
from gp.errors import ProviderError
from gp.external.git import commits_between
from gp.planner.plan import Mode, Target


@dataclass(frozen=True)
class LastRun:
    address: str
    name: str
    phase: str
    finished_at: str | None


@dataclass(frozen=True)
class EnvironmentStatus:
    """One environment as `gp envs` shows it."""

    name: str
    stack: str
    target: Target
    default: bool
    promote_from: str | None
    drift: str  # "yes", "no" or "unreachable"
    # Its last apply (None: never applied, or unreachable).
    applied_at: str | None = None
    applied_by: str | None = None
    commit: str | None = None
    dirty: bool = False
    objects: int = 0
    problem: str | None = None  # why the target could not be read
    # Each pipeline's last run, by address; None when the target runs nothing (a folder).
    runs: tuple[LastRun, ...] | None = None
    # Commits the environment it promotes from has applied since this one's (None: unknown).
    behind: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """`gp envs --format json`'s entry."""
        out = asdict(self)
        out["target"] = asdict(self.target)
        return out


def _runs(compiled: operations.CompiledStack, provider) -> tuple[LastRun, ...] | None:
    from gp.runs.listing import runs

    try:
        ctx = operations.run_context(compiled, provider)
    except ProviderError:  # a provider with no engine: the directory
        return None
    last: dict[str, LastRun] = {}
    for run in runs(ctx):
        if run.address and run.address not in last:
            last[run.address] = LastRun(run.address, run.name, run.phase, run.finished_at)
    return tuple(last[a] for a in sorted(last))


def status_of(inputs: operations.Inputs, name: str) -> EnvironmentStatus:
    compiled = operations.compile_inputs(for_env(inputs, name))
    module = compiled.module
    env = module.environments[name]
    provider = operations.provider_for(module)
    try:
        try:
            record = provider.owned(module.stack)
            drift = operations.plan(compiled, provider, mode=Mode.REFRESH_ONLY).drift
            runs = _runs(compiled, provider)
        except ProviderError as err:
            return EnvironmentStatus(
                name,
                module.stack,
                provider.target,
                env.default,
                env.promote_from,
                "unreachable",
                problem=err.message,
            )
        return EnvironmentStatus(
            name,
            module.stack,
            provider.target,
            env.default,
            env.promote_from,
            "yes" if drift else "no",
            record.applied_at,
            record.applied_by,
            record.commit,
            record.dirty,
            len(record.entries),
            runs=runs,
        )
    finally:
        provider.close()


def statuses(inputs: operations.Inputs) -> list[EnvironmentStatus]:
    """Every environment of the module, in the order they are declared."""
    module = any_module(inputs)
    found = {name: status_of(inputs, name) for name in module.environments}
    out = []
    for status in found.values():
        source = found.get(status.promote_from or "")
        behind = None
        if source is not None and source.commit and status.commit:
            between = commits_between(module.root_dir, status.commit, source.commit)
            behind = None if between is None else len(between)
        out.append(_with_behind(status, behind))
    return out


def _with_behind(status: EnvironmentStatus, behind: int | None) -> EnvironmentStatus:
    from dataclasses import replace

    return replace(status, behind=behind)
