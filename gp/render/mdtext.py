"""Text in markdown (a pull request's comment): what gp says is markup, what it quotes is not.

Names and values from the configuration or the cluster go in code spans (``code``), where
GitHub renders no link, image, emphasis or @mention; free text that quotes them (an error, a
warning) has every markdown character backslash-escaped and each ``@`` in a code span of its
own, since GitHub finds mentions (and ``#123`` references) in the rendered text, after
backslashes are gone (``prose``). Neither lets a newline or a control character through.
"""

from __future__ import annotations

import re

from gp.redact import escape_controls

# What opens or closes markup inline: emphasis, code, links and images, HTML, tables,
# strikethrough, entities (CommonMark lets any ASCII punctuation be backslash-escaped).
_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&])")
# GitHub's autolinks of bare addresses, and what would open a block at the start of a line.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)")
_BLOCK_START = re.compile(r"^(\s*[-+=]|\s*\d+[.)])")


def _one_line(text: str) -> str:
    return escape_controls(text.replace("\r\n", " ").replace("\n", " "))


def code(text: str) -> str:
    """``text`` as a code span, whatever backticks it holds."""
    text = _one_line(text)
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if ticks or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def prose(text: str) -> str:
    """Free text shown as written: no markup of its own, no link, no mention."""
    escaped = _SPECIAL.sub(r"\\\1", _one_line(text))
    escaped = _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), escaped)
    escaped = _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)
    return escaped.replace("#", "`#`").replace("@", "`@`")


def cell(text: str) -> str:
    """Markdown for a table cell: a pipe, even in a code span, would end the cell."""
    return text.replace("|", "\\|")
