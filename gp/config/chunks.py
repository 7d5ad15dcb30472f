"""A file's text cut into its top-level items (blocks), each parsed and cached on its own.

Parsing is the slow part of loading, and an edit touches a few blocks of a file: cut at the
newlines between top-level items, a file is parsed item by item, so an edited block costs the
parse of that block, not of its whole file. The cut follows HCL's lexical rules (strings, ``${``
interpolations, heredocs, comments, brackets); comments and blank lines go with the item after
them. Text the cutter does not follow returns None: the file is then parsed whole, so a syntax
error is always reported as the parser of the whole file reports it.
"""

from __future__ import annotations

import re

# What changes the cutter's state: brackets, quotes, comment starts, heredoc starts, newlines.
_CODE = re.compile(r'[{}\[\]()"#/<\n]')
_STRING = re.compile(r'["\\\n$%]')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_OPEN = {"{": "}", "[": "]", "(": ")"}


class _Unfollowed(Exception):
    """Text this cutter does not follow (an unclosed string, a stray bracket, ...)."""


def split(text: str) -> list[tuple[int, str]] | None:
    """(first line, text) of each top-level item, in order; their texts joined are ``text``.
    None when the text is not cut (the caller parses it whole)."""
    try:
        return _Cutter(text).run()
    except _Unfollowed:
        return None


class _Cutter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    def run(self) -> list[tuple[int, str]]:
        text, out = self.text, []
        start = 0  # where the current item's text starts
        start_line = line = 1
        substantial = False  # the current item holds more than comments and blank lines
        i = 0
        while True:
            m = _CODE.search(text, i)
            if m is None:
                if text[i:].strip():
                    substantial = True
                break
            j, c = m.start(), m.group()
            if text[i:j].strip():
                substantial = True
            if c == "\n":
                line += 1
                i = j + 1
                if substantial:
                    out.append((start_line, text[start:i]))
                    start, start_line, substantial = i, line, False
                continue
            if c == "#" or text.startswith("//", j):
                end = text.find("\n", j)
                i = self.n if end < 0 else end  # the newline itself is read as a newline
                continue
            if text.startswith("/*", j):
                end = text.find("*/", j + 2)
                if end < 0:
                    raise _Unfollowed
                line += text.count("\n", j, end)
                i = end + 2
                continue
            substantial = True
            if c in _OPEN:
                i, line = self.code(j + 1, line, _OPEN[c])
            elif c in "}])":
                raise _Unfollowed  # closes nothing
            elif c == '"':
                i, line = self.string(j + 1, line)
            elif c == "<" and (h := _HEREDOC.match(text, j)):
                i, line = self.heredoc(h.end(), line + 1, h.group(1))
            else:
                i = j + 1
        if start < self.n:
            if substantial or not out:
                out.append((start_line, text[start:]))
            else:  # trailing comments: they stay with the last item
                first, body = out[-1]
                out[-1] = (first, body + text[start:])
        return out

    def code(self, i: int, line: int, closer: str) -> tuple[int, int]:
        """Past the bracket ``closer`` that ends the code starting at ``i``."""
        text = self.text
        while True:
            m = _CODE.search(text, i)
            if m is None:
                raise _Unfollowed
            j, c = m.start(), m.group()
            if c == "\n":
                line += 1
                i = j + 1
            elif c == closer:
                return j + 1, line
            elif c in _OPEN:
                i, line = self.code(j + 1, line, _OPEN[c])
            elif c in "}])":
                raise _Unfollowed
            elif c == '"':
                i, line = self.string(j + 1, line)
            elif c == "#" or text.startswith("//", j):
                end = text.find("\n", j)
                if end < 0:
                    raise _Unfollowed
                i = end
            elif text.startswith("/*", j):
                end = text.find("*/", j + 2)
                if end < 0:
                    raise _Unfollowed
                line += text.count("\n", j, end)
                i = end + 2
            elif c == "<" and (h := _HEREDOC.match(text, j)):
                i, line = self.heredoc(h.end(), line + 1, h.group(1))
            else:
                i = j + 1

    def string(self, i: int, line: int) -> tuple[int, int]:
        """Past the closing quote of the string whose text starts at ``i``."""
        text = self.text
        while True:
            m = _STRING.search(text, i)
            if m is None:
                raise _Unfollowed
            j, c = m.start(), m.group()
            if c == '"':
                return j + 1, line
            if c == "\n":
                raise _Unfollowed  # a quoted string ends on its own line
            if c == "\\":
                i = j + 2
            elif text.startswith(c + c + "{", j):
                i = j + 3  # $${ and %%{ are a literal ${ and %{
            elif text.startswith(c + "{", j):
                i, line = self.code(j + 2, line, "}")
            else:
                i = j + 1

    def heredoc(self, i: int, line: int, marker: str) -> tuple[int, int]:
        """Past the line that closes the heredoc whose text starts at ``i`` (on ``line``)."""
        text = self.text
        while i < self.n:
            end = text.find("\n", i)
            row = text[i:] if end < 0 else text[i:end]
            if row.strip() == marker:
                return (self.n if end < 0 else end), line
            if end < 0:
                break
            i, line = end + 1, line + 1
        raise _Unfollowed
