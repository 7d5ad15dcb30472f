"""`gp ui`: starts the web UI (gp/ui) and says where it is."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from gp.cli.commands_module import stack_for
from gp.cli.console import common_options, out_console, var_options


@click.command()
@click.option(
    "--port",
    default=8642,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (a loopback alias such as 127.0.0.2 is served by its name).",
)
@click.option(
    "--no-token",
    is_flag=True,
    help="Do not ask for the access token (any user of this machine could then use the UI).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the UI in a browser.")
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Show this saved plan on /plan instead of planning on request.",
)
@var_options
@common_options
def ui(port, host, no_token, open_browser, plan_file, var_args, root, no_color) -> None:
    """Serve the web UI: the stack, pipelines, schedules, runs and the plan.

    \b
    Every browser gives the access token once: the printed address carries it. Loopback is not
    one user (any user of this machine can reach 127.0.0.1), so it is asked there too, unless
    --no-token.
    """
    from gp.ui.server import prepare, serve

    serving = prepare(stack_for(root, var_args).inputs, host, port, plan_file, no_token=no_token)
    out = out_console(no_color)
    out.print(f"gp ui serving {root} at {serving.url}", highlight=False, soft_wrap=True)
    if serving.token:
        out.print(
            f"Open that address (it carries the access token), or give the page the token "
            f"{serving.token}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        out.print(
            "--no-token: no access token is asked; any user of this machine (any host, "
            "beyond loopback) can use this UI with your credentials.",
            highlight=False,
            soft_wrap=True,
        )
    out.print("Press Ctrl-C to stop.", highlight=False)
    if open_browser:
        webbrowser.open(serving.url)
    serve(serving)
