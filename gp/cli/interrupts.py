"""Ctrl-C while apply writes: the first one stops the run cleanly, a second one leaves at once.

Python's default SIGINT handling raises KeyboardInterrupt wherever the main thread happens to
be; during apply that abandons the stack's record (click then turns it into a bare "aborted").
Instead the first Ctrl-C only sets a flag that every write checks before it starts, so the
writes under way finish, the record is saved and the report printed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from gp.cli import exitcodes


class StopOnInterrupt:
    """A context manager: while inside, SIGINT asks the run to stop instead of raising."""

    def __init__(
        self,
        lock_id: str,
        say: Callable[[str], None] | None = None,
        exit_now: Callable[[int], None] = os._exit,
    ):
        self._lock_id = lock_id
        self._say = say or _to_stderr
        self._exit_now = exit_now
        self._event = threading.Event()
        self._previous: object = None
        self._installed = False

    def interrupted(self) -> bool:
        return self._event.is_set()

    def __enter__(self) -> StopOnInterrupt:
        # Signal handlers can only be set from the main thread (gp run in-process by a
        # library's worker keeps Python's default behaviour).
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self.handle)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._installed = False

    def handle(self, signum: int = signal.SIGINT, frame: FrameType | None = None) -> None:
        if not self._event.is_set():
            self._event.set()
            self._say(
                "\nInterrupt received: no new write will start. Waiting for the writes under "
                "way, then saving the stack's record (press Ctrl-C again to exit at once).\n"
            )
            return
        self._say(
            "\nInterrupted again: exiting at once. Writes that were under way may still take "
            "effect without the stack's record knowing, and the stack's lock "
            f"{self._lock_id} stays until it expires or `gp unlock {self._lock_id}` releases "
            "it. Run gp plan to see where the stack stands.\n"
        )
        self._exit_now(exitcodes.INTERRUPTED)


def _to_stderr(text: str) -> None:
    # Written directly: a rich console may be in the middle of printing in this same thread.
    sys.stderr.write(text)
    sys.stderr.flush()
    sys.stdout.flush()
