"""The watch's state machine: successive snapshots of a run in, state changes out.

Pure: the CLI prints each change as a line when output is not a terminal, the live screen
redraws from the rows, and the Python API can iterate the same changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from gp.runs.dag import DagRow, rows_of
from gp.runs.model import RunSnapshot

RUN_KEY = ""  # the run itself, among the rows' keys


@dataclass(frozen=True)
class StateChange:
    """One state change: a task (or the run, key "") went from ``before`` to ``after``."""

    key: str
    name: str
    before: str | None  # None: first seen
    after: str
    row: DagRow | None  # None for the run itself
    message: str | None = None


def _state(row: DagRow) -> tuple:
    # A fan-out changes state when any child does; a retry when a new attempt starts.
    return (row.phase, row.attempts, row.counts)


@dataclass
class WatchState:
    """What the watch has seen so far: each row's last state and the run's phase."""

    seen: dict[str, tuple] = field(default_factory=dict)
    phase: str | None = None


def step(
    state: WatchState, run: RunSnapshot, now: datetime
) -> tuple[list[DagRow], list[StateChange]]:
    """Take one snapshot: the rows to draw and the changes since the last snapshot. A task not
    started yet is not a change (it is drawn as Pending); the run's phase is."""
    rows = rows_of(run, now)
    changes: list[StateChange] = []
    for row in rows:
        current = _state(row)
        before = state.seen.get(row.key)
        if before == current or (before is None and row.phase == "Pending" and row.from_spec):
            continue
        state.seen[row.key] = current
        changes.append(
            StateChange(
                row.key,
                row.name,
                before[0] if before else None,
                row.phase,
                row,
                row.message if row.phase in ("Failed", "Error") else None,
            )
        )
    if run.phase != state.phase:
        changes.append(
            StateChange(
                RUN_KEY,
                run.name,
                state.phase,
                run.phase,
                None,
                run.message if run.phase in ("Failed", "Error") else None,
            )
        )
        state.phase = run.phase
    return rows, changes


def follow(
    snapshots: Iterable[RunSnapshot], now=None
) -> Iterator[tuple[RunSnapshot, list[DagRow], list[StateChange]]]:
    """Each snapshot with its rows and changes, until the run is done."""
    from gp.runs.model import utc_now

    clock = now or utc_now
    state = WatchState()
    for run in snapshots:
        rows, changes = step(state, run, clock())
        yield run, rows, changes
        if run.done:
            return
