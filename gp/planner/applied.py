"""What an apply did: the plan's value for the writes that followed it."""

from __future__ import annotations

from dataclasses import dataclass, field

from gp.planner.plan import ResourceChange


@dataclass
class ApplyReport:
    """What apply did, object by object, so a failed run can say what was and was not done."""

    applied: list[ResourceChange] = field(default_factory=list)
    failed: list[tuple[ResourceChange, str]] = field(default_factory=list)
    not_attempted: list[ResourceChange] = field(default_factory=list)
    # What to do about a failure that running gp again would repeat, by address.
    advice: dict[str, str] = field(default_factory=dict)
    # Why the run stopped starting writes before the end (interrupted, lock lost); None if not.
    stopped: str | None = None
    # Why the stack's lock was found lost (before a write or at the end), None while held: the
    # plan may be stale then, and the record takes in only what this run wrote.
    lock_lost: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted
