"""Who is running gp, as locks, records and runs name them."""

from __future__ import annotations

import getpass
import socket


def whoami() -> str:
    """user@host; the host alone tells who when the user has no passwd entry."""
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()}"
