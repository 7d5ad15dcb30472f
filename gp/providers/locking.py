"""What the directory lock file and the Kubernetes Lease share: waiting, renewing, messages.

A lock has an expiry so that a crashed apply never blocks a stack forever; while it is held a
background thread keeps pushing the expiry forward.
"""

from __future__ import annotations

import getpass
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator, Protocol

from gp.errors import LockError, UnreachableError
from gp.providers.base import LockInfo

Clock = Callable[[], datetime]

DEFAULT_LEASE_SECONDS = 60


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def default_identity() -> str:
    """Who holds a lock or applied a stack: user@host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def new_lock_id() -> str:
    return str(uuid.uuid4())


def new_info(holder: str, now: datetime, duration_s: float) -> LockInfo:
    return LockInfo(
        lock_id=new_lock_id(),
        holder=holder,
        acquired_at=iso(now),
        expires_at=iso(now + timedelta(seconds=duration_s)),
    )


def busy_error(stack: str, held: LockInfo, waited_s: float) -> LockError:
    return LockError(
        f"the stack {stack!r} is locked by {held.holder} (lock id {held.lock_id}, acquired "
        f"{held.acquired_at}, expires {held.expires_at}); gave up after waiting {waited_s:g}s. "
        f"If that run is gone, release it with `gp unlock {held.lock_id}`"
    )


def mismatch_error(stack: str, lock_id: str, held: LockInfo | None) -> LockError:
    if held is None:
        return LockError(f"the stack {stack!r} is not locked (no lock with id {lock_id})")
    return LockError(
        f"lock id {lock_id} does not match the lock on stack {stack!r}, which is held by "
        f"{held.holder} with lock id {held.lock_id}"
    )


class Backend(Protocol):
    """One storage of a lock (a file, a Lease)."""

    def try_acquire(self, holder: str) -> tuple[LockInfo | None, LockInfo | None]:
        """(ours, None) when taken; (None, the current holder's) when someone else holds it."""

    def renew(self, lock_id: str) -> bool:
        """Push the expiry forward; False when the lock is no longer ours."""

    def release(self, lock_id: str) -> None: ...


def acquire(
    backend: Backend, stack: str, holder: str, timeout_s: float, poll_s: float = 0.5
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
            raise busy_error(stack, theirs, timeout_s)
        time.sleep(min(poll_s, remaining))


class Renewer:
    """Renews a held lock every ``interval_s`` until stopped or the lock is lost."""

    def __init__(self, renew: Callable[[], bool], interval_s: float):
        self._renew = renew
        self._interval = interval_s
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name="gp-lock-renew", daemon=True)

    def start(self) -> "Renewer":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if not self._renew():
                    self.lost = True
                    return
            except Exception:  # a missed renewal is retried; the expiry leaves slack for it
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def held(
    backend: Backend,
    stack: str,
    holder: str,
    timeout_s: float,
    duration_s: float,
    poll_s: float = 0.5,
) -> Iterator[LockInfo]:
    info = acquire(backend, stack, holder, timeout_s, poll_s)
    renewer = Renewer(lambda: backend.renew(info.lock_id), max(duration_s / 3, 0.05)).start()
    try:
        yield info
    except BaseException as exc:
        renewer.stop()
        if not renewer.lost:
            _release_quietly(backend, info, exc)
        raise
    renewer.stop()
    if not renewer.lost:
        try:
            backend.release(info.lock_id)
        except UnreachableError:
            # The work is done and its report matters more; the lock expires by itself.
            pass


def _release_quietly(backend: Backend, info: LockInfo, failure: BaseException) -> None:
    """Release after a failure without hiding it: when the target went away, releasing fails
    too, and that second error would replace the one that says what happened."""
    try:
        backend.release(info.lock_id)
    except Exception as exc:
        failure.add_note(
            f"the lock {info.lock_id} was not released ({exc}); it expires by itself unless "
            f"renewed, or `gp unlock {info.lock_id}` releases it"
        )
