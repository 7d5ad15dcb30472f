"""The directory provider's lock: ``<path>/.gp/<stack>.lock``, created with O_EXCL.

The file holds JSON ``{lock_id, holder, acquired_at, expires_at}``. An expired lock (a crashed
apply) is moved aside and taken over; the move is checked so that two takers never both win.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path

from gp.providers.base import LockInfo
from gp.providers.locking import Clock, iso, mismatch_error, new_info, parse_iso

# A lock file left empty by a crash between create and write counts as expired after this.
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
            return LockInfo(doc["lock_id"], doc["holder"], doc["acquired_at"], doc["expires_at"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return LockInfo("?", "an unknown holder (unreadable lock file)", "?", "?")

    def _expired(self, info: LockInfo) -> bool:
        now = self.clock()
        if info.lock_id == "?":
            try:
                age = now.timestamp() - self.path.stat().st_mtime
            except FileNotFoundError:
                return True
            return age > _UNREADABLE_GRACE_S
        return parse_iso(info.expires_at) <= now

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

    def renew(self, lock_id: str) -> bool:
        held = self.read()
        if held is None or held.lock_id != lock_id:
            return False
        expires = self.clock() + timedelta(seconds=self.duration_s)
        self._write(replace(held, expires_at=iso(expires)))
        return True

    def release(self, lock_id: str) -> None:
        held = self.read()
        if held is not None and held.lock_id == lock_id:
            self._remove()

    def unlock(self, lock_id: str) -> None:
        held = self.read()
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
