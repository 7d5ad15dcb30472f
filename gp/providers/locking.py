"""What the directory lock file and the Kubernetes Lease share: waiting, renewing, messages.

A lock has an expiry so that a crashed apply never blocks a stack forever; while it is held a
background thread keeps pushing the expiry forward.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol

from gp.errors import LockError, UnreachableError
from gp.providers.base import LockInfo

Clock = Callable[[], datetime]

DEFAULT_LEASE_SECONDS = 60


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def new_lock_id() -> str:
    return str(uuid.uuid4())


def new_info(holder: str, now: datetime, duration_s: float) -> LockInfo:
    return LockInfo(
        lock_id=new_lock_id(),
        holder=holder,
        acquired_at=iso(now),
        expires_at=iso(now + timedelta(seconds=duration_s)),
    )


def busy_error(stack: str, held: LockInfo, waited_s: float, how_to_release: str) -> LockError:
    known = f" (lock id {held.lock_id}, acquired {held.acquired_at}, expires {held.expires_at})"
    return LockError(
        f"the stack {stack!r} is locked by {held.holder}{known if held.lock_id != '?' else ''}; "
        f"gave up after waiting {waited_s:g}s. If that run is gone, {how_to_release}"
    )


def mismatch_error(stack: str, lock_id: str, held: LockInfo | None) -> LockError:
    if held is None:
        return LockError(f"the stack {stack!r} is not locked (no lock with id {lock_id})")
    return LockError(
        f"lock id {lock_id} does not match the lock on stack {stack!r}, which is held by "
        f"{held.holder} with lock id {held.lock_id}"
    )


class LockBackend(Protocol):
    """One storage of a lock (a file, a Lease)."""

    clock: Clock

    def try_acquire(self, holder: str) -> tuple[LockInfo | None, LockInfo | None]:
        """(ours, None) when taken; (None, the current holder's) when someone else holds it."""

    def read(self) -> LockInfo | None:
        """The lock as stored now; None when there is none."""

    def renew(self, ours: LockInfo) -> LockInfo | None:
        """Push the expiry forward and return the lock as now stored; None, writing nothing,
        when the stored lock is no longer exactly ``ours`` or ``ours`` has expired."""

    def release(self, lock_id: str) -> None: ...

    def how_to_release(self, held: LockInfo) -> str:
        """What a user does to free a lock whose run is gone (ends a sentence)."""


def acquire(
    backend: LockBackend, stack: str, holder: str, timeout_s: float, poll_s: float = 0.5
) -> LockInfo:
    """Take the lock, waiting up to ``timeout_s`` for its holder to let go."""
    deadline = time.monotonic() + max(0.0, timeout_s)
    while True:
        ours, theirs = backend.try_acquire(holder)
        if ours is not None:
            return ours
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            assert theirs is not None
            raise busy_error(stack, theirs, timeout_s, backend.how_to_release(theirs))
        time.sleep(min(poll_s, remaining))


def expired(info: LockInfo, now: datetime) -> bool:
    try:
        return parse_iso(info.expires_at) <= now
    except (ValueError, TypeError, AttributeError):  # "?" or a tampered time: no protection
        return True


class HeldLock:
    """A lock this run holds, and the check every write makes that it still does.

    Held means: the stored lock is exactly what this run last wrote (its id, holder, acquire
    and expiry times) and that expiry has not passed on this run's clock. Anything else (the
    lock deleted by `gp unlock`, taken over by another run, rewritten, or expired while this
    process was stopped) is a loss, and a loss is final: a renewal never wins the lock back,
    because another run may have changed the stack meanwhile.
    """

    def __init__(self, backend: LockBackend, stack: str, info: LockInfo):
        self._backend = backend
        self.stack = stack
        self._info = info
        self._lost: str | None = None
        # Held while a renewal writes, so a check never compares with a half-updated self._info.
        self._mutex = threading.Lock()

    @property
    def info(self) -> LockInfo:
        return self._info

    @property
    def lock_id(self) -> str:
        return self._info.lock_id

    @property
    def holder(self) -> str:
        return self._info.holder

    @property
    def acquired_at(self) -> str:
        return self._info.acquired_at

    @property
    def expires_at(self) -> str:
        return self._info.expires_at

    @property
    def lost(self) -> str | None:
        return self._lost

    def renew(self) -> bool:
        with self._mutex:
            if self._lost is not None:
                return False
            renewed = self._backend.renew(self._info)
            if renewed is None:
                self._lost = self._why_lost(self._info, self._backend.read())
                # Refused although the lock is as we left it (a write raced with an unrelated
                # edit of the lease): try again at the next interval.
                return self._lost is None
            self._info = renewed
            return True

    def check(self) -> str | None:
        """None while the lock is held as this run left it; otherwise why it is not."""
        if self._lost is not None:
            return self._lost
        ours, current = self._info, self._backend.read()
        if current != ours:
            with self._mutex:  # a renewal may have been writing: compare with what it wrote
                ours, current = self._info, self._backend.read()
        reason = self._why_lost(ours, current)
        if reason is not None and self._lost is None:
            self._lost = reason
        return self._lost

    def _why_lost(self, ours: LockInfo, current: LockInfo | None) -> str | None:
        if current is None:
            return (
                f"the lock {ours.lock_id} of stack {self.stack!r} was released while this run "
                "held it (by `gp unlock`, or it expired and another run came and went)"
            )
        if current.lock_id != ours.lock_id:
            return (
                f"the stack {self.stack!r} is now locked by {current.holder} (lock id "
                f"{current.lock_id}, acquired {current.acquired_at}): this run's lock "
                f"{ours.lock_id} expired or was released while it held it"
            )
        if current != ours:
            return (
                f"the lock {ours.lock_id} of stack {self.stack!r} was rewritten by someone "
                f"else (holder {current.holder}, expires {current.expires_at}; this run "
                f"set holder {ours.holder}, expires {ours.expires_at})"
            )
        if expired(ours, self._backend.clock()):
            return (
                f"the lock {ours.lock_id} of stack {self.stack!r} expired at "
                f"{ours.expires_at} (this process was paused or blocked for longer than "
                "the lock lasts), so another run may have changed the stack"
            )
        return None


class Renewer:
    """Renews a held lock every ``interval_s`` until stopped or the lock is lost."""

    def __init__(self, renew: Callable[[], bool], interval_s: float):
        self._renew = renew
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gp-lock-renew", daemon=True)

    def start(self) -> Renewer:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if not self._renew():
                    return
            except Exception:  # a missed renewal is retried; the expiry leaves slack for it
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def held(
    backend: LockBackend,
    stack: str,
    holder: str,
    timeout_s: float,
    duration_s: float,
    poll_s: float = 0.5,
) -> Iterator[HeldLock]:
    lock = HeldLock(backend, stack, acquire(backend, stack, holder, timeout_s, poll_s))
    renewer = Renewer(lock.renew, max(duration_s / 3, 0.05)).start()
    try:
        yield lock
    except BaseException as exc:
        renewer.stop()
        # release() only ever removes a lock that still carries this run's id.
        _release_quietly(backend, lock.info, exc)
        raise
    renewer.stop()
    try:
        backend.release(lock.lock_id)
    except UnreachableError:
        # The work is done and its report matters more; the lock expires by itself.
        pass


def _release_quietly(backend: LockBackend, info: LockInfo, failure: BaseException) -> None:
    """Release after a failure without hiding it: when the target went away, releasing fails
    too, and that second error would replace the one that says what happened."""
    try:
        backend.release(info.lock_id)
    except Exception as exc:
        failure.add_note(
            f"the lock {info.lock_id} was not released ({exc}); it expires by itself unless "
            f"renewed, or `gp unlock {info.lock_id}` releases it"
        )
