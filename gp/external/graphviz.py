"""Graphviz's ``dot``: where the boxes and edges of a drawing go."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from gp.errors import GPError


def find_dot() -> str | None:
    """The path of ``dot``, or None when Graphviz is not installed."""
    return shutil.which("dot")


def dot_json(source: str, dot: str | None) -> dict[str, Any]:
    """``dot -Tjson`` of the graph ``source``: every node and edge with its position."""
    if not dot:
        raise GPError(
            "Graphviz's dot is not installed (apt-get install graphviz); "
            "gp lays DAGs out itself without it"
        )
    try:
        done = subprocess.run(
            [dot, "-Tjson"], input=source, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GPError(f"dot failed: {exc}") from exc
    if done.returncode != 0:
        raise GPError(f"dot failed: {done.stderr.strip()}")
    return json.loads(done.stdout)
