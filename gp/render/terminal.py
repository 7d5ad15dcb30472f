"""The console every terminal output goes through: rich's, with the text of each segment shown
by ``gp.redact.escape_controls`` (control characters escaped, never obeyed).

gp's own styles are rich styles, turned into escapes by rich after this check; text, whatever
it holds (a run's annotation, a label, a message from the API server), cannot move the cursor,
clear the screen or set the terminal's title, with colour or without.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from gp.redact import escape_controls


class TerminalConsole(Console):
    """A rich Console whose output holds no control character that gp did not put there."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        shown = (
            seg if seg.control else Segment(escape_controls(seg.text), seg.style) for seg in buffer
        )
        return super()._render_buffer(shown)
