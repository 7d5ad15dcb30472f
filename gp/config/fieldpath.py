"""The syntax of a field path, as `lifecycle { ignore_changes }` writes it.

``spec.templates["main"].container.image``: dotted names, ``[N]`` for a list index and
``["name"]`` for a list entry selected by its name (or a map key). The language owns this
syntax, so the loader can reject a malformed path where it is written; the compiler checks the
path against Argo's schema and the planner follows it through objects.
"""

from __future__ import annotations

import json
import re

Segment = str | int
Path = tuple[Segment, ...]

_TOKEN = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*\]')


class ItemName(str):
    """A path segment that selects a list item by its name (rendered ``["name"]``)."""


def parse_path(text: str) -> Path:
    """Parse ``spec.templates["main"].container.image`` or dotted ``spec.templates.main``."""
    segs: list[Segment] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        dotted = text.startswith(".", pos)
        if not m or (m.group(1) and dotted != (pos > 0)):
            raise ValueError(f"invalid path {text!r} at character {pos + 1}")
        if m.group(1):
            segs.append(m.group(1))
        elif m.group(2).startswith('"'):
            segs.append(ItemName(json.loads(m.group(2))))
        else:
            segs.append(int(m.group(2)))
        pos = m.end()
    if not segs:
        raise ValueError("empty path")
    return tuple(segs)
