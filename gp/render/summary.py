"""A plan's last line ("Plan: 1 to add, ..."), and a plan that says nothing else: drawn
without rich, so that `gp plan` piped to a file loads no console for a plan with no changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.planner.plan import Action, Mode, PlanData, ResourceChange

NO_CHANGES = "No changes. Your pipelines match the configuration."


def counts(changes: Iterable[ResourceChange]) -> tuple[int, int, int]:
    """(added, changed, destroyed); a replacement is one added and one destroyed."""
    add = change = destroy = 0
    for c in changes:
        add += c.action in (Action.CREATE, Action.REPLACE)
        change += c.action is Action.UPDATE
        destroy += c.action in (Action.DELETE, Action.REPLACE)
    return add, change, destroy


def summary(plan: PlanData) -> str:
    if plan.errors:
        # "No changes" would be false comfort: the objects in error were not planned at all.
        n = len(plan.errors)
        return (
            f"Planning failed with {n} error{'s' if n != 1 else ''}; this plan cannot be applied."
        )
    if not plan.has_changes:
        return NO_CHANGES
    if plan.mode is Mode.REFRESH_ONLY:
        n = len(plan.drift)
        return (
            f"Refresh: {n} object{'s' if n != 1 else ''} changed outside gp; applying records them."
        )
    add, change, destroy = counts(plan.changes)
    return f"Plan: {add} to add, {change} to change, {destroy} to destroy."


def summary_only(plan: PlanData) -> bool:
    """Whether the plan's text is its summary alone: no drift, action, run or warning."""
    acting = plan.mode is not Mode.REFRESH_ONLY and any(
        c.action is not Action.NOOP for c in plan.changes
    )
    return not (plan.drift or acting or plan.runs or plan.warnings)


class Styled:
    """One styled line, as rich's ``Text`` draws it: ``plain`` for a pipe, ``__rich__`` for a
    console (rich is imported then)."""

    def __init__(self, plain: str, style: str) -> None:
        self.plain, self.style = plain, style

    def __rich__(self) -> Any:
        from rich.text import Text

        return Text(self.plain, style=self.style)
