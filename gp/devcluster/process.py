"""Start, watch and stop the cluster's processes by PID.

The processes must outlive ``python -m gp.devcluster up``, so they run in their own session and
are found again later from the PID recorded in the state file. Before signalling a recorded PID
we check that it still runs the same command line, so a recycled PID is never killed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

LOOPBACK = "127.0.0.1"
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A loopback port free right now (the kernel's choice, so parallel runs do not collide)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    # Linux only: the kernel kills the child if the test run dies without tearing down.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(
    args: list[str], log: Path, die_with_parent: bool = False, env: Mapping[str, str] | None = None
) -> int:
    """Start ``args`` detached in a new session, output to ``log``; returns the PID."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            args,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if die_with_parent else None,
        )
    return proc.pid


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _reap(pid: int) -> None:
    # Our own children stay zombies (and look alive) until waited for.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def is_running(pid: int, argv0: str | None = None) -> bool:
    """True if ``pid`` is alive (not a zombie) and, when given, still runs ``argv0``."""
    _reap(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    if argv0 is None:
        return True
    cmd = _cmdline(pid)
    return bool(cmd) and cmd[0] == argv0


def wait_until(check: Callable[[], bool], timeout_s: float, interval_s: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def stop(pid: int, argv0: str, grace_s: float = 15.0) -> bool:
    """SIGTERM, then SIGKILL after ``grace_s``. False if the PID was not (or no longer) ours."""
    if not is_running(pid, argv0):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    if not wait_until(lambda: not is_running(pid), grace_s):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return True
        wait_until(lambda: not is_running(pid), 5.0)
    return True


def stop_all(procs: list[tuple[int, str]], grace_s: float = 15.0) -> None:
    """Stop several processes at once, so their shutdown delays overlap instead of adding up."""
    ours = [(pid, argv0) for pid, argv0 in procs if is_running(pid, argv0)]
    for pid, _ in ours:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    if wait_until(lambda: not any(is_running(pid) for pid, _ in ours), grace_s):
        return
    for pid, argv0 in ours:
        stop(pid, argv0, grace_s=0.0)


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
