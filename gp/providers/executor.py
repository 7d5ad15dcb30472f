"""Runs a plan's writes wave by wave, in parallel within a wave, and reports every object's fate.

A failed write never stops the report: independent objects still go ahead, objects that depend
on a failed one are listed as not attempted, and the result says which is which.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Callable, Mapping, Sequence

from gp.errors import GPError, PlanError, ProviderError
from gp.planner.plan import Plan, ResourceChange, StackRecord, Target
from gp.providers.base import ApplyResult, Progress
from gp.providers.ordering import schedule
from gp.providers.record import next_record

# Performs one change; raises to fail it (a GPError's message is the reason shown).
Write = Callable[[ResourceChange], None]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, GPError) and exc.message:
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def run_changes(
    changes: Sequence[ResourceChange],
    write: Write,
    *,
    parallelism: int = 10,
    progress: Progress | None = None,
    depends_on: Mapping[str, Sequence[str]] | None = None,
) -> ApplyResult:
    """Apply every change that does something, in dependency order."""
    plan = schedule(changes, depends_on)
    todo = plan.changes
    status: dict[int, str | None] = {}  # index -> None (applied) or the failure reason
    advice: dict[str, str] = {}
    skipped: set[int] = set()
    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="gp-apply") as pool:
        for wave in plan.waves:
            futures: dict[Future[None], int] = {}
            for i in wave:
                blockers = plan.hard_deps.get(i, set())
                if any(status.get(j) is not None or j in skipped for j in blockers):
                    skipped.add(i)
                    continue
                futures[pool.submit(write, todo[i])] = i
            for future in as_completed(futures):
                i = futures[future]
                exc = future.exception()
                status[i] = None if exc is None else _reason(exc)
                if getattr(exc, "advice", None):
                    advice[todo[i].address] = exc.advice  # type: ignore[union-attr]
                if progress is not None:
                    progress(todo[i], status[i])
    result = ApplyResult(advice=advice)
    for i, change in enumerate(todo):
        if i in skipped:
            result.not_attempted.append(change)
        elif status.get(i) is None:
            result.applied.append(change)
        else:
            result.failed.append((change, status[i] or ""))
    return result


def apply_and_record(
    plan: Plan,
    target: Target,
    *,
    read_record: Callable[[str], StackRecord],
    write: Callable[[ResourceChange], None],
    parallelism: int,
    progress: Progress | None,
    now: Callable[[], str],
    identity: str,
) -> tuple[ApplyResult, StackRecord]:
    """The run every provider makes: refuse a plan meant for elsewhere, write in dependency
    order, and work out the record of what did get written (the provider saves it)."""
    check_applyable(plan, target)
    old = read_record(plan.stack)
    result = run_changes(
        plan.changes, write, parallelism=parallelism, progress=progress,
        depends_on=plan_depends_on(plan),
    )
    return result, next_record(old, plan, result.applied, now(), identity)


def plan_depends_on(plan: Plan) -> dict[str, tuple[str, ...]]:
    """The ordering the compiler asked for, from the compiled objects a plan carries."""
    return {o.address: tuple(o.depends_on) for o in plan.objects if o.depends_on}


def check_applyable(plan: Plan, target: Target) -> None:
    """The provider's own guard: never write a plan meant for elsewhere or known to be bad."""
    if plan.target != target:
        raise ProviderError(f"the plan targets {plan.target}, not {target}")
    if plan.errors:
        raise PlanError("the plan has errors and cannot be applied: " + "; ".join(plan.errors))

