"""`gp test`: the module's pipeline logic tests, run offline on the simulator."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gp.cli import exitcodes
from gp.cli.commands_module import stack_for
from gp.cli.console import common_options, out_console, shown_file, var_options
from gp.render.tests import render_json, render_text


@click.command("test")
@click.option(
    "--filter",
    "pattern",
    metavar="PATTERN",
    help="Run only tests whose name matches (a glob with * ? [ ], else a substring).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--engine",
    is_flag=True,
    help="Also run each test on the Argo engine of the module's Kubernetes target (the dev "
    "cluster, whose pods are simulated) and show both results side by side. Each test's "
    "Workflow is deleted once read.",
)
@click.option(
    "--keep-workflows",
    is_flag=True,
    help="With --engine: keep each test's Workflow (labelled gp.dev/test=true) to look at.",
)
@var_options
@common_options
def test(
    pattern: str | None,
    fmt: str,
    engine: bool,
    keep_workflows: bool,
    var_args,
    root: Path,
    no_color: bool,
) -> None:
    """Run the *.gptest.hcl tests of the module's pipeline logic, offline."""
    stack = stack_for(root, var_args)
    report = stack.test(pattern, engine=engine, keep_workflows=keep_workflows).report
    if fmt == "json":
        click.echo(render_json(report, shown_file), nl=False)
    else:
        console = out_console(no_color)
        for line in render_text(report, shown_file).splitlines():
            style = (
                "green"
                if line.startswith("PASS")
                else "red"
                if line.startswith("FAIL")
                else "yellow"
                if "disagree:" in line
                else None
            )
            console.print(line, style=style, markup=False, highlight=False)
    if report.failed:
        sys.exit(exitcodes.ERROR)
