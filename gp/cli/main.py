"""The gp command line: the only place that knows about terminals, exit codes and click."""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
from pathlib import Path

import click

from gp._version import __version__
from gp.cli import exitcodes
from gp.cli.console import error_console, shown_file
from gp.errors import GPError

# Each command's module, in the order a user meets them (init, validate, plan, apply, ...).
# A command's module is imported when the command runs: `gp validate` never pays for the
# planner, the renderers or a Kubernetes client.
_COMMANDS = {
    "init": "gp.cli.commands_module:init",
    "validate": "gp.cli.commands_module:validate",
    "plan": "gp.cli.commands_plan:plan",
    "apply": "gp.cli.commands_plan:apply",
    "run": "gp.cli.commands_runs:run",
    "watch": "gp.cli.commands_runs:watch",
    "runs": "gp.cli.commands_runs:runs",
    "logs": "gp.cli.commands_runs:logs",
    "stop": "gp.cli.commands_runs:stop",
    "resubmit": "gp.cli.commands_runs:resubmit",
    "retry": "gp.cli.commands_runs:retry",
    "cron": "gp.cli.commands_cron:cron",
    "destroy": "gp.cli.commands_plan:destroy",
    "show": "gp.cli.commands_plan:show",
    "fmt": "gp.cli.commands_module:fmt",
    "render": "gp.cli.commands_module:render",
    "graph": "gp.cli.commands_module:graph",
    "test": "gp.cli.commands_test:test",
    "ui": "gp.cli.commands_ui:ui",
    "import": "gp.cli.commands_plan:import_",
    "state": "gp.cli.commands_state:state",
    "envs": "gp.cli.commands_envs:envs",
    "promote": "gp.cli.commands_envs:promote",
    "unlock": "gp.cli.commands_plan:unlock",
}


class _Lazy(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = _COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, _, name = where.partition(":")
        return getattr(importlib.import_module(module), name)


@click.group(
    cls=_Lazy, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="gp")
def cli() -> None:
    """gp: plan and apply Argo Workflows pipelines written in HCL."""


def report_error(err: GPError, no_color: bool = False) -> None:
    from rich.markup import escape

    console = error_console(no_color)
    for diag in err.diagnostics:
        where = f"{shown_file(diag.pos.file)}:{diag.pos.line}:{diag.pos.col}: " if diag.pos else ""
        message = diag.message
        # Messages quote paths such as templates["x"][0]: never read them as rich markup.
        console.print(f"[bold red]Error:[/] {escape(where + message)}", highlight=False)


def chdir_from(args: list[str]) -> Path | None:
    """The -C/--chdir value, applied to the process; None when not given."""
    value = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("-C", "--chdir") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--chdir="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-C") and len(arg) > 2 and not arg.startswith("--"):
            value = arg[2:]
    if value is None:
        return None
    root = Path(value).resolve()
    if not root.is_dir():
        raise GPError(f'-C {value}: directory "{root}" does not exist')
    os.chdir(root)
    return root


def main(argv: list[str] | None = None) -> int:
    """Entry point: turns every failure into `Error: ...` and an exit code, never a traceback
    (unless GP_DEBUG=1)."""
    debug = os.environ.get("GP_DEBUG") == "1"
    args = list(sys.argv[1:] if argv is None else argv)
    saved_cwd = os.getcwd()
    try:
        # Like terraform -chdir: switch before anything reads a path, so --var-file, --out and
        # PLANFILE are relative to the module directory too.
        root = chdir_from(args)
        cli.main(args=args, prog_name="gp", standalone_mode=False, obj={"argv": args, "root": root})
        return exitcodes.OK
    except SystemExit as exc:  # commands exit with their own codes (2, 3)
        return int(exc.code or 0)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort; it is still an interrupt (exit 130), unlike an EOF at
        # a prompt. During apply's writes Ctrl-C is handled by StopOnInterrupt instead.
        if isinstance(exc.__context__, KeyboardInterrupt):
            error_console(False).print("Error: interrupted", markup=False)
            return exitcodes.INTERRUPTED
        error_console(False).print("Error: aborted", markup=False)
        return exitcodes.ERROR
    except click.ClickException as exc:
        exc.show()
        # click's usage errors exit 2, which --detailed-exitcode reserves for "changes present".
        return exitcodes.ERROR
    except GPError as exc:
        if debug:
            traceback.print_exc()
        report_error(exc, no_color="--no-color" in (argv or sys.argv))
        return exitcodes.ERROR
    except KeyboardInterrupt:
        error_console(False).print("Error: interrupted", markup=False)
        return exitcodes.INTERRUPTED
    except Exception as exc:  # a bug in gp: say so plainly, keep the traceback for GP_DEBUG
        if debug:
            raise
        error_console(False).print(
            f"Error: internal error: {type(exc).__name__}: {exc} (set GP_DEBUG=1 for a traceback)",
            markup=False,
            highlight=False,
        )
        return exitcodes.ERROR
    finally:
        os.chdir(saved_cwd)  # main() also runs in-process (tests); leave the cwd as found


def entry() -> None:
    # Start-up's objects (modules, classes) are never garbage: freeze them out of every
    # collection, and collect the young generation less often. A plan decodes and builds
    # hundreds of thousands of small, acyclic dicts and lists; at the default threshold the
    # collector scanned them over and over (a third of a no-change plan of 1,200 objects).
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    sys.exit(main())


if __name__ == "__main__":
    entry()
