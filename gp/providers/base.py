"""What every provider offers. The CLI picks one from the module's provider block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from gp.compile.objects import CompiledObject, ObjectRef
from gp.planner.applied import ApplyReport
from gp.planner.plan import LiveObject, LiveState, PlanData, ResourceChange, Target
from gp.planner.stack_record import StackRecord


@dataclass(frozen=True)
class LockInfo:
    lock_id: str
    holder: str
    acquired_at: str
    expires_at: str


class StackLock(Protocol):
    """The lock a run holds (what ``Provider.lock`` yields)."""

    @property
    def info(self) -> LockInfo: ...

    @property
    def lock_id(self) -> str: ...

    def check(self) -> str | None:
        """None while the lock is still held exactly as this run left it; else why not."""


# Called as each object finishes: (change, error message or None).
Progress = Callable[[ResourceChange, str | None], None]

# Asked before each write: True once the user asked the run to stop (Ctrl-C).
Interrupted = Callable[[], bool]


class Provider(Protocol):
    target: Target

    def read(self, stack: str, desired: Sequence[CompiledObject]) -> LiveState:
        """The stack's record and every live object it owns or that ``desired`` names."""

    def dry_run(self, obj: CompiledObject, live: LiveObject | None) -> dict:
        """What the target would hold after applying ``obj`` (server-side apply dry-run)."""

    def lock(self, stack: str, holder: str, timeout_s: float) -> AbstractContextManager[StackLock]:
        """Hold the stack's lock for the whole plan-and-apply."""

    def unlock(self, stack: str, lock_id: str) -> None: ...

    def apply(
        self,
        plan: PlanData,
        *,
        force_conflicts: bool = False,
        parallelism: int = 10,
        progress: Progress | None = None,
        lock: StackLock | None = None,
        interrupted: Interrupted | None = None,
    ) -> ApplyReport:
        """Write the plan's changes and save the record of what was written.

        Before each write the run stops, and starts no more writes, when ``lock`` is no longer
        held or ``interrupted()`` is true; writes already started finish, and the record and
        result say exactly what was done.
        """

    def changed_refs(self, refs: dict[ObjectRef, str | None]) -> list[ObjectRef]:
        """Objects whose resourceVersion differs from the one given (for stale-plan checks).

        ``None`` means "did not exist": such a ref is listed when the object exists now.
        """

    def owned(self, stack: str) -> StackRecord:
        """The stack's record (an empty one when the stack never applied): for `gp show`."""

    def adopt(self, ref: ObjectRef, stack: str, address: str) -> LiveObject:
        """`gp import`: mark the live object ``ref`` as the stack's, under ``address``."""

    def backup(self, stack: str) -> StackRecord | None:
        """The record as it was before the last `gp state` change (None: there is none)."""

    def save_record(self, record: StackRecord, backup: StackRecord) -> None:
        """`gp state`: save ``record`` as the stack's, and ``backup`` as its backup."""

    def set_marks(self, ref: ObjectRef, stack: str, address: str | None) -> LiveObject | None:
        """Mark ``ref`` as the stack's under ``address``, or (None) take gp's marks off it,
        changing nothing else; None when it does not exist. Refuses another stack's object."""

    def close(self) -> None:
        """Release connections; the provider is not used after."""

    def engine(self):
        """Where runs execute (gp/providers/kubernetes_runs.py); a provider without one raises
        ProviderError saying so."""
