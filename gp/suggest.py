"""The one rule for "did you mean": which known name is close enough to a mistyped one.

Every message that offers a correction (an unknown variable, field, task, address, parameter
or flag value) asks here, so all of them agree on what counts as close.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's ratio: 0.6 keeps one-letter typos and swapped letters in short names, and
# leaves out names that merely share a prefix.
CUTOFF = 0.6


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name closest to ``name``, or None when none is close enough."""
    found = difflib.get_close_matches(name, list(dict.fromkeys(candidates)), n=1, cutoff=CUTOFF)
    return found[0] if found else None


def hint(found: str | None) -> str:
    """'; did you mean "x"?', or "" when there is nothing to offer."""
    return f'; did you mean "{found}"?' if found else ""


def did_you_mean(name: str, candidates: Iterable[str], *, prefix: str = "") -> str:
    """The hint for the candidate closest to ``name``. With ``prefix`` the bare names are
    compared and the hint shows ``prefix + name`` (so that a shared "var." does not make every
    variable look close)."""
    found = closest(name, candidates)
    return hint(prefix + found if found else None)
