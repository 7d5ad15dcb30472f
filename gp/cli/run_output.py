"""Following a run on the terminal: the live screen, change lines, and the run's result."""

from __future__ import annotations

import sys
from contextlib import closing
from datetime import UTC, datetime

from rich.live import Live

from gp.api.runs import Run
from gp.cli import exitcodes
from gp.cli.console import error_console, out_console
from gp.render.runs import change_line
from gp.render.watch_screen import screen
from gp.runs.model import RunSnapshot
from gp.runs.watch import WatchState, step


def _now() -> datetime:
    return datetime.now(UTC)


class _Screen:
    """Drawn by rich's refresh thread: durations tick even when the run does not change."""

    def __init__(self, console):
        self.console = console
        self.run: RunSnapshot | None = None
        self.rows: list = []
        self.note: str | None = None

    def __rich_console__(self, console, options):
        if self.run is None:
            return
        size = console.size
        yield screen(self.run, self.rows, _now(), size.width, size.height, self.note)


def watch(handle: Run, no_color: bool) -> RunSnapshot:
    """Follow the run until it ends: redrawn in place on a terminal, one line per state change
    otherwise. Ctrl-C stops watching, never the run. Returns its last (masked) snapshot."""
    console = out_console(no_color)
    state = WatchState()
    run: RunSnapshot | None = None
    try:
        with closing(handle.follow()) as changes:
            if console.is_terminal:
                view = _Screen(console)
                with Live(
                    view,
                    console=console,
                    refresh_per_second=2,
                    transient=False,
                    vertical_overflow="crop",
                ):
                    for changed in changes:
                        run = changed.snapshot
                        view.rows, _ = step(state, run, _now())
                        view.run = run
            else:
                for changed in changes:
                    run = changed.snapshot
                    _, lines = step(state, run, _now())
                    for change in lines:
                        console.print(change_line(change, _now()), highlight=False)
    except KeyboardInterrupt:
        name = handle.name
        error_console(no_color).print(
            f"Stopped watching {name}; the run goes on (gp watch {name} to watch again, "
            f"gp stop {name} to stop it).",
            highlight=False,
            markup=False,
        )
        sys.exit(exitcodes.INTERRUPTED)
    assert run is not None
    return run


def wait(handle: Run) -> RunSnapshot:
    """Wait quietly until the run ends; returns its last (masked) snapshot."""
    try:
        handle.wait()
    except KeyboardInterrupt:
        error_console().print(f"Stopped waiting for {handle.ident}; the run goes on.", markup=False)
        sys.exit(exitcodes.INTERRUPTED)
    return handle.snapshot


def exit_with_result(run: RunSnapshot, no_color: bool) -> None:
    """0 when the run succeeded; 1, naming the failed tasks, when it failed or errored."""
    if run.succeeded:
        error_console(no_color).print(f"{run.name} Succeeded", highlight=False, markup=False)
        return
    console = error_console(no_color)
    console.print(
        f"Error: run {run.name} {run.phase}" + (f": {run.message}" if run.message else ""),
        highlight=False,
        markup=False,
    )
    for node in run.failed_nodes():
        console.print(
            f"  {node.display_name} {node.phase}" + (f": {node.message}" if node.message else ""),
            highlight=False,
            markup=False,
        )
    sys.exit(exitcodes.ERROR)
