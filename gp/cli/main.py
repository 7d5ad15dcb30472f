"""The gp command line: the only place that knows about terminals, exit codes and click."""

from __future__ import annotations

import os
import sys
import traceback

import click
from rich.markup import escape

from gp import __version__
from gp.cli.commands_module import fmt, graph, init, render, validate
from gp.cli.commands_plan import apply, destroy, import_, plan, show, unlock
from gp.cli.console import error_console
from gp.errors import GPError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_FMT = 0, 1, 2, 3


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gp")
def cli() -> None:
    """gp: plan and apply Argo Workflows pipelines written in HCL."""


for command in (init, validate, fmt, render, graph, plan, apply, destroy, show, import_, unlock):
    cli.add_command(command)


def report_error(err: GPError, no_color: bool = False) -> None:
    console = error_console(no_color)
    for diag in err.diagnostics:
        where = f"{shown_pos(diag.pos)}: " if diag.pos else ""
        # Messages quote paths such as templates["x"][0]: never read them as rich markup.
        console.print(f"[bold red]Error:[/] {escape(where + diag.message)}", highlight=False)


def shown_pos(pos) -> str:
    """file:line:col, the file relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(pos.file)
    except ValueError:  # another drive, on Windows
        rel = pos.file
    return f"{pos.file if rel.startswith('..') else rel}:{pos.line}:{pos.col}"


def main(argv: list[str] | None = None) -> int:
    """Entry point: turns every failure into `Error: ...` and an exit code, never a traceback
    (unless GP_DEBUG=1)."""
    debug = os.environ.get("GP_DEBUG") == "1"
    try:
        args = list(sys.argv[1:] if argv is None else argv)
        cli.main(args=args, prog_name="gp", standalone_mode=False, obj={"argv": args})
        return EXIT_OK
    except SystemExit as exc:  # commands exit with their own codes (2, 3)
        return int(exc.code or 0)
    except click.exceptions.Abort:
        error_console(False).print("Error: aborted", markup=False)
        return EXIT_ERROR
    except click.ClickException as exc:
        exc.show()
        # click's usage errors exit 2, which --detailed-exitcode reserves for "changes present".
        return EXIT_ERROR
    except GPError as exc:
        if debug:
            traceback.print_exc()
        report_error(exc, no_color="--no-color" in (argv or sys.argv))
        return EXIT_ERROR
    except KeyboardInterrupt:
        error_console(False).print("Error: interrupted", markup=False)
        return 130
    except Exception as exc:  # a bug in gp: say so plainly, keep the traceback for GP_DEBUG
        if debug:
            raise
        error_console(False).print(
            f"Error: internal error: {type(exc).__name__}: {exc} (set GP_DEBUG=1 for a traceback)",
            markup=False,
            highlight=False,
        )
        return EXIT_ERROR


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
