"""Which version of the pipeline a run comes from: the applied template and the module's commit."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gp.runs.submit import Version, template_digest


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


def version_of(applied: Mapping[str, Any], inputs_hash: str | None, folder: Path | None) -> Version:
    git = git_commit(folder) if folder is not None else None
    return Version(
        digest=template_digest(applied),
        inputs_hash=inputs_hash,
        commit=git[0] if git else None,
        dirty=git[1] if git else False,
    )
