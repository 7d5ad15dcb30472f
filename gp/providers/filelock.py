"""The directory provider's lock: ``<path>/.gp/<stack>.lock``, created with O_EXCL.

The file holds JSON ``{lock_id, holder, acquired_at, expires_at}``. An expired lock (a crashed
apply) is moved aside and taken over; the move is checked so that two takers never both win.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path

from gp.errors import LockError
from gp.providers.base import LockInfo
from gp.providers.locking import Clock, expired, iso, mismatch_error, new_info, parse_iso

# A lock file that cannot be read (left empty by a crash between create and write, or
# garbled) counts as expired once its last write is this far from now, either way.
_UNREADABLE_GRACE_S = 10.0


class FileLock:
    def __init__(self, path: Path, stack: str, duration_s: float, clock: Clock):
        self.path = path
        self.stack = stack
        self.duration_s = duration_s
        self.clock = clock

    def read(self) -> LockInfo | None:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # not JSON, not UTF-8, a folder, no permission
            return _unreadable(_reason(exc))
        fields = ("lock_id", "holder", "acquired_at", "expires_at")
        if not isinstance(doc, dict) or not all(isinstance(doc.get(f), str) for f in fields):
            return _unreadable("it is not a gp lock")
        if not (_is_time(doc["acquired_at"]) and _is_time(doc["expires_at"])):
            return _unreadable("its times are not times")
        return LockInfo(*(doc[f] for f in fields))

    def _expired(self, info: LockInfo) -> bool:
        if info.lock_id != "?":
            return expired(info, self.clock())
        # Unreadable: a crash between create and write, or a file nobody could have meant as a
        # lock. Its age is all there is to go by; a time far in the future (a copied file, a
        # hand edit) must not make it last for ever, so the age counts both ways.
        try:
            age = self.clock().timestamp() - self.path.stat().st_mtime
        except FileNotFoundError:
            return True
        return abs(age) > _UNREADABLE_GRACE_S

    def how_to_release(self, held: LockInfo) -> str:
        if held.lock_id == "?":
            return (
                f"delete {self.path} (an unreadable lock file is taken over by itself "
                f"{_UNREADABLE_GRACE_S:g}s after it was last written)"
            )
        return f"release it with `gp unlock {held.lock_id}`"

    def _create(self, info: LockInfo) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(info), f, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        return True

    def _take_over(self, stale: LockInfo) -> None:
        aside = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}.stale")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        moved = FileLock(aside, self.stack, self.duration_s, self.clock).read()
        if moved is not None and moved.lock_id != stale.lock_id:
            # Someone else took it over first and we moved their fresh lock: put it back.
            try:
                os.link(aside, self.path)
            except FileExistsError:
                pass
        if aside.is_dir() and not aside.is_symlink():
            shutil.rmtree(aside, ignore_errors=True)  # a folder where the lock file belongs
        else:
            aside.unlink(missing_ok=True)

    def try_acquire(self, holder: str) -> tuple[LockInfo | None, LockInfo | None]:
        for _ in range(3):
            ours = new_info(holder, self.clock(), self.duration_s)
            if self._create(ours):
                return ours, None
            held = self.read()
            if held is None:
                continue
            if not self._expired(held):
                return None, held
            self._take_over(held)
        return None, self.read() or LockInfo("?", "a concurrent locker", "?", "?")

    def _write(self, info: LockInfo) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(asdict(info), sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def renew(self, ours: LockInfo) -> LockInfo | None:
        now = self.clock()
        if self.read() != ours or expired(ours, now):
            return None
        renewed = replace(ours, expires_at=iso(now + timedelta(seconds=self.duration_s)))
        self._write(renewed)
        return renewed

    def release(self, lock_id: str) -> None:
        held = self.read()
        if held is not None and held.lock_id == lock_id:
            self._remove()

    def unlock(self, lock_id: str) -> None:
        held = self.read()
        if held is not None and held.lock_id == "?":
            raise LockError(
                f"the stack {self.stack!r} has a lock file that cannot be read, so it "
                f"has no lock id: {self.how_to_release(held)}"
            )
        if held is None or held.lock_id != lock_id:
            raise mismatch_error(self.stack, lock_id, held)
        self._remove()

    def _remove(self) -> None:
        """Drop the lock file, and the folders it alone needed: a plan of a stack that was
        never applied leaves the directory as it found it."""
        self.path.unlink(missing_ok=True)
        for folder in (self.path.parent, self.path.parent.parent):
            try:
                folder.rmdir()  # only ever succeeds when empty
            except OSError:
                break


def _unreadable(why: str) -> LockInfo:
    return LockInfo("?", f"an unknown holder (the lock file cannot be read: {why})", "?", "?")


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg})"
    return "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)


def _is_time(text: str) -> bool:
    try:
        parse_iso(text)
        return True
    except ValueError:
        return False
