"""`gp cron`: what an operator does to a cron of the stack without changing the module.

`gp cron suspend ADDR [--reason TEXT]` and `gp cron resume ADDR` set or lift ``spec.suspend``
through gp.Stack's ``suspend_cron`` and ``resume_cron``: the override is recorded in the
stack's record (who, when, why), and later plans keep it, as a note, not a change.
"""

from __future__ import annotations

import click

from gp.api.plans import ApplyResult
from gp.cli.commands_module import stack_for
from gp.cli.commands_plan import parse_duration
from gp.cli.console import common_options, out_console, var_options
from gp.errors import ApplyError


@click.group()
def cron() -> None:
    """Act on the stack's CronWorkflows: suspend, resume."""


def _lock_option(fn):
    return click.option(
        "--lock-timeout",
        default="0s",
        show_default=True,
        help="How long to wait for the stack's lock.",
    )(fn)


def _done(result: ApplyResult, address: str) -> None:
    if not result.ok:
        reasons = "; ".join(f"{a}: {why}" for a, why in result.failed.items())
        raise ApplyError(reasons or result.stopped or f"{address} was not written", result.raw)


@cron.command()
@click.argument("address")
@click.option("--reason", default="", help="Why: kept with the override and shown by the plan.")
@_lock_option
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
@_lock_option
@var_options
@common_options
def resume(address, lock_timeout, var_args, root, no_color) -> None:
    """Resume a cron suspended by `gp cron suspend`."""
    stack = stack_for(root, var_args)
    result = stack.resume_cron(address, lock_timeout=parse_duration(lock_timeout))
    _done(result, address)
    out_console(no_color).print(f"[green]Resumed[/] {address}.", highlight=False)
