"""A folder of content-addressed files, each written whole or not at all.

Every cache of gp stores its entries here, so they share one rule for where an entry lives,
how it is written (a private temporary file renamed into place: a reader never sees half an
entry, and another user on the machine cannot read it) and what a failure costs (only speed).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class BlobStore:
    """Entries under ``root``, named by a hex digest and a suffix; with ``fan_out`` they are
    spread over subfolders by the digest's first two characters (for caches of many entries)."""

    def __init__(self, root: Path, *, fan_out: bool = True) -> None:
        self.root = root
        self.fan_out = fan_out
        self._prefix = os.fspath(root) + os.sep

    def path(self, digest: str, suffix: str) -> Path:
        return Path(self._name(digest, suffix))

    def _name(self, digest: str, suffix: str) -> str:
        # Plain strings: a load reads thousands of entries, and pathlib's joins cost more.
        folder = f"{self._prefix}{digest[:2]}{os.sep}" if self.fan_out else self._prefix
        return f"{folder}{digest}{suffix}"

    def get(self, digest: str, suffix: str) -> bytes | None:
        """The entry's bytes, or None when it is missing or unreadable."""
        try:
            with open(self._name(digest, suffix), "rb") as f:
                return f.read()
        except OSError:
            return None

    def put(self, digest: str, suffix: str, data: bytes) -> None:
        """Store ``data``; a read-only or full cache is not an error (it only costs speed)."""
        target = self.path(digest, suffix)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")  # mode 0600
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except OSError:
            pass
