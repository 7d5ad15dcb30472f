"""`gp envs` and `gp promote ENV`: one module, several targets."""

from __future__ import annotations

from pathlib import Path

import click

from gp.cli import output
from gp.cli.commands_module import stack_for
from gp.cli.commands_plan import (
    apply_in_place,
    check_out,
    confirm,
    lock_timeout_option,
    parse_duration,
    write_plan,
)
from gp.cli.console import common_options, out_console, plain_output, var_options
from gp.errors import GPError
from gp.render.envs import envs_json, envs_text


@click.command()
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@var_options
@common_options
def envs(fmt_, var_args, root, no_color) -> None:
    """List the module's environments: target, last apply, drift, last runs, promotion."""
    with output.progress("Reading the environments", no_color):
        found = [e.to_dict() for e in stack_for(root, var_args).environments()]
    if not found:
        raise GPError("this module declares no environments (see docs/language.md)")
    if fmt_ == "json":
        click.echo(envs_json(found), nl=False)
        return
    out_console(no_color).print(envs_text(found), end="")


@click.command()
@click.argument("env")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan instead of applying it (gp apply FILE applies it).",
)
@click.option("--force", is_flag=True, help="Promote although the source has drift or failed runs.")
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@lock_timeout_option
@click.option(
    "--parallelism",
    default=10,
    show_default=True,
    type=click.IntRange(1, 100),
    help="How many objects to write at once.",
)
@var_options
@common_options
def promote(
    env, out_file, force, auto_approve, lock_timeout, parallelism, var_args, root, no_color
) -> None:
    """Plan ENV at the commit last applied to the environment it promotes from, and apply it.

    \b
    The module is checked out at that commit in a temporary git worktree (your own tree is
    never touched). With --out the plan is saved for `gp apply FILE` instead of applied.
    """
    if out_file:
        check_out(out_file)
    stack = stack_for(root, var_args).with_env(env)
    with stack.promotion(force=force, lock_timeout=parse_duration(lock_timeout)) as (
        session,
        plan,
    ):
        output.print_plan(plan, "text", no_color)
        plan.raise_for_errors()
        if out_file:
            write_plan(plan, out_file, "text", no_color)
            return
        if plan.has_changes:
            confirm(False, auto_approve)
            apply_in_place(session, plan, False, parallelism, no_color)


def plan_all(stack, fmt_, targets, destroy, refresh_only, lock_timeout, no_color) -> bool:
    """`gp plan --all-envs`: prints every environment's plan; whether any has changes."""
    from gp.api.envs import render_all

    with output.progress("Reading the environments", no_color):
        plans = stack.plan_environments(
            targets=targets,
            destroy=destroy,
            refresh_only=refresh_only,
            lock_timeout=parse_duration(lock_timeout),
        )
    click.echo(render_all(plans, fmt_, color=not plain_output(no_color)), nl=False)
    failed = [name for name, p in plans.items() if isinstance(p, GPError)]
    if failed:
        raise GPError(
            f"could not plan the environment{'s' if len(failed) > 1 else ''} "
            f"{', '.join(failed)} (see above)"
        )
    return any(p.has_changes for p in plans.values() if not isinstance(p, GPError))
