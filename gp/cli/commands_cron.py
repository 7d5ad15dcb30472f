"""`gp cron`: what an operator does to a cron of the stack without changing the module.

`gp cron suspend ADDR [--reason TEXT]` and `gp cron resume ADDR` set or lift ``spec.suspend``
through gp.Stack's ``suspend_cron`` and ``resume_cron``: the override is recorded in the
stack's record (who, when, why), and later plans keep it, as a note, not a change.
`gp cron backfill` shows the runs a window of its schedule would have made and, once approved,
submits those that have none (a thin layer over gp.Stack.backfill).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gp.api.plans import ApplyResult
from gp.api.runs import Run
from gp.cli.commands_module import stack_for
from gp.cli.commands_plan import lock_timeout_option, parse_duration
from gp.cli.console import common_options, is_terminal, out_console, var_options
from gp.errors import ApplyError, GPError
from gp.render.backfill import render_backfill_json, render_backfill_text


@click.group()
def cron() -> None:
    """Act on the stack's CronWorkflows: suspend, resume, backfill missed runs."""


def _done(result: ApplyResult, address: str) -> None:
    if not result.ok:
        reasons = "; ".join(f"{a}: {why}" for a, why in result.failed.items())
        raise ApplyError(reasons or result.stopped or f"{address} was not written", result.raw)


@cron.command()
@click.argument("address")
@click.option("--reason", default="", help="Why: kept with the override and shown by the plan.")
@lock_timeout_option
@var_options
@common_options
def suspend(address, reason, lock_timeout, var_args, root, no_color) -> None:
    """Suspend a cron until `gp cron resume`; plans keep the suspension."""
    stack = stack_for(root, var_args)
    result = stack.suspend_cron(address, reason=reason, lock_timeout=parse_duration(lock_timeout))
    _done(result, address)
    out_console(no_color).print(
        f"[green]Suspended[/] {address}; gp plan and gp apply keep it suspended until "
        f"gp cron resume {address}.",
        highlight=False,
    )


@cron.command()
@click.argument("address")
@lock_timeout_option
@var_options
@common_options
def resume(address, lock_timeout, var_args, root, no_color) -> None:
    """Resume a cron suspended by `gp cron suspend`."""
    stack = stack_for(root, var_args)
    result = stack.resume_cron(address, lock_timeout=parse_duration(lock_timeout))
    _done(result, address)
    out_console(no_color).print(f"[green]Resumed[/] {address}.", highlight=False)


@cron.command("backfill")
@click.argument("address")
@click.option(
    "--from", "start", required=True, metavar="TIME", help="First time (inclusive), ISO 8601."
)
@click.option("--to", "end", required=True, metavar="TIME", help="End (exclusive), ISO 8601.")
@click.option(
    "--parallelism",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="At most this many backfilled runs at once.",
)
@click.option("--auto-approve", is_flag=True, help="Submit without asking.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@var_options
@common_options
def backfill(
    address, start, end, parallelism, auto_approve, fmt, var_args, root: Path, no_color
) -> None:
    """Submit the runs a cron would have made from --from to --to.

    \b
    Times are ISO 8601, with an offset (2027-03-14T02:00-04:00) or read in the cron's zone.
    Fire times that already have a run are skipped, so a second backfill submits nothing.
    """
    planned = stack_for(root, var_args).backfill(address, start, end)
    if fmt == "json":  # one document; without --auto-approve a review only
        made = planned.submit(parallelism) if auto_approve and planned.to_submit else []
        click.echo(render_backfill_json(planned.plan, [r.name for r in made]), nl=False)
        return
    console = out_console(no_color)
    for line in render_backfill_text(planned.plan).splitlines():
        console.print(line, markup=False, highlight=False)
    if not planned.to_submit:
        return
    if not auto_approve:
        if not is_terminal() or not sys.stdin.isatty():
            raise GPError("no terminal to ask for approval; run again with --auto-approve")
        answer = click.prompt(
            f"\nDo you want to submit these {planned.to_submit} runs? Only 'yes' will be accepted",
            default="",
            show_default=False,
        )
        if answer.strip() != "yes":
            raise GPError("backfill cancelled")

    def said(run: Run) -> None:
        console.print(f"Submitted {run.name}", markup=False, highlight=False)

    made = planned.submit(parallelism, said)
    console.print(f"Backfill complete: {len(made)} runs submitted.", highlight=False)
