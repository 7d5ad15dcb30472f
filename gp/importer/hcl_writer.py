"""A small HCL emitter for generated configuration: blocks, attributes and literal values.

python-hcl2's ``dumps`` can write a dict, but it spreads every list over lines, leaves
whitespace-only lines between blocks and has no notion of when a heredoc is safe; gp's
generated files are meant to be read and kept, so values are written here and the result is
put through ``gp fmt`` (python-hcl2's lexer) for alignment and as a syntax check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

INDENT = "  "
# Lines longer than this are broken over several lines (lists and objects).
MAX_INLINE = 80

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_HCL_KEYWORDS = {"true", "false", "null", "for", "in", "if", "else", "endif", "endfor"}


@dataclass
class HclAttr:
    name: str
    value: Any  # plain data, or a Raw expression


@dataclass
class HclBlock:
    type: str
    labels: tuple[str, ...] = ()
    body: list[HclAttr | HclBlock] = field(default_factory=list)
    comment: str | None = None


@dataclass(frozen=True)
class Raw:
    """An HCL expression written as is (a reference such as ``workflow_template.x``)."""

    text: str


def is_identifier(name: str) -> bool:
    return bool(_IDENT.match(name)) and name not in _HCL_KEYWORDS


def render_body(items: list[HclAttr | HclBlock], depth: int = 0) -> str:
    """Attributes first as given, blocks separated by blank lines, as terraform writes them."""
    lines: list[str] = []
    prev_block = False
    for item in items:
        if isinstance(item, HclBlock):
            if lines:
                lines.append("")
            lines.extend(_render_block(item, depth))
            prev_block = True
        else:
            if prev_block:
                lines.append("")
            value = item.value
            text = heredoc(value, depth) if isinstance(value, str) else None
            lines.append(INDENT * depth + f"{item.name} = " + (text or render_value(value, depth)))
            prev_block = False
    return "\n".join(lines)


def _render_block(block: HclBlock, depth: int) -> list[str]:
    pad = INDENT * depth
    head = " ".join([block.type, *(quote(label) for label in block.labels)])
    out = [f"{pad}# {line}".rstrip() for line in (block.comment or "").splitlines()]
    if not block.body:
        return out + [f"{pad}{head} {{}}"]
    return out + [f"{pad}{head} {{", render_body(block.body, depth + 1), f"{pad}}}"]


def render_value(value: Any, depth: int) -> str:
    """An HCL expression for plain data; ``depth`` is the indentation of the owning line.

    Heredocs are left to ``render_body``: the lexer needs a newline right after the closing
    marker, which a list's comma or an object's brace would not give.
    """
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, (list, tuple)):
        return _render_list(list(value), depth)
    if isinstance(value, dict):
        return _render_object(value, depth)
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def _render_list(items: list, depth: int) -> str:
    if not items:
        return "[]"
    inline = [render_value(v, depth) for v in items]
    flat = "[" + ", ".join(inline) + "]"
    if len(flat) <= MAX_INLINE and "\n" not in flat:
        return flat
    pad = INDENT * (depth + 1)
    parts = [pad + render_value(v, depth + 1) + "," for v in items]
    return "[\n" + "\n".join(parts) + "\n" + INDENT * depth + "]"


def _render_object(obj: dict, depth: int) -> str:
    if not obj:
        return "{}"
    keys = [object_key(k) for k in obj]
    inline = [f"{k} = {render_value(v, depth)}" for k, v in zip(keys, obj.values())]
    flat = "{ " + ", ".join(inline) + " }"
    if len(flat) <= MAX_INLINE and "\n" not in flat and len(obj) <= 3:
        return flat
    pad = INDENT * (depth + 1)
    parts = [f"{pad}{k} = {render_value(v, depth + 1)}" for k, v in zip(keys, obj.values())]
    return "{\n" + "\n".join(parts) + "\n" + INDENT * depth + "}"


def object_key(key: Any) -> str:
    """A bare key when it is an identifier, else a quoted one (user data keys stay exact)."""
    key = str(key)
    return key if is_identifier(key) else quote(key)


def escape_template(text: str) -> str:
    """Make HCL's template syntax literal: ``${`` -> ``$${`` and ``%{`` -> ``%%{``."""
    return text.replace("${", "$${").replace("%{", "%%{")


def quote(text: str) -> str:
    out = []
    for ch in escape_template(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def heredoc(text: str, depth: int) -> str | None:
    """A heredoc for a multi-line string when one reads back exactly, else None.

    A heredoc's value always ends with a newline, and ``<<-`` strips the smallest indentation
    of its non-blank lines and empties whitespace-only lines; the indented form is used only
    when that gives back the text unchanged, the flush-left ``<<EOT`` form otherwise.
    """
    if "\n" not in text.rstrip("\n") or not text.endswith("\n"):
        return None
    if any((ord(ch) < 0x20 and ch not in "\n\t") or ch == "\x7f" for ch in text):
        return None
    lines = escape_template(text).split("\n")[:-1]
    marker = _marker(lines)
    if any(line.strip() == "" and line != "" for line in lines):
        return None  # whitespace-only lines do not survive either form's lexer reliably
    if any(line[:1] not in (" ", "\t") for line in lines if line):  # `<<-` strips nothing of ours
        pad = INDENT * (depth + 1)
        body = "\n".join(pad + line if line else "" for line in lines)
        return f"<<-{marker}\n{body}\n{pad}{marker}"
    return f"<<{marker}\n" + "\n".join(lines) + f"\n{marker}"


def _marker(lines: list[str]) -> str:
    marker, n = "EOT", 0
    while any(marker in line for line in lines):
        n += 1
        marker = f"EOT{n}"
    return marker
