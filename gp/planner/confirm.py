"""The server's word on each update, asked for all of a plan's updates at once.

An update that differs from what is live is confirmed by the target (a server-side dry run:
defaults and field ownership only the server knows). The planner writes each update as a
generator that yields its one request for a confirmation and receives the answer, so that the
requests of a whole plan are gathered first and sent together, at most ``parallelism`` at a
time (the bound apply uses for its writes). The diffs stay on the calling thread, in order: the
plan is the same as when each update asked in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

from gp.compile.objects import CompiledObject
from gp.planner.plan import LiveObject

Confirm = Callable[[CompiledObject, LiveObject], dict]
Request = tuple[CompiledObject, LiveObject]
R = TypeVar("R")
# Yields at most one request, receives its answer, returns the result.
Step = Generator[Request, dict, R]


def settle(steps: Sequence[Step[R] | R], confirm: Confirm | None, parallelism: int = 1) -> list[R]:
    """Every step run to its result, the confirmations they ask for made together."""
    results: list[Any] = list(steps)
    waiting: list[tuple[int, Request]] = []
    for i, step in enumerate(results):
        if not isinstance(step, Generator):
            continue
        try:
            waiting.append((i, next(step)))
        except StopIteration as done:
            results[i] = done.value
    if waiting and confirm is None:
        raise ValueError("an update asked for a confirmation, and none was given")
    answers = _ask(confirm, [request for _, request in waiting], parallelism) if waiting else []
    for (i, _), answer in zip(waiting, answers):
        try:
            results[i].send(answer)
        except StopIteration as done:
            results[i] = done.value
        else:
            raise RuntimeError("an update asked for a second confirmation")
    return results


def _ask(confirm: Confirm | None, requests: list[Request], parallelism: int) -> list[dict]:
    assert confirm is not None
    if parallelism <= 1 or len(requests) == 1:
        return [confirm(obj, live) for obj, live in requests]
    from concurrent.futures import ThreadPoolExecutor

    workers = min(parallelism, len(requests))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gp-confirm") as pool:
        # map keeps the order, and raises the first failure in request order.
        return list(pool.map(lambda r: confirm(*r), requests))
