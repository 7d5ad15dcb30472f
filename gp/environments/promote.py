"""`gp promote ENV`: plan ENV with the module as it was at the commit last applied to the
environment it promotes from, checked out in a temporary git worktree (the user's own tree is
never touched; relative target paths still start from the user's module folder).

It refuses, saying why, when that commit was applied from a dirty tree, when the source
environment has drift, or when its last run of a pipeline the promotion changes did not
succeed, or ran a version older than the one applied there (``force`` overrides the last two).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gp import operations
from gp.compile.objects import TEMPLATE_KINDS
from gp.environments.loading import check_targets, for_env
from gp.errors import GPError, ProviderError
from gp.external.git import checkout, commits_between
from gp.planner.plan import Action, Mode, PlanData, Promotion
from gp.providers.base import Provider, StackLock


class PromotionRefused(GPError):
    """The source environment is not in a state to promote from (the message says why)."""


@dataclass
class Promoting:
    """A promotion's plan, made under the target environment's lock (still held); what
    --force let through is among the plan's warnings."""

    compiled: operations.CompiledStack
    provider: Provider
    lock: StackLock
    plan: PlanData


def _source_state(inputs: operations.Inputs, source: str, force: bool) -> tuple[str, list[str]]:
    """The commit last applied to ``source``, after checking it may be promoted from."""
    compiled = operations.compile_inputs(for_env(inputs, source))
    provider = operations.provider_for(compiled.module)
    try:
        record = provider.owned(compiled.module.stack)
        if not record.commit:
            raise PromotionRefused(
                f'environment "{source}" has no commit on record: apply it from a git work tree '
                "first (each apply records the commit it came from)"
            )
        if record.dirty:
            raise PromotionRefused(
                f'environment "{source}" was last applied from a tree with uncommitted changes '
                f"(at {record.commit[:12]}): commit them and apply {source} again"
            )
        drift = operations.plan(compiled, provider, mode=Mode.REFRESH_ONLY).drift
        notes = []
        if drift:
            names = ", ".join(d.address for d in drift)
            why = f'environment "{source}" has drift ({names}): what runs there is not commit '
            why += f"{record.commit[:12]}"
            if not force:
                raise PromotionRefused(f"{why}; apply {source} again, or promote with --force")
            notes.append(f"promoted with --force although {why}")
        return record.commit, notes
    finally:
        provider.close()


def _runs_checked(inputs: operations.Inputs, source: str, plan: PlanData, force: bool) -> list[str]:
    """Refuse when the source's last run of a pipeline the plan changes did not succeed."""
    changed = [
        c.address
        for c in plan.changes
        if c.ref.kind in TEMPLATE_KINDS
        and c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE)
    ]
    if not changed:
        return []
    from gp.runs.listing import runs
    from gp.runs.submit import template_digest

    compiled = operations.compile_inputs(for_env(inputs, source))
    provider = operations.provider_for(compiled.module)
    try:
        try:
            ctx = operations.run_context(compiled, provider)
        except ProviderError:
            return [f'environment "{source}" runs nothing (a folder): its runs were not checked']
        record = provider.owned(compiled.module.stack)
        problems = []
        for address in changed:
            entry = record.entries.get(address)
            # A run records the digest of the template it ran (gp.dev/version).
            applied = template_digest(entry.applied) if entry is not None else None
            last = next(iter(runs(ctx, address, limit=1)), None)
            if last is None:
                problems.append(f"{address} never ran in {source}")
            elif applied is not None and last.version != applied:
                problems.append(
                    f"{address} has not run in {source} since it was last applied there"
                )
            elif last.phase != "Succeeded":
                problems.append(f"{address}'s last run in {source}, {last.name}, {last.phase}")
    finally:
        provider.close()
    if problems and not force:
        raise PromotionRefused(
            f"{'; '.join(problems)}: run it in {source} until it succeeds, or promote with --force"
        )
    return [f"promoted with --force although {p}" for p in problems]


@contextmanager
def promoting(
    inputs: operations.Inputs, *, force: bool, who: str, lock_timeout: float, scratch: Path
) -> Iterator[Promoting]:
    """The promotion of ``inputs.environment``, planned under its lock (held while inside);
    ``scratch`` is an empty folder for the checkout."""
    current = operations.load(inputs)
    name = current.environment
    env = current.environments.get(name or "")
    if env is None or name is None:
        raise GPError("gp promote needs an environment: gp promote ENV")
    check_targets(current)
    if env.promote_from is None:
        raise GPError(
            f'environment "{name}" promotes from nothing: set promote_from = "ENV" in its block'
        )
    commit, notes = _source_state(inputs, env.promote_from, force)
    with checkout(inputs.root_dir, commit, scratch) as tree:
        at_commit = dataclasses.replace(inputs, root_dir=tree, target_dir=inputs.root_dir)
        compiled = operations.compile_inputs(at_commit)
        if compiled.module.stack != current.stack:
            raise GPError(
                f"at {commit[:12]} the module's stack for {name} was {compiled.module.stack!r}, "
                f"not {current.stack!r}: promote after {name} has the same stack"
            )
        provider = operations.provider_for(compiled.module)
        try:
            with provider.lock(current.stack, who, lock_timeout) as lock:
                made = operations.plan(compiled, provider)
                since = provider.owned(current.stack).commit
                history = commits_between(inputs.root_dir, since, commit) or []
                made = dataclasses.replace(
                    made,
                    commit=commit,
                    dirty=False,
                    promotion=Promotion(env.promote_from, commit, since, tuple(history)),
                )
                notes += _runs_checked(inputs, env.promote_from, made, force)
                made = dataclasses.replace(made, warnings=(*made.warnings, *notes))
                yield Promoting(compiled, provider, lock, made)
        finally:
            provider.close()
