"""Consoles and the options every command shares."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    # rich is imported when a console is made: output to a pipe or a file is written directly.
    from rich.console import Console


def _no_color(flag: bool) -> bool:
    return flag or "NO_COLOR" in os.environ


def _console(no_color: bool, stderr: bool) -> Console:
    from gp.render.terminal import TerminalConsole

    plain = _no_color(no_color)
    # rich's no_color drops colours but keeps bold and dim; no colour system drops every style,
    # so --no-color output holds no ANSI escapes at all. soft_wrap: plans piped to files or CI
    # logs never wrap mid-path. Control characters in what is printed are shown escaped.
    return TerminalConsole(
        stderr=stderr,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        soft_wrap=True,
    )


def out_console(no_color: bool = False) -> Console:
    return _console(no_color, stderr=False)


def error_console(no_color: bool = False) -> Console:
    return _console(no_color, stderr=True)


def plain_output(no_color: bool) -> bool:
    """--no-color or NO_COLOR: no escapes of any kind, spinners included."""
    return _no_color(no_color)


def shown_file(path: str) -> str:
    """A file as errors show it: relative to the working directory (the -C directory) when it
    lies below it, as Terraform does; absolute otherwise."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return path
    return path if rel.startswith("..") else rel


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (stdout by default) takes a terminal's escapes, decided as rich's
    consoles decide it (TTY_COMPATIBLE, then FORCE_COLOR, then isatty) without loading rich."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(stream or sys.stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def common_options(fn: Callable) -> Callable:
    """-C/--chdir and --no-color, on every command."""

    @click.option(
        "-C",
        "--chdir",
        "chdir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Switch to DIR (the root module) before anything else, like terraform -chdir.",
    )
    @click.option("--no-color", is_flag=True, help="Plain output without colours (also NO_COLOR).")
    @functools.wraps(fn)
    def wrapper(*args, chdir: Path | None, no_color: bool, **kwargs):
        # main() has already moved into the -C directory (see chdir_from).
        ctx = click.get_current_context(silent=True)
        root = ((ctx.find_root().obj or {}).get("root") if ctx else None) or Path.cwd().resolve()
        return fn(*args, root=root, no_color=no_color, **kwargs)

    return wrapper


def var_options(fn: Callable) -> Callable:
    """--var and --var-file (their relative order on the command line matters: last wins), and
    --env, the module's environment (kept on the context for ``chosen_env``)."""

    @click.option("--var", "vars_", multiple=True, metavar="NAME=VALUE", help="Set a variable.")
    @click.option(
        "--var-file", "var_files", multiple=True, metavar="FILE", help="Read variables from a file."
    )
    @click.option(
        "--env",
        "env_name",
        metavar="NAME",
        envvar="GP_ENV",
        default=None,
        help="One of the module's environments (also GP_ENV).",
    )
    @functools.wraps(fn)
    def wrapper(
        *args, vars_: tuple[str, ...], var_files: tuple[str, ...], env_name: str | None, **kwargs
    ):
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.ensure_object(dict)["env"] = env_name or None
        return fn(*args, var_args=ordered_var_args(vars_, var_files), **kwargs)

    return wrapper


def chosen_env() -> str | None:
    """The --env (or GP_ENV) the running command was given."""
    ctx = click.get_current_context(silent=True)
    return (ctx.obj or {}).get("env") if ctx is not None else None


def ordered_var_args(
    vars_: tuple[str, ...], var_files: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """Interleave --var and --var-file values in the order the user typed them.

    click groups repeated options by name, losing their relative order, so the raw arguments
    (kept on the context by main) decide it.
    """
    ctx = click.get_current_context(silent=True)
    raw = (ctx.find_root().obj or {}).get("argv") if ctx else None
    if not raw:
        return tuple(("var-file", f) for f in var_files) + tuple(("var", v) for v in vars_)
    order: list[tuple[str, str]] = []
    it = iter(raw)
    for arg in it:
        for flag, kind in (("--var-file", "var-file"), ("--var", "var")):
            if arg == flag:
                order.append((kind, next(it, "")))
                break
            if arg.startswith(flag + "="):
                order.append((kind, arg[len(flag) + 1 :]))
                break
    expected = sorted([("var", v) for v in vars_] + [("var-file", f) for f in var_files])
    if sorted(order) != expected:  # e.g. values given through abbreviations: trust click's
        return tuple(("var-file", f) for f in var_files) + tuple(("var", v) for v in vars_)
    return tuple(order)
