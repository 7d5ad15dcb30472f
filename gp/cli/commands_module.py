"""Commands that work on the module alone, offline: init, validate, fmt, render, graph."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from gp.api import Stack
from gp.cli import exitcodes
from gp.cli.console import (
    chosen_env,
    common_options,
    error_console,
    out_console,
    shown_file,
    var_options,
)
from gp.errors import ConfigError, DiagnosticsError


def stack_for(root: Path, var_args=(), env: str | None = None) -> Stack:
    """The stack a command works on: the -C folder, the variables in the order typed and the
    environment (--env, GP_ENV; ``env`` when neither names one)."""
    return Stack.from_arguments(root, var_args, env=chosen_env() or env)


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@common_options
def init(directory: Path | None, root: Path, no_color: bool) -> None:
    """Write a starter module: a template, a cron, a provider block."""
    from gp.cli.starter import starter_module
    from gp.config.names import derived_stack

    target = (root / directory) if directory else root
    target.mkdir(parents=True, exist_ok=True)
    path = target / "main.gp.hcl"
    if path.exists():
        raise ConfigError(f"{path} already exists; gp init never overwrites a module")
    stack = derived_stack(target.resolve().name)
    path.write_text(starter_module(stack))
    out_console(no_color).print(
        f"Wrote {path}. Next: [bold]gp plan[/] -C {target}", highlight=False
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print diagnostics as JSON.")
@var_options
@common_options
def validate(as_json: bool, var_args, root: Path, no_color: bool) -> None:
    """Load, evaluate and compile the module and check it, offline."""
    diagnostics = stack_for(root, var_args).validate()
    count = diagnostics.objects
    errors = [d for d in diagnostics if d.severity == "error"]
    if as_json:
        click.echo(json.dumps(_validation_doc(diagnostics), indent=2))
        if errors:
            sys.exit(exitcodes.ERROR)
        return
    _print_warnings([d for d in diagnostics if d.severity == "warning"], no_color)
    if errors:
        raise DiagnosticsError(errors)
    out_console(no_color).print(
        f"[green]Success![/] The module is valid ({count} object{'s' if count != 1 else ''}).",
        highlight=False,
    )


def _print_warnings(warnings, no_color: bool) -> None:
    """What Argo may accept but looks wrong (an undeclared workflow parameter in a template)."""
    from rich.markup import escape

    console = error_console(no_color)
    for diag in warnings:
        where = f"{shown_file(diag.pos.file)}:{diag.pos.line}:{diag.pos.col}: " if diag.pos else ""
        console.print(f"[bold yellow]Warning:[/] {escape(where + diag.message)}", highlight=False)


def _shown(diag: dict) -> dict:
    if "file" in diag:
        diag["file"] = shown_file(diag["file"])
    return diag


def _validation_doc(diagnostics) -> dict:
    return {
        "format_version": "1.0",
        "valid": not any(d.severity == "error" for d in diagnostics),
        "error_count": sum(1 for d in diagnostics if d.severity == "error"),
        "warning_count": sum(1 for d in diagnostics if d.severity == "warning"),
        "diagnostics": [_shown(d.to_dict()) for d in diagnostics],
    }


@click.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 3 when a file would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Show the changes as a unified diff.")
@click.option("--recursive", is_flag=True, help="Also format modules in subdirectories.")
@common_options
def fmt(check: bool, show_diff: bool, recursive: bool, root: Path, no_color: bool) -> None:
    """Rewrite *.gp.hcl files and their *.gptest.hcl tests in canonical style."""
    from gp.config import fmt as hclfmt

    changed: list[Path] = []
    for path in hclfmt.find_files(root, recursive=recursive):
        text = path.read_text()
        formatted = hclfmt.format_source(text, str(path))
        if formatted == text:
            continue
        changed.append(path)
        shown = os.path.relpath(path)
        if show_diff:
            click.echo(hclfmt.unified_diff(text, formatted, shown), nl=False)
        else:
            click.echo(shown)
        if not check:
            path.write_text(formatted)
    if check and changed:
        sys.exit(exitcodes.FMT_CHANGES)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one file per object under DIR instead of printing.",
)
@click.option(
    "--format", "fmt_", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
@var_options
@common_options
def render(out_dir: Path | None, fmt_: str, var_args, root: Path, no_color: bool) -> None:
    """Print the compiled objects, exactly what apply sends."""
    from gp.compile import emit

    stack = stack_for(root, var_args)
    if out_dir is None:
        text = stack.render(fmt_)
        click.echo(text, nl=not text.endswith("\n"))
        return
    written = emit.files(stack.compile().objects, fmt_)
    for path, text in written:
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / path).write_text(text, encoding="utf-8")
    error_console(no_color).print(f"Wrote {len(written)} files under {out_dir}", highlight=False)


@click.command()
@click.argument("address", required=False)
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "dot", "mermaid"]),
    default="text",
    show_default=True,
)
@var_options
@common_options
def graph(address: str | None, fmt_: str, var_args, root: Path, no_color: bool) -> None:
    """Draw a template's DAG (task names and depends)."""
    click.echo(stack_for(root, var_args).graph(address).format(fmt_))
