"""Printing: renderers make text, this module puts it on the right stream."""

from __future__ import annotations

import re
import sys
from contextlib import nullcontext
from typing import TYPE_CHECKING

import click

from gp.cli.console import error_console, is_terminal, out_console, plain_output

if TYPE_CHECKING:
    from gp.api import ApplyResult, Plan, StackState

# What a console would change in text it prints (control characters, tabs it expands).
_CONSOLE_CHANGES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _colored(no_color: bool, stderr: bool = False) -> bool:
    """Colour escapes only for a terminal, and never with --no-color or NO_COLOR."""
    return not plain_output(no_color) and is_terminal(sys.stderr if stderr else sys.stdout)


def _print(text: str, fmt: str, no_color: bool, *, stderr: bool = False, nl: bool = True) -> None:
    """Text goes through a console (colour only where it may go); the others as written.
    Plain text bound for a pipe or a file, which a console would print unchanged, is written
    directly (rich is not loaded for it)."""
    if fmt != "text":
        click.echo(text, nl=nl)
        return
    stream = sys.stderr if stderr else sys.stdout
    if not is_terminal(stream) and not _CONSOLE_CHANGES.search(text):
        click.echo(text, nl=False, err=stderr)
        return
    from rich.text import Text

    console = error_console(no_color) if stderr else out_console(no_color)
    console.print(Text.from_ansi(text), end="")


def print_plan(plan: Plan, fmt: str, no_color: bool, verbose: bool = False) -> None:
    _print(plan.render(fmt, verbose=verbose, color=_colored(no_color)), fmt, no_color)


def print_apply_result(result: ApplyResult, no_color: bool) -> None:
    text = result.render("text", color=_colored(no_color, stderr=not result.ok))
    _print(text, "text", no_color, stderr=not result.ok)


def print_owned(state: StackState, fmt: str, no_color: bool) -> None:
    _print(state.render(fmt, color=_colored(no_color)), fmt, no_color, nl=fmt != "markdown")


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
