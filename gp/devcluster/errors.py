"""Errors of the development cluster, inside gp's one hierarchy (``gp.errors.GPError``)."""

from __future__ import annotations

from gp.errors import GPError

# Enough of a failing command's output to see the cause without flooding the terminal.
OUTPUT_TAIL = 4000


class DevClusterError(GPError):
    """The development cluster could not be built, started, reached or stopped."""


class BuildError(DevClusterError):
    """A go command failed, or Go is missing. Carries the command and everything it printed."""

    def __init__(self, reason: str, command: str, output: str):
        tail = output[-OUTPUT_TAIL:]
        super().__init__(f"building the dev cluster failed: {reason}\n$ {command}\n{tail}".rstrip())
        self.reason = reason
        self.command = command
        self.output = output


class StartError(DevClusterError):
    """A process exited or never became ready. Carries the tail of its log."""

    def __init__(self, what: str, reason: str, log_tail: str = ""):
        text = f"{what} did not start: {reason}"
        if log_tail:
            text += f"\n--- last lines of its log ---\n{log_tail}"
        super().__init__(text)
        self.what = what
        self.log_tail = log_tail


class NotRunningError(DevClusterError):
    """No cluster is recorded in the state dir."""
