"""Runs a plan's writes wave by wave, in parallel within a wave, and reports every object's fate.

A failed write never stops the report: independent objects still go ahead, objects that depend
on a failed one are listed as not attempted, and the result says which is which. A run that is
interrupted or loses the stack's lock starts no further write, and its record says exactly what
was written.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from gp.errors import GPError, PlanError, ProviderError
from gp.planner.applied import ApplyReport
from gp.planner.plan import Action, PlanData, ResourceChange, Target
from gp.planner.stack_record import StackRecord
from gp.providers.base import Interrupted, Progress, StackLock
from gp.providers.ordering import schedule
from gp.providers.record import next_record
from gp.providers.replacing import split

# Performs one change; raises to fail it (a GPError's message is the reason shown).
Write = Callable[[ResourceChange], None]
# Asked right before each write: None to go ahead, or why the run must stop.
Gate = Callable[[], str | None]

INTERRUPTED = "interrupted (Ctrl-C)"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, GPError) and exc.message:
        return exc.message
    return f"{type(exc).__name__}: {exc}"


class _Stopped(Exception):
    """A write that was not started because the run had stopped."""


def run_changes(
    changes: Sequence[ResourceChange],
    write: Write,
    *,
    parallelism: int = 10,
    progress: Progress | None = None,
    depends_on: Mapping[str, Sequence[str]] | None = None,
    gate: Gate | None = None,
) -> ApplyReport:
    """Apply every change that does something, in dependency order.

    ``gate`` is asked right before each write; once it gives a reason to stop, no further
    write starts, those in flight finish, and the rest are reported as not attempted. Writes
    are handed to the pool only as workers free up, so a stop leaves nothing queued behind it.
    """
    doing = [c for c in changes if c.action is not Action.NOOP]
    parts = split(doing)  # a replace: the new object with the writes, the old one deleted last
    plan = schedule(parts.work, depends_on)
    todo = plan.changes
    for deletion, creation in parts.cleanup.items():
        plan.hard_deps.setdefault(deletion, set()).add(creation)  # never without its successor
    status: dict[int, str | None] = {}  # index -> None (applied) or the failure reason
    advice: dict[str, str] = {}
    skipped: set[int] = set()
    stops: list[str] = []  # the first reason to stop, once there is one

    def guarded(i: int) -> None:
        reason = stops[0] if stops else (gate() if gate is not None else None)
        if reason is not None:
            stops.append(reason)
            raise _Stopped(reason)
        write(todo[i])

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="gp-apply") as pool:
        for wave in plan.waves:
            ready: deque[int] = deque()
            for i in wave:
                blockers = plan.hard_deps.get(i, set())
                if any(status.get(j) is not None or j in skipped for j in blockers):
                    skipped.add(i)
                else:
                    ready.append(i)
            running: dict[Future[None], int] = {}
            while ready or running:
                while ready and not stops and len(running) < max(1, parallelism):
                    i = ready.popleft()
                    running[pool.submit(guarded, i)] = i
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    i = running.pop(future)
                    exc = future.exception()
                    if isinstance(exc, _Stopped):
                        continue
                    status[i] = None if exc is None else _reason(exc)
                    if getattr(exc, "advice", None):
                        advice[todo[i].address] = exc.advice  # type: ignore[union-attr]
                    if progress is not None:
                        progress(todo[i], status[i])
            if stops:
                break
    result = ApplyReport(advice=advice, stopped=stops[0] if stops else None)
    for i, change in enumerate(todo):
        if i not in parts.cleanup:
            change = doing[parts.original[i]]  # a replace is reported as the replace it is
        elif status.get(i) is None and i not in skipped and (i in status or not stops):
            continue  # the old object is gone: part of its replace, already reported
        if i in skipped or (i not in status and stops):
            result.not_attempted.append(change)
        elif status.get(i) is None:
            result.applied.append(change)
        else:
            result.failed.append((change, status[i] or ""))
    return result


def apply_and_record(
    plan: PlanData,
    target: Target,
    *,
    read_record: Callable[[str], StackRecord],
    write: Callable[[ResourceChange], None],
    parallelism: int,
    progress: Progress | None,
    now: Callable[[], str],
    identity: str,
    lock: StackLock | None = None,
    interrupted: Interrupted | None = None,
) -> tuple[ApplyReport, StackRecord]:
    """The run every provider makes: refuse a plan meant for elsewhere, write in dependency
    order while the lock holds and no one interrupts, and work out the record of what did get
    written (the provider saves it)."""
    check_applyable(plan, target)
    old = read_record(plan.stack)
    lost: list[str] = []

    def gate() -> str | None:
        if interrupted is not None and interrupted():
            return INTERRUPTED
        reason = lock.check() if lock is not None else None
        if reason is not None:
            lost.append(reason)
            return f"the stack's lock was lost: {reason}"
        return None

    result = run_changes(
        plan.changes,
        write,
        parallelism=parallelism,
        progress=progress,
        depends_on=plan_depends_on(plan),
        gate=gate,
    )
    # The lock may also have gone after the last write: then the record is a write made
    # without it too, and what another run saved in the meantime must not be overwritten.
    if not lost and lock is not None:
        try:
            reason = lock.check()
        except ProviderError:
            reason = None  # the target went away: saving the record fails too, and says so
        if reason is not None:
            lost.append(reason)
    result.lock_lost = lost[0] if lost else None
    if lost:
        # Another run may have saved its own record meanwhile: this run's writes go on top.
        old = read_record(plan.stack)
    return result, next_record(old, plan, result.applied, now(), identity, plan_current=not lost)


def plan_depends_on(plan: PlanData) -> dict[str, tuple[str, ...]]:
    """The ordering the compiler asked for, from the compiled objects a plan carries."""
    return {o.address: tuple(o.depends_on) for o in plan.objects if o.depends_on}


def check_applyable(plan: PlanData, target: Target) -> None:
    """The provider's own guard: never write a plan meant for elsewhere or known to be bad."""
    if plan.target != target:
        raise ProviderError(f"the plan targets {plan.target}, not {target}")
    if plan.errors:
        raise PlanError("the plan has errors and cannot be applied: " + "; ".join(plan.errors))
