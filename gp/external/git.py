"""What git says about the folder a module lives in."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gp.errors import GPError


def git_commit(folder: Path) -> tuple[str, bool] | None:
    """(HEAD commit, whether the folder has uncommitted changes) when ``folder`` is in a git
    work tree; None otherwise (or when git is not installed)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip(), bool(status.stdout.strip())


def _git(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=timeout
    )


def top_level(folder: Path) -> Path | None:
    """The root of the git work tree ``folder`` is in; None outside one."""
    try:
        found = _git(folder, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def has_commit(folder: Path, commit: str) -> bool:
    try:
        return _git(folder, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def commits_between(folder: Path, since: str | None, until: str) -> list[tuple[str, str]] | None:
    """(short hash, subject) of each commit of since..until, newest first (all of until's
    history when ``since`` is None); None when git cannot say (an unknown commit)."""
    span = f"{since}..{until}" if since else until
    try:
        found = _git(folder, "log", "--format=%h%x00%s", span)
    except (OSError, subprocess.SubprocessError):
        return None
    if found.returncode != 0:
        return None
    rows = [line.split("\0", 1) for line in found.stdout.splitlines() if "\0" in line]
    return [(short, subject) for short, subject in rows]


@contextmanager
def checkout(folder: Path, commit: str, into: Path) -> Iterator[Path]:
    """The work tree of ``folder``'s repository at ``commit``, in a git worktree (detached)
    made in the empty folder ``into`` and removed after; the user's own work tree is never
    touched. Yields the path in it that stands for ``folder``."""
    top = top_level(folder)
    if top is None:
        raise GitError(f"{folder} is not in a git work tree")
    if not has_commit(top, commit):
        raise GitError(f"the commit {commit[:12]} is not in the repository at {top}: git fetch it")
    # Named as the repository is: a module's stack defaults to its folder's name.
    tree = into / top.name
    try:
        added = _git(top, "worktree", "add", "--detach", str(tree), commit, timeout=300)
        if added.returncode != 0:
            raise GitError(f"git worktree add failed: {added.stderr.strip()}")
        yield tree / folder.resolve().relative_to(top.resolve())
    finally:
        _git(top, "worktree", "remove", "--force", str(tree))
        _git(top, "worktree", "prune")


class GitError(GPError):
    """git could not do what was asked (the message says what)."""
