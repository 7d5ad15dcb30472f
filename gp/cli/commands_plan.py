"""Commands that talk to the target: plan, apply, destroy, show, import, unlock."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gp.api import ApplyResult, Plan, Session
from gp.cli import exitcodes, output
from gp.cli.commands_module import stack_for
from gp.cli.console import common_options, error_console, is_terminal, out_console, var_options
from gp.cli.interrupts import StopOnInterrupt
from gp.errors import ApplyError, ConfigError, GPError
from gp.planner.targets import address_problem


def parse_duration(text: str) -> float:
    """'30s', '5m', '1h' or plain seconds, as Terraform's -lock-timeout takes them."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for suffix in ("ms", "s", "m", "h"):
        if text.endswith(suffix) and text[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(text[: -len(suffix)]) * units[suffix]
    if text.replace(".", "", 1).isdigit():
        return float(text)
    raise click.BadParameter(f"{text!r} is not a duration like 30s, 5m or 1h")


def _check_targets(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        problem = address_problem(value)
        if problem:
            raise click.BadParameter(problem, ctx=ctx, param=param)
    return values


def plan_options(fn):
    fn = click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="ADDR",
        callback=_check_targets,
        help="Limit the plan to these addresses (and what is under them).",
    )(fn)
    fn = click.option(
        "--refresh-only",
        is_flag=True,
        help="Only show drift; applying such a plan updates gp's record.",
    )(fn)
    fn = click.option(
        "--parallelism",
        default=10,
        show_default=True,
        type=click.IntRange(1, 100),
        help="How many objects to write (or have the server confirm, in a plan) at once.",
    )(fn)
    return var_options(lock_timeout_option(fn))


def lock_timeout_option(fn):
    """--lock-timeout, on every command that takes the stack's lock (parse_duration reads it)."""
    return click.option(
        "--lock-timeout",
        default="0s",
        show_default=True,
        help="How long to wait for the stack's lock.",
    )(fn)


def check_out(out_file: Path) -> None:
    folder = out_file.parent
    if not folder.is_dir():
        raise GPError(f'--out {out_file}: the folder "{folder}" does not exist; create it first')
    if not os.access(folder, os.W_OK):
        raise GPError(f'--out {out_file}: the folder "{folder}" is not writable')


@click.command()
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan, to apply exactly it later.",
)
@click.option("--destroy", is_flag=True, help="Plan the deletion of everything the stack owns.")
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none."
)
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--verbose", is_flag=True, help="Show every field of created and destroyed objects.")
@click.option(
    "--all-envs", is_flag=True, help="Plan every environment of the module, one section each."
)
@plan_options
@common_options
def plan(
    out_file,
    destroy,
    all_envs,
    detailed_exitcode,
    fmt_,
    verbose,
    targets,
    refresh_only,
    parallelism,
    lock_timeout,
    var_args,
    root,
    no_color,
) -> None:
    """Read the live objects, diff, and print the plan."""
    if all_envs:
        from gp.cli.commands_envs import plan_all

        if out_file:
            raise click.UsageError("--all-envs makes one plan per environment: it takes no --out")
        changed = plan_all(
            stack_for(root, var_args), fmt_, targets, destroy, refresh_only, lock_timeout, no_color
        )
        if detailed_exitcode and changed:
            sys.exit(exitcodes.CHANGES)
        return
    if out_file:
        check_out(out_file)  # before the plan, which may take minutes to make
    stack = stack_for(root, var_args)
    with stack.lock(parse_duration(lock_timeout)) as session:
        with output.progress("Reading the target", no_color):
            the_plan = session.plan(
                targets=targets,
                destroy=destroy,
                refresh_only=refresh_only,
                parallelism=parallelism,
            )
    output.print_plan(the_plan, fmt_, no_color, verbose)
    the_plan.raise_for_errors()
    if out_file:
        write_plan(the_plan, out_file, fmt_, no_color)
    if detailed_exitcode and the_plan.has_changes:
        sys.exit(exitcodes.CHANGES)


def write_plan(the_plan: Plan, out_file: Path, fmt_: str, no_color: bool) -> None:
    try:
        out_file.write_text(the_plan.to_json())
    except OSError as exc:
        raise GPError(f"--out {out_file}: cannot write the plan: {exc.strerror or exc}") from exc
    if fmt_ == "text":
        out_console(no_color).print(
            f"\nSaved the plan to: {out_file}\nTo apply exactly this plan: gp apply {out_file}"
        )


@click.command()
@click.argument(
    "planfile", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option("--force-conflicts", is_flag=True, help="Take fields that another applier manages.")
@click.option("--destroy", is_flag=True, help="Destroy everything the stack owns.")
@plan_options
@common_options
def apply(
    planfile,
    auto_approve,
    force_conflicts,
    destroy,
    targets,
    refresh_only,
    parallelism,
    lock_timeout,
    var_args,
    root,
    no_color,
) -> None:
    """Plan and apply, or apply a saved PLANFILE.

    \b
    With no PLANFILE: plans, shows the plan and asks for "yes" (--auto-approve skips that).
    With a PLANFILE: applies exactly that plan, or refuses if anything it read has changed.
    """
    _plan_and_apply(
        planfile,
        auto_approve,
        force_conflicts,
        destroy,
        refresh_only,
        targets,
        parallelism,
        lock_timeout,
        var_args,
        root,
        no_color,
    )


@click.command()
@click.option("--auto-approve", is_flag=True, help="Destroy without asking.")
@plan_options
@common_options
def destroy(
    auto_approve, targets, refresh_only, parallelism, lock_timeout, var_args, root, no_color
) -> None:
    """Plan and apply the deletion of everything the stack owns."""
    _plan_and_apply(
        None,
        auto_approve,
        False,
        True,
        refresh_only,
        targets,
        parallelism,
        lock_timeout,
        var_args,
        root,
        no_color,
    )


def _plan_and_apply(
    planfile,
    auto_approve,
    force_conflicts,
    destroy,
    refresh_only,
    targets,
    parallelism,
    lock_timeout,
    var_args,
    root,
    no_color,
) -> None:
    # A broken plan file is reported before anything touches the target.
    saved = Plan.load(planfile) if planfile else None
    # A saved plan names its environment; an --env that disagrees is refused by the check.
    stack = stack_for(root, var_args, env=saved.environment if saved else None)
    with stack.lock(parse_duration(lock_timeout)) as session:
        if saved is not None:
            the_plan = session.check(saved)
        else:
            with output.progress("Reading the target", no_color):
                the_plan = session.plan(
                    targets=targets,
                    destroy=destroy,
                    refresh_only=refresh_only,
                    parallelism=parallelism,
                )
            output.print_plan(the_plan, "text", no_color)
            the_plan.raise_for_errors()
            if not the_plan.has_changes:
                if the_plan.applyable:  # only the commit the record names is out of date
                    session.apply(the_plan)
                    commit = the_plan.raw.commit or ""
                    out_console(no_color).print(
                        f"The stack's record now names commit {commit[:12]}."
                    )
                return
            confirm(destroy, auto_approve)
        apply_in_place(session, the_plan, force_conflicts, parallelism, no_color)


def apply_in_place(
    session: Session, the_plan: Plan, force_conflicts: bool, parallelism: int, no_color: bool
) -> None:
    """Apply a plan made (or checked) under ``session``'s lock, and say what was done; a stop
    or a failure exits with its code."""
    stop = StopOnInterrupt(session.lock_id)
    try:
        with stop:
            result = session.apply(
                the_plan,
                force_conflicts=force_conflicts,
                parallelism=parallelism,
                progress=output.apply_progress(no_color),
                interrupted=stop.interrupted,
            )
    except ApplyError as err:
        # The writes are done (or partly done) even though the run failed: say which.
        if isinstance(err.result, ApplyResult):
            output.print_apply_result(err.result, no_color)
        raise
    output.print_apply_result(result, no_color)
    if stop.interrupted():
        sys.exit(exitcodes.INTERRUPTED)
    if not result.ok:
        sys.exit(exitcodes.ERROR)


def confirm(destroy: bool, auto_approve: bool) -> None:
    if auto_approve:
        return
    if not is_terminal() or not sys.stdin.isatty():
        raise GPError("no terminal to ask for approval; run again with --auto-approve to apply")
    verb = "destroy everything this stack owns" if destroy else "perform these actions"
    answer = click.prompt(
        f"\nDo you want to {verb}? Only 'yes' will be accepted", default="", show_default=False
    )
    if answer.strip() != "yes":
        raise GPError("apply cancelled")


@click.command()
@click.argument(
    "planfile", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--verbose", is_flag=True, help="Show every field of created and destroyed objects.")
@var_options
@common_options
def show(planfile, fmt_, verbose, var_args, root, no_color) -> None:
    """Render a saved plan; with no file, list what the stack owns."""
    if planfile:
        output.print_plan(Plan.load(planfile), fmt_, no_color, verbose)
        return
    output.print_owned(stack_for(root, var_args).state(), fmt_, no_color)


@click.command("import")
@click.argument("args", nargs=-1, required=True)
@click.option(
    "--generate-config",
    "generate",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write HCL that compiles back to the given YAML files' objects.",
)
@click.option(
    "--merge-duplicates",
    is_flag=True,
    help="With --generate-config: keep one of each identical entry a list repeats (this "
    "changes the objects).",
)
@var_options
@common_options
def import_(args, generate, merge_duplicates, var_args, root, no_color) -> None:
    """Adopt a live object, or write HCL for existing YAML.

    \b
    gp import ADDR NAMESPACE/NAME marks the live object as this stack's, under ADDR.
    gp import --generate-config OUT.gp.hcl FILE.yaml... writes HCL that compiles back to them.
    """
    if generate:
        _generate(generate, args, root, no_color, merge_duplicates)
        return
    if len(args) != 2:
        raise click.UsageError("expected ADDR NAMESPACE/NAME (or --generate-config OUT YAML...)")
    address, ident = args
    adopted = stack_for(root, var_args).adopt(address, ident)
    out_console(no_color).print(
        f"[green]Import successful![/] {adopted} is now managed as {address}.\n"
        "Run gp plan to see how it differs from the configuration."
    )


def _generate(
    out_path: Path, files: tuple[str, ...], root: Path, no_color: bool, merge: bool = False
) -> None:
    from gp.importer import load_yaml_objects
    from gp.importer.checked import generate_checked

    target = out_path if out_path.is_absolute() else root / out_path
    if target.exists():
        raise ConfigError(
            f"{target} already exists; choose a new file for the generated configuration"
        )
    objects, names = load_yaml_objects([Path(f) for f in files])
    generated = generate_checked(objects, names, target, merge)
    target.write_text(generated.text)
    console = error_console(no_color)
    for note in generated.notes:
        console.print(f"Note: {note}", highlight=False, soft_wrap=True)
    console.print(f"Wrote {target}", highlight=False)


@click.command()
@click.argument("lock_id")
@var_options
@common_options
def unlock(lock_id, var_args, root, no_color) -> None:
    """Release a stuck stack lock."""
    stack = stack_for(root, var_args).unlock(lock_id)
    out_console(no_color).print(f"Released the lock {lock_id} of stack {stack}.")
