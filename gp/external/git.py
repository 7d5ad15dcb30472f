"""What git says about the folder a module lives in."""

from __future__ import annotations

import subprocess
from pathlib import Path


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
