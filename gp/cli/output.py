"""Printing: renderers make text, this module puts it on the right stream."""

from __future__ import annotations

from contextlib import nullcontext

import click

from gp.cli.console import error_console, is_terminal, out_console, plain_output
from gp.planner.applied import ApplyReport
from gp.planner.plan import PlanData, Target
from gp.render import json as render_json
from gp.render import markdown as render_markdown
from gp.render import text as render_text
from gp.render.stack import stack_markdown


def print_plan(
    plan: PlanData, fmt: str, sensitive: frozenset[str], no_color: bool, verbose: bool = False
) -> None:
    if fmt == "json":
        click.echo(render_json.render_plan(plan, sensitive=sensitive))
    elif fmt == "markdown":
        click.echo(render_markdown.render_plan(plan, sensitive=sensitive, verbose=verbose))
    else:
        out_console(no_color).print(
            render_text.render_plan(plan, sensitive=sensitive, verbose=verbose)
        )


def print_apply_result(
    result: ApplyReport, plan: PlanData, sensitive: frozenset[str], no_color: bool
) -> None:
    console = out_console(no_color) if result.ok else error_console(no_color)
    console.print(render_text.render_apply_result(result, plan, sensitive=sensitive))


def print_owned(record, target: Target, fmt: str, no_color: bool) -> None:
    if fmt == "json":
        click.echo(render_json.render_owned(record, target))
    elif fmt == "markdown":
        click.echo(stack_markdown(record, target=target), nl=False)
    else:
        out_console(no_color).print(render_text.render_owned(record, target))


def progress(message: str, no_color: bool):
    """A spinner on a terminal; nothing when output goes to a file or a pipe."""
    if not is_terminal():
        return nullcontext()
    if plain_output(no_color):  # a spinner is cursor escapes: say it once, plainly
        error_console(no_color).print(f"{message}...", markup=False)
        return nullcontext()
    return error_console(no_color).status(message)


def apply_progress(no_color: bool):
    if not is_terminal():
        return None
    console = error_console(no_color)

    def report(change, error: str | None) -> None:
        mark = "[red]failed[/]" if error else "[green]done[/]"
        console.print(f"{change.address}: {change.action.value} {mark}", highlight=False)

    return report
