"""Commands for runs: run, watch, runs, logs, stop, retry, resubmit. Each is a thin layer over the
Python API (gp.Stack's ``run``, ``runs`` and ``get_run``, and gp.Run's methods, which call
gp/runs): it parses options and prints what the API returns, masked as the API masks it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from gp.api import Stack
from gp.api.runs import Run
from gp.cli import run_output
from gp.cli.commands_module import stack_for
from gp.cli.console import common_options, error_console, out_console, var_options
from gp.errors import RunError, RunRefused
from gp.render import runs as render_runs
from gp.runs.dag import rows_of
from gp.runs.params import parse_assignments, read_param_file


def _stack(root: Path, var_args) -> Stack:
    return stack_for(root, var_args)


def _now() -> datetime:
    return datetime.now(UTC)


def _parameters(params: tuple[str, ...], param_file: Path | None) -> dict[str, str]:
    values = read_param_file(param_file) if param_file else {}
    values.update(parse_assignments(params))  # -p wins over the file
    return values


def param_options(fn):
    fn = click.option(
        "-p",
        "--parameter",
        "params",
        multiple=True,
        metavar="NAME=VALUE",
        help="Set a parameter of the run (repeatable).",
    )(fn)
    return fn


def follow_options(fn):
    fn = click.option(
        "--watch", "watch_", is_flag=True, help="Follow the run live; the exit code is its result."
    )(fn)
    fn = click.option(
        "--wait", is_flag=True, help="Wait for the run; the exit code is its result."
    )(fn)
    fn = click.option(
        "--allow-drift",
        is_flag=True,
        help="Run even when the live pipeline differs from the module.",
    )(fn)
    return fn


# What to do about a refused run, as the command line says it.
CLI_WORDS = {
    "parameter": "give -p {name}=VALUE",
    "drift": "apply first (gp plan shows how it differs), or pass --allow-drift to run the live "
    "version anyway",
}


@contextmanager
def _in_cli_words():
    """A refused run (gp.RunRefused, in the API's words) said with the command's options."""
    try:
        yield
    except RunRefused as err:
        raise err.say(CLI_WORDS) from err


def _follow_flags(wait: bool, watch_: bool) -> None:
    if wait and watch_:
        raise click.UsageError("--wait and --watch cannot be combined")


def _submitted(run: Run, wait: bool, watch_: bool, no_color: bool) -> None:
    click.echo(run.name)
    version = render_runs.version_text(run.snapshot)
    error_console(no_color).print(
        f"Submitted {run.name} in {run.namespace} ({run.address}"
        + (f", version {version}" if version else "")
        + ")",
        highlight=False,
        markup=False,
    )
    if not (wait or watch_):
        return
    done = run_output.watch(run, no_color) if watch_ else run_output.wait(run)
    run_output.exit_with_result(done, no_color)


@click.command()
@click.argument("address")
@param_options
@click.option(
    "--param-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A YAML or JSON file of parameter values (-p wins over it).",
)
@click.option("--name", help="The run's name (default: generated from the pipeline's).")
@click.option(
    "--annotation",
    "annotations",
    multiple=True,
    metavar="KEY=VALUE",
    help="An annotation for the run's Workflow (repeatable).",
)
@follow_options
@var_options
@common_options
def run(
    address,
    params,
    param_file,
    name,
    annotations,
    wait,
    watch_,
    allow_drift,
    var_args,
    root,
    no_color,
) -> None:
    """Submit a run of an applied pipeline or cron.

    \b
    Parameters are checked against the template's before anything is sent. With --wait or
    --watch the exit code is the run's result: 0 Succeeded, 1 Failed or Error.
    """
    _follow_flags(wait, watch_)
    values = _parameters(params, param_file)
    extra = {}
    for item in annotations:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise RunError(f"--annotation {item!r}: expected KEY=VALUE")
        extra[key] = value
    with _in_cli_words():
        submitted = _stack(root, var_args).run(
            address, values, name=name, allow_drift=allow_drift, annotations=extra
        )
    _submitted(submitted, wait, watch_, no_color)


@click.command()
@click.argument("run_name", metavar="RUN")
@var_options
@common_options
def watch(run_name, var_args, root, no_color) -> None:
    """Follow a run live: its DAG with pending tasks, redrawn in place."""
    done = run_output.watch(_stack(root, var_args).get_run(run_name), no_color)
    run_output.exit_with_result(done, no_color)


@click.command()
@click.argument("args", nargs=-1, metavar="[ADDR] | show RUN")
@click.option("--status", help="Only runs in this phase (Running, Succeeded, Failed, ...).")
@click.option("--limit", type=click.IntRange(1), help="At most this many runs.")
@click.option(
    "--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@var_options
@common_options
def runs(args, status, limit, fmt_, var_args, root, no_color) -> None:
    """Run history, newest first; `runs show RUN`: one run.

    \b
    gp runs [ADDR]   name, pipeline, phase, started, duration, version, who (or which cron)
    gp runs show RUN the run's DAG: each node's phase, times, message, inputs and outputs
    """
    if args and args[0] == "show":
        if len(args) != 2:
            raise click.UsageError("expected: gp runs show RUN")
        the_run = _stack(root, var_args).get_run(args[1]).snapshot
        if fmt_ == "json":
            click.echo(render_runs.run_json(the_run, _now()), nl=False)
        else:
            out_console(no_color).print(
                render_runs.run_text(the_run, rows_of(the_run, _now()), _now())
            )
        return
    if len(args) > 1:
        raise click.UsageError("expected at most one ADDR")
    found = [
        r.snapshot
        for r in _stack(root, var_args).runs(args[0] if args else None, status=status, limit=limit)
    ]
    if fmt_ == "json":
        click.echo(render_runs.runs_json(found, _now()), nl=False)
        return
    console = out_console(no_color)
    if not console.is_terminal:
        console.width = 1000  # a file or a pipe gets whole columns, never cut ones
    console.print(render_runs.runs_table(found, _now()))


@click.command()
@click.argument("run_name", metavar="RUN")
@click.option("--task", help="Only this task's logs (a fan-out's name takes all its items).")
@click.option("-f", "--follow", is_flag=True, help="Keep printing lines as they are written.")
@var_options
@common_options
def logs(run_name, task, follow, var_args, root, no_color) -> None:
    """A run's main-container logs, merged, prefixed by task."""
    lines = _stack(root, var_args).get_run(run_name).log_lines(task, follow=follow)
    console = out_console(no_color)
    for line in lines:
        console.print(f"[cyan]{line.task}[/] | ", end="", highlight=False)
        console.print(line.text, markup=False, highlight=False)


@click.command()
@click.argument("run_name", metavar="RUN")
@click.option(
    "--terminate",
    is_flag=True,
    help="Terminate: end now without running exit handlers (stop runs them).",
)
@var_options
@common_options
def stop(run_name, terminate, var_args, root, no_color) -> None:
    """Stop a run (exit handlers run), or --terminate it."""
    stopped = _stack(root, var_args).get_run(run_name).stop(terminate)
    verb = "Terminating" if terminate else "Stopping"
    out_console(no_color).print(
        f"{verb} {stopped.name}" + ("" if terminate else " (exit handlers run)"),
        highlight=False,
        markup=False,
    )


@click.command()
@click.argument("run_name", metavar="RUN")
@param_options
@follow_options
@var_options
@common_options
def resubmit(run_name, params, wait, watch_, allow_drift, var_args, root, no_color) -> None:
    """A new run with the same parameters (-p overrides)."""
    _follow_flags(wait, watch_)
    values = parse_assignments(params)
    with _in_cli_words():
        new = _stack(root, var_args).get_run(run_name).resubmit(values, allow_drift=allow_drift)
    _submitted(new, wait, watch_, no_color)


@click.command()
@click.argument("run_name", metavar="RUN")
@click.option(
    "--node",
    "nodes",
    multiple=True,
    metavar="NAME",
    help="Also run this node again, even if it succeeded (repeatable).",
)
@click.option("--wait", is_flag=True, help="Wait for the run; the exit code is its result.")
@click.option("--watch", "watch_", is_flag=True, help="Follow the run live.")
@var_options
@common_options
def retry(run_name, nodes, wait, watch_, var_args, root, no_color) -> None:
    """Run a finished run's failed and errored nodes again, in the same Workflow."""
    _follow_flags(wait, watch_)
    run = _stack(root, var_args).get_run(run_name).retry(nodes)
    error_console(no_color).print(
        f"Retrying {run.name} in {run.namespace}" + (f" (and {', '.join(nodes)})" if nodes else ""),
        highlight=False,
        markup=False,
    )
    if wait or watch_:
        done = run_output.watch(run, no_color) if watch_ else run_output.wait(run)
        run_output.exit_with_result(done, no_color)
