"""`gp state list | show | mv | rm | restore`: the stack's record by hand."""

from __future__ import annotations

import json

import click
import yaml

from gp.api import StateChange
from gp.cli.commands_module import stack_for
from gp.cli.commands_plan import lock_timeout_option, parse_duration
from gp.cli.console import common_options, out_console, var_options

_BACKUP = "The record before this change is kept as its backup: gp state restore puts it back."


@click.group()
def state() -> None:
    """Read and change the stack's record (what it owns), under its lock.

    \b
    gp state list [ADDR...]     the addresses the record holds
    gp state show ADDR          one object and what gp last applied to it
    gp state mv FROM TO         move objects to another address (record and object)
    gp state rm ADDR            stop managing objects: they stay, without gp's marks
    gp state restore            put back the record as it was before the last change
    """


@state.command("list")
@click.argument("addresses", nargs=-1)
@var_options
@common_options
def list_(addresses, var_args, root, no_color) -> None:
    """List the addresses in the record (those ADDRESSES name, when given)."""
    for address in stack_for(root, var_args).state().list(*addresses):
        click.echo(address)


@state.command()
@click.argument("address")
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@var_options
@common_options
def show(address, fmt_, var_args, root, no_color) -> None:
    """Show one object of the record and what gp last applied to it."""
    entry = stack_for(root, var_args).state().show(address)
    if fmt_ == "json":
        click.echo(json.dumps(entry, indent=2, ensure_ascii=False))
        return
    ns = f"{entry['namespace']}/" if entry["namespace"] else ""
    click.echo(f"# {entry['address']}: {entry['kind']} {ns}{entry['name']}")
    click.echo(yaml.safe_dump(entry["applied"], sort_keys=False, width=1000).rstrip())


def _say(change: StateChange, no_color: bool, lines: list[str]) -> None:
    console = out_console(no_color)
    for line in lines:
        console.print(line, highlight=False, markup=False)
    console.print(_BACKUP, highlight=False, markup=False)


@state.command()
@click.argument("src", metavar="FROM")
@click.argument("dst", metavar="TO")
@lock_timeout_option
@var_options
@common_options
def mv(src, dst, lock_timeout, var_args, root, no_color) -> None:
    """Move FROM (an object, a block's instances or a module's objects) to TO, in the record
    and on the objects' address marks."""
    change = (
        stack_for(root, var_args).state().mv(src, dst, lock_timeout=parse_duration(lock_timeout))
    )
    _say(change, no_color, [f"Moved {old} to {new}." for old, new in change.moved])


@state.command()
@click.argument("address")
@lock_timeout_option
@var_options
@common_options
def rm(address, lock_timeout, var_args, root, no_color) -> None:
    """Stop managing ADDRESS: it leaves the record and loses gp's marks, and stays where it is
    (as a removed block with destroy = false)."""
    change = (
        stack_for(root, var_args).state().rm(address, lock_timeout=parse_duration(lock_timeout))
    )
    _say(
        change,
        no_color,
        [
            f"Removed {old} from the record of stack {change.stack}; the object stays, "
            "without gp's marks."
            for old, _ in change.moved
        ],
    )


@state.command()
@lock_timeout_option
@var_options
@common_options
def restore(lock_timeout, var_args, root, no_color) -> None:
    """Put back the record as it was before the last `gp state` change (that change's record
    becomes the backup, so a restore can be undone)."""
    change = stack_for(root, var_args).state().restore(lock_timeout=parse_duration(lock_timeout))
    n = len(change.moved)
    out_console(no_color).print(
        f"Restored the record of stack {change.stack} from its backup "
        f"({n} object{'s' if n != 1 else ''}); the record it replaced is now the backup.",
        highlight=False,
        markup=False,
    )
