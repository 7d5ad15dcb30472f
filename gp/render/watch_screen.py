"""The live screen of `gp watch`: the run's DAG, redrawn in place, cut to the terminal's size."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group
from rich.text import Text

from gp.render.runs import header, row_line
from gp.runs.dag import DagRow

_ACTIVE = ("Running", "Failed", "Error")


def _fit(rows: Sequence[DagRow], room: int) -> tuple[list[DagRow], int]:
    """At most ``room`` rows: when they do not all fit, the ones running or failed are kept
    first, then the rest in order; the count of those left out is returned."""
    if len(rows) <= room:
        return list(rows), 0
    keep = max(room - 1, 0)  # one line says how many are hidden
    ranked = sorted(range(len(rows)), key=lambda i: (rows[i].phase not in _ACTIVE, i))[:keep]
    return [rows[i] for i in sorted(ranked)], len(rows) - keep


def screen(
    run, rows: Sequence[DagRow], now: datetime, width: int, height: int, note: str | None = None
) -> Group:
    head = header(run, now)
    lines: list[Text] = []
    footer = Text(note, style="dim") if note else None
    room = max(height - len(head.split("\n")) - 1 - (1 if footer else 0), 1)
    shown, hidden = _fit(rows, room)
    for row in shown:
        line = row_line(row)
        line.truncate(width, overflow="ellipsis")
        lines.append(line)
    if hidden:
        lines.append(Text(f"  ... {hidden} more tasks", style="dim"))
    for part in head.split("\n"):
        part.truncate(width, overflow="ellipsis")
    parts = [*head.split("\n"), Text(""), *lines] + ([footer] if footer else [])
    return Group(*parts)
