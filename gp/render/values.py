"""One field's value in a plan: a scalar on its line, a multi-line string as a heredoc (with a
line diff when it changes), a huge value by its size and hash (a 4 MB script printed whole
would bury the plan, and nobody reviews it line by line in a terminal)."""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

# Above this many characters a value is shown by size and hash, never printed.
BIG = 32 * 1024


@dataclass(frozen=True)
class Line:
    depth: int
    marker: str
    text: str


def fmt(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return json.dumps(value, ensure_ascii=False)


def size(n: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else fmt(value)


def is_big(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) > BIG
    return isinstance(value, (dict, list)) and len(fmt(value)) > BIG


def digest(value: Any) -> str:
    """'(4.0 MB string, sha256 3b1f0c2d9e8a)': enough to tell two versions apart."""
    raw = _text(value).encode("utf-8")
    what = "string" if isinstance(value, str) else "value"
    return f"({size(len(raw))} {what}, sha256 {hashlib.sha256(raw).hexdigest()[:12]})"


def shown(value: Any) -> str:
    return digest(value) if is_big(value) else fmt(value)


def multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.rstrip("\n") and not is_big(value)


def heredoc(depth: int, label: str, before: Any, after: Any, marker: str) -> list[Line]:
    old = before.splitlines() if isinstance(before, str) else []
    new = after.splitlines() if isinstance(after, str) else []
    out = [Line(depth, marker, f"{label} = <<-EOT")]
    if marker == "~":
        for d in difflib.ndiff(old, new):
            if not d.startswith("?"):
                out.append(Line(depth + 1, d[0].strip(), d[2:]))
    else:
        out.extend(Line(depth + 1, "", text) for text in (new or old))
    out.append(Line(depth, "", "EOT"))
    return out


def value_lines(depth: int, label: str, before: Any, after: Any, width: int = 0) -> list[Line]:
    """The lines of one field (``label`` padded to ``width`` so that a block's ``=`` align)."""
    pad = label.ljust(width)
    if before is None and after is None:
        return []
    if before is None:
        if multiline(after):
            return heredoc(depth, label, None, after, "+")
        return [Line(depth, "+", f"{pad} = {shown(after)}")]
    if after is None:
        if multiline(before):
            return heredoc(depth, label, before, None, "-")
        return [Line(depth, "-", f"{pad} = {shown(before)} -> null")]
    if multiline(before) or multiline(after):
        if not (is_big(before) or is_big(after)):
            return heredoc(depth, label, _text(before), _text(after), "~")
    return [Line(depth, "~", f"{pad} = {shown(before)} -> {shown(after)}")]


def one_line(before: Any, after: Any) -> bool:
    """Whether value_lines gives a single ``label = ...`` line (those are aligned)."""
    return not (multiline(before) or multiline(after))
