"""The plan and apply results as text, in Terraform's shape (people and tools know it).

Functions return a rich ``Text`` (styled; print it with a console, which honours no-colour);
``render_plan``/``render_apply`` with ``color`` given return a string instead: console markup
(True) or plain text (False).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

from gp.planner.applied import ApplyReport
from gp.planner.plan import Action, Mode, PlanData, ResourceChange, Target
from gp.planner.stack_record import StackRecord
from gp.redact import mask_text, secrets_of
from gp.render.body import MARKERS, STYLES, Line, change_lines, drift_lines, layout
from gp.render.dagsummary import TITLE, change_summary, summarized
from gp.render.plan_runs import run_lines
from gp.render.stack import stack_text
from gp.render.summary import NO_CHANGES, counts, extra_counts, fix_lines, summary

# Their home is gp/render/summary.py (drawn without rich); other renderers import them here.
__all__ = ["NO_CHANGES", "counts", "extra_counts", "fix_lines", "summary"]

LEGEND = {
    Action.CREATE: "create",
    Action.UPDATE: "update in-place",
    Action.DELETE: "destroy",
    Action.REPLACE: "create replacement and then destroy",
    Action.FORGET: "forget (no longer managed; the object stays)",
}


def _emit(out: Text, lines: Sequence[Line], secrets: Sequence[str]) -> None:
    for line in lines:
        indent, marker, text = layout(line)
        out.append(indent)
        out.append(marker, style=STYLES.get(line.marker))
        out.append(mask_text(text, secrets) + "\n", style="bold" if line.marker == "#" else None)


def _drift_section(plan: PlanData, out: Text, secrets: Sequence[str]) -> None:
    out.append("Objects changed outside gp\n\n", style="bold")
    out.append(
        'gp detected the following changes made outside of gp since the last "gp apply":\n\n'
    )
    for drift in plan.drift:
        _emit(out, drift_lines(drift, secrets), secrets)
        out.append("\n")
    if plan.mode is Mode.REFRESH_ONLY:
        out.append(
            "This is a refresh-only plan, so gp will not take any actions to undo these. If you "
            "were expecting these changes, apply this plan to record them in the stack's record "
            "without changing any object.\n"
        )
    else:
        out.append(
            "Unless you have made equivalent changes to your configuration, or ignored the "
            "fields with lifecycle.ignore_changes, the plan below undoes these changes.\n"
        )
    out.append("\n" + "─" * 77 + "\n\n")


def _interrupted_section(plan: PlanData, out: Text, secrets: Sequence[str]) -> None:
    out.append("Objects written by an interrupted gp apply\n\n", style="bold")
    out.append(
        "An earlier gp apply was stopped (killed) after writing these and before saving the "
        "stack's record; gp's field manager is their last writer, so this is not drift. "
        "The next apply records them.\n\n"
    )
    for wrote in plan.interrupted:
        out.append(f"  {mask_text(f'{wrote.address} ({wrote.ref})', secrets)}\n")
    out.append("\n")


def _dag_section(plan: PlanData, out: Text, secrets: Sequence[str]) -> None:
    """What the changes do to the pipelines, before the field diff that says how."""
    changes = summarized(plan)
    if not changes:
        return
    out.append(f"{TITLE}:\n\n", style="bold")
    for change in changes:
        _emit(out, change_summary(change, 0), secrets)
    out.append("\n")


def plan_text(plan: PlanData, sensitive: Iterable[str] = (), verbose: bool = False) -> Text:
    """``verbose``: created and destroyed objects with every field, not just their shape."""
    secrets = secrets_of(plan.secrets, sensitive)
    out = Text()
    if plan.drift:
        _drift_section(plan, out, secrets)
    if plan.promotion is not None:
        for line in promotion_lines(plan):
            out.append(
                mask_text(line, secrets) + "\n", style="bold" if line.startswith("Promot") else None
            )
        out.append("\n")
    if plan.interrupted:
        _interrupted_section(plan, out, secrets)
    acting = [c for c in plan.changes if c.acts]
    if plan.mode is not Mode.REFRESH_ONLY and acting:
        _dag_section(plan, out, secrets)
        used = {c.action for c in acting if not c.only_moves}
        if used:
            out.append("Object actions are indicated with the following symbols:\n")
        for action, words in LEGEND.items():
            if action in used:
                out.append(f"{MARKERS[action]:>3}", style=STYLES[MARKERS[action]])
                out.append(f" {words}\n")
        out.append(f"{chr(10) if used else ''}gp will perform the following actions:\n\n")
        for change in acting:
            _emit(out, change_lines(change, secrets, verbose), secrets)
            out.append("\n")
    if plan.runs:
        out.append("Runs of the templates that change:\n", style="bold")
        for line in run_lines(plan):
            out.append(f"  {mask_text(line, secrets)}\n")
        out.append("\n")
    for warning in plan.warnings:
        out.append("Warning: ", style="bold yellow")
        out.append(mask_text(warning, secrets) + "\n\n")
    if plan.tests is not None:
        out.append("Tests (gp test) on this change: ", style="bold")
        out.append(plan.tests.summary() + "\n", style="red" if plan.tests.failed else "green")
        if plan.tests.failed and plan.tests.first_failure:
            out.append(f"  first: {mask_text(plan.tests.first_failure, secrets)}\n")
        out.append("\n")
    for note in fix_lines(plan):
        out.append("Note: ", style="bold")
        out.append(mask_text(note, secrets) + "\n\n")
    for note in plan.notes:
        out.append("Note: ", style="bold cyan")
        out.append(mask_text(note, secrets) + "\n\n")
    out.append(summary(plan) + "\n", style="bold")
    return out


def promotion_lines(plan: PlanData) -> list[str]:
    """The head of a promotion's plan: from where, which commit, and the commits it brings."""
    p = plan.promotion
    if p is None:
        return []
    env = plan.environment or plan.stack
    out = [f"Promoting {p.source}'s commit {p.commit[:12]} to {env}"]
    if p.since is None:
        out.append(f"({env} has no commit on record: everything up to {p.commit[:12]})")
    elif not p.commits:
        out.append(f"({env} is at {p.since[:12]} already)")
    else:
        n = len(p.commits)
        out.append(f"{n} commit{'s' if n != 1 else ''} since {env}'s {p.since[:12]}:")
        out += [f"  {short} {subject}" for short, subject in p.commits]
    return out


def render_plan(
    plan: PlanData,
    *,
    color: bool | None = None,
    sensitive: Iterable[str] = (),
    verbose: bool = False,
) -> Text | str:
    """A rich ``Text`` by default (the console decides on colour); with ``color`` given, a
    string: console markup (True) or plain text (False)."""
    return _as(plan_text(plan, sensitive, verbose), color)


def _as(text: Text, color: bool | None) -> Text | str:
    if color is None:
        return text
    return text.markup if color else text.plain


def _result_counts(result: ApplyReport) -> str:
    add, change, destroy = counts(result.applied)
    extra = extra_counts(result.applied, ("moved", "forgotten"))
    return f"Resources: {add} added, {change} changed, {destroy} destroyed{extra}."


def apply_text(result: ApplyReport, sensitive: Iterable[str] = (), destroy: bool = False) -> Text:
    """'Apply complete!' ('Destroy complete!' for a destroy plan, as Terraform says) or, after a
    failure, what was applied, what failed, what was not tried."""
    secrets = secrets_of(sensitive)
    out = Text()
    if result.ok and destroy:
        gone = counts(result.applied)[2]
        out.append(f"Destroy complete! Resources: {gone} destroyed.\n", style="bold green")
    elif result.ok:
        out.append(f"Apply complete! {_result_counts(result)}\n", style="bold green")
    if result.ok:
        if result.lock_lost:
            out.append(mask_text(_lost_after_the_end(result.lock_lost), secrets), style="bold red")
        return out
    if result.stopped:
        # Stopped on purpose (Ctrl-C) or for safety (lost lock): say why before the lists.
        out.append(mask_text(f"Apply stopped: {result.stopped}.\n", secrets), style="bold red")
        out.append(
            "No write was started after that; those already under way were finished, "
            "and the stack's record lists exactly what was applied.\n"
        )
    else:
        out.append("Apply failed.\n", style="bold red")
    sections: list[tuple[str, list[tuple[ResourceChange, str | None]]]] = [
        ("Applied", [(c, None) for c in result.applied]),
        ("Failed", list(result.failed)),
        ("Not attempted", [(c, None) for c in result.not_attempted]),
    ]
    for title, items in sections:
        if not items:
            continue
        out.append(f"\n{title}:\n", style="bold")
        for change, reason in items:
            marker = MARKERS.get(change.action, " ")
            out.append(f"  {marker:>3} ", style=STYLES.get(marker))
            line = f"{change.address} ({change.ref})"
            out.append(mask_text(line + (f": {reason}" if reason else "") + "\n", secrets))
    out.append(
        f"\n{_result_counts(result)[:-1]} before stopping; {len(result.failed)} failed, "
        f"{len(result.not_attempted)} not attempted. {next_step(result)}\n",
        style="bold",
    )
    return out


def next_step(result: ApplyReport) -> str:
    """ "Rerun to converge" only when a rerun can: a lost lock asks for a new plan, an
    interrupted run to be finished, and failures that would repeat say what to do."""
    if result.lock_lost:
        return (
            "Another run may have changed the stack since this plan was made: run gp plan "
            "before applying again."
        )
    advice = [a for c, _ in result.failed if (a := result.advice.get(c.address))]
    if result.stopped and not advice:
        return "Run gp apply again to finish."
    if not advice:
        return "Rerun to converge."
    todo = "; ".join(dict.fromkeys(advice))
    if len(advice) == len(result.failed) and not result.stopped:
        return f"Running gp again will not fix this: {todo}."
    return f"Some failures will repeat until you act: {todo}; then rerun to converge."


def _lost_after_the_end(reason: str) -> str:
    return (
        f"But the stack's lock was lost during the run ({reason}); the record took in only "
        "this run's writes. Run gp plan to see where the stack stands.\n"
    )


def render_apply(
    result: ApplyReport, *, color: bool | None = None, sensitive: Iterable[str] = ()
) -> Text | str:
    return _as(apply_text(result, sensitive), color)


def render_owned(
    record: StackRecord, target: Target | None = None, *, sensitive: Iterable[str] = ()
) -> Text:
    """What the stack owns (``gp show`` without a plan file)."""
    return stack_text(record, sensitive, target)
