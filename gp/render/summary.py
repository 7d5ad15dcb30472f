"""A plan's last line ("Plan: 1 to add, ..."), and a plan that says nothing else: drawn
without rich, so that `gp plan` piped to a file loads no console for a plan with no changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gp.planner.plan import Action, Mode, PlanData, ResourceChange

NO_CHANGES = "No changes. Your pipelines match the configuration."


def counts(changes: Iterable[ResourceChange]) -> tuple[int, int, int]:
    """(added, changed, destroyed); a replacement is one added and one destroyed, a move that
    changes nothing else is none of them."""
    add = change = destroy = 0
    for c in changes:
        add += c.action in (Action.CREATE, Action.REPLACE)
        change += c.action is Action.UPDATE and not c.only_moves
        destroy += c.action in (Action.DELETE, Action.REPLACE)
    return add, change, destroy


def extra_counts(changes: Iterable[ResourceChange], verbs: tuple[str, str]) -> str:
    """ ", 1 to move, 2 to forget" (or "moved"/"forgotten"): only the ones there are."""
    changes = list(changes)
    moved = sum(c.moved_from is not None for c in changes)
    forgot = sum(c.action is Action.FORGET for c in changes)
    parts = [f"{moved} {verbs[0]}" if moved else "", f"{forgot} {verbs[1]}" if forgot else ""]
    return "".join(f", {p}" for p in parts if p)


def fix_lines(plan: PlanData) -> list[str]:
    """What the plan repairs in a record an earlier gp wrote."""
    return [
        f"The stack's record lists {fix.ref.kind} {fix.ref.namespace or ''}"
        f"{'/' if fix.ref.namespace else ''}{fix.ref.name} under "
        f"{', '.join(sorted((fix.kept, *fix.dropped)))} (an earlier gp kept old addresses "
        f"after a move); applying this plan keeps it once, as {fix.kept}."
        for fix in plan.record_fixes
    ]


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
    extra = extra_counts(plan.changes, ("to move", "to forget"))
    fixes = len(plan.record_fixes)
    if fixes:
        extra += f", {fixes} record entr{'y' if fixes == 1 else 'ies'} to repair"
    line = f"Plan: {add} to add, {change} to change, {destroy} to destroy{extra}."
    if plan.interrupted:
        n = len(plan.interrupted)
        line = f"{line[:-1]}; {n} object{'s' if n != 1 else ''} written by an interrupted apply to record."
    return line


def summary_only(plan: PlanData) -> bool:
    """Whether ``text.plan_text`` draws the summary alone: no drift, promotion, interrupted
    write, action, run, warning, tests, repair or note (a section added there is added here
    too)."""
    acting = plan.mode is not Mode.REFRESH_ONLY and any(c.acts for c in plan.changes)
    return not (
        plan.drift
        or plan.promotion is not None
        or plan.interrupted
        or acting
        or plan.runs
        or plan.warnings
        or plan.tests is not None
        or plan.record_fixes
        or plan.notes
    )


class Styled:
    """One styled line, as rich's ``Text`` draws it: ``plain`` for a pipe, ``__rich__`` for a
    console (rich is imported then)."""

    def __init__(self, plain: str, style: str) -> None:
        self.plain, self.style = plain, style

    def __rich__(self) -> Any:
        from rich.text import Text

        return Text(self.plain, style=self.style)
