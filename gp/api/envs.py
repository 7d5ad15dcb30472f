"""Environments through the Python API: ``Stack.environments()``, ``Stack.promote()`` and
``Stack.plan_environments()`` (gp/environments does the work)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from gp import operations
from gp.api import arguments as args
from gp.api.plans import Plan
from gp.api.session import Session
from gp.environments.loading import any_module, check_targets, for_env
from gp.environments.promote import promoting
from gp.environments.status import EnvironmentStatus, statuses
from gp.errors import GPError
from gp.external.identity import whoami
from gp.planner.plan import Mode

__all__ = ["EnvironmentStatus", "environment_names", "plans", "promotion", "status"]


def environment_names(inputs: operations.Inputs) -> list[str]:
    """The module's environments, as declared ([] when it has none)."""
    return list(any_module(inputs).environments)


def status(inputs: operations.Inputs) -> list[EnvironmentStatus]:
    return statuses(inputs) if environment_names(inputs) else []


@contextmanager
def promotion(
    inputs: operations.Inputs, *, force: bool, lock_timeout: float, who: str | None
) -> Iterator[tuple[Session, Plan]]:
    with (
        tempfile.TemporaryDirectory(prefix="gp-promote-") as scratch,
        promoting(
            inputs,
            force=force,
            who=who or whoami(),
            lock_timeout=lock_timeout,
            scratch=Path(scratch),
        ) as p,
    ):
        session = Session(p.compiled, p.provider, p.lock)
        session._made.append(p.plan)
        yield session, Plan(p.plan, p.compiled.module.sensitive_values)


def plans(
    inputs: operations.Inputs,
    *,
    targets: Sequence[str],
    destroy: bool,
    refresh_only: bool,
    lock_timeout: float,
) -> dict[str, Plan | GPError]:
    """A plan of every environment, each under its own lock; an environment that cannot be
    planned (unreachable, say) gives its error instead."""
    mode = Mode.of(destroy=destroy, refresh_only=refresh_only)
    chosen = args.targets(None, targets)
    names = environment_names(inputs)
    if not names:
        raise GPError("--all-envs: this module declares no environments")
    out: dict[str, Plan | GPError] = {}
    for name in names:
        try:
            compiled = operations.compile_inputs(for_env(inputs, name))
            check_targets(compiled.module)
            provider = operations.provider_for(compiled.module)
            try:
                with provider.lock(compiled.module.stack, whoami(), lock_timeout):
                    raw = operations.plan(compiled, provider, mode=mode, targets=chosen)
            finally:
                provider.close()
            out[name] = Plan(raw, compiled.module.sensitive_values)
        except GPError as err:
            out[name] = err
    return out


def render_all(plans: dict[str, Plan | GPError], fmt: str, *, color: bool = False) -> str:
    """`gp plan --all-envs`: each environment's plan in its own section; in markdown (a pull
    request's comment) within the comment size limit, each section given an equal share."""
    import json

    from gp.redact import mask_text
    from gp.render.markdown import LIMIT, render_plan_markdown

    if fmt == "json":
        doc = {
            name: {"error": got.message} if isinstance(got, GPError) else got.to_dict()
            for name, got in plans.items()
        }
        return json.dumps({"environments": doc}, indent=2, ensure_ascii=False) + "\n"
    share = LIMIT // max(1, len(plans)) - 200
    sections = []
    for name, got in plans.items():
        if fmt == "markdown":
            if isinstance(got, GPError):
                text = f"## gp plan for environment `{name}`\n\n**Could not plan:** {got.message}\n"
            else:
                text = render_plan_markdown(got.raw, got.sensitive, limit=share)
            sections.append(text)
            continue
        head = f"=== environment {name} ===\n\n"
        if isinstance(got, GPError):
            sections.append(head + f"Error: {mask_text(got.message, ())}\n")
        else:
            sections.append(head + got.render(fmt, color=color))
    return ("\n---\n\n" if fmt == "markdown" else "\n").join(sections)
