"""Where a syntax error really is, said in words: a second look at text the parser rejected.

python-hcl2's parser reports the token at which it gave up. For an unclosed heredoc, string,
``${`` or comment that token is far from the mistake (often the whole rest of the file, read as
one string or heredoc), and a missing ``=`` shows up a line later as an unexpected name. This
scanner walks the text with HCL's lexical rules (strings end on their own line, heredocs end at
their marker, brackets pair up) and with its statement shape (``name = value`` or
``name labels {``), and names the first thing that breaks them, at the place it starts. It runs
only after the parser failed, so it may be simple rather than fast; when it finds nothing, the
parser's own report stands.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NoReturn

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)[ \t]*\r?\n")
_OPERATORS = "=!<>&|+-*/%?:.,"
# Words after which an expression goes on: a string may follow them, a newline may too.
_KEYWORDS = {"for", "in", "if", "else"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_HINTS = {
    ";": "; HCL ends an attribute at the end of its line",
    "'": "; strings are written in double quotes",
    "`": "; strings are written in double quotes",
}


@dataclass(frozen=True)
class Finding:
    line: int
    col: int
    message: str


class _Found(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


class _GiveUp(Exception):
    """Text this scanner does not follow: the parser's own report is the better one."""


def diagnose(text: str, *, expression: bool = False) -> Finding | None:
    """The first lexical or structural problem in ``text`` (a file, or one expression)."""
    scan = _Scanner(text)
    try:
        if expression:
            scan.expr(newline_ends=False)
            scan.trailing_closer()
        else:
            scan.body(None)
    except _Found as found:
        return found.finding
    except _GiveUp:
        return None
    return None


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    # --- positions and reporting ------------------------------------------------------

    def where(self, i: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, i)
        return line, i - self.line_starts[line - 1] + 1

    def at(self, i: int) -> str:
        line, col = self.where(i)
        return f"{line}:{col}"

    def fail(self, i: int, message: str) -> _Found:
        line, col = self.where(i)
        return _Found(Finding(line, col, message))

    def peek(self, n: int = 1) -> str:
        return self.text[self.i : self.i + n]

    # --- statements ---------------------------------------------------------------------

    def body(self, opener: int | None) -> None:
        """Statements up to the ``}`` closing the block opened at ``opener`` (None: the file)."""
        while True:
            self.skip_space(newlines=True)
            if self.i >= len(self.text):
                if opener is not None:
                    raise self.fail(opener, 'This block is never closed: no "}" matches its "{"')
                return
            c = self.text[self.i]
            if c == "}":
                if opener is None:
                    raise self.fail(self.i, 'Unexpected "}": no block is open here')
                self.i += 1
                return
            m = _NAME.match(self.text, self.i)
            if not m:
                self.invalid_char()
                return
            self.i = m.end()
            self.statement(m.group(), m.start())

    def statement(self, name: str, start: int) -> None:
        self.skip_space(newlines=False)
        if self.peek() == "=" and self.peek(2) != "==":
            self.i += 1
            self.expr(newline_ends=True)
            return
        if self.peek() == ":":
            raise self.fail(self.i, f'Use "=" to set an attribute: {name} = value')
        first_label: int | None = None
        while True:
            self.skip_space(
                newlines=first_label is not None
            )  # a block's "{" may start the next line
            c = self.peek()
            if c == "{":
                self.i += 1
                self.body(self.i - 1)
                return
            if c == '"' or (c and _NAME.match(c)):
                first_label = self.i if first_label is None else first_label
                if c == '"':
                    self.string()
                else:
                    self.i = _NAME.match(self.text, self.i).end()  # type: ignore[union-attr]
                continue
            if first_label is not None:
                raise self.fail(
                    first_label,
                    f'Missing "=" after "{name}": write {name} = value for an '
                    f'attribute, or end the labels of block "{name}" with "{{"',
                )
            if c == "\n" and self.next_line_opens_block():
                first_label = self.i  # `name` alone, its "{" on the next line
                continue
            if c in ("", "\n") or c.isdigit() or c in "[(-":
                raise self.fail(
                    self.i if c not in ("", "\n") else start + len(name),
                    f'Expected "=" after "{name}": write {name} = value for an attribute, '
                    f"or {name} {{ ... }} for a block",
                )
            self.invalid_char()

    def next_line_opens_block(self) -> bool:
        saved = self.i
        try:
            self.skip_space(newlines=True)
            return self.peek() == "{"
        finally:
            self.i = saved

    # --- expressions --------------------------------------------------------------------

    def expr(self, *, newline_ends: bool, interp: int | None = None) -> None:
        """Scan one expression; stop before a newline that ends it or a closer that is not its own.

        ``interp`` is where the ``${`` of a quoted string's interpolation starts: a string that
        follows a finished operand there means the ``}`` was left out.
        """
        stack: list[int] = []
        operand = False
        while True:
            self.skip_space(newlines=False)
            if self.i >= len(self.text):
                if stack:
                    raise self.unclosed(stack[-1])
                return
            c = self.text[self.i]
            if c == "\n":
                if not stack and newline_ends and not operand_continues(self, operand):
                    return
                self.i += 1
                continue
            if c in _OPENERS:
                stack.append(self.i)
                self.i += 1
                operand = False
            elif c in _CLOSERS:
                if not stack:
                    return
                opened = stack.pop()
                if self.text[opened] != _CLOSERS[c]:
                    raise self.fail(
                        opened,
                        f'This "{self.text[opened]}" is never closed: '
                        f'"{c}" at {self.at(self.i)} comes first',
                    )
                self.i += 1
                operand = True
            elif c == '"':
                if interp is not None and not stack and operand:
                    raise self.fail(
                        interp, 'This "${" is never closed: no "}" ends the interpolation'
                    )
                self.string()
                operand = True
            elif self.text.startswith("<<", self.i):
                self.heredoc()
                operand = True
            elif self.text.startswith("${", self.i) or self.text.startswith("%{", self.i):
                raise self.fail(self.i, f'"{c}{{" is only allowed inside a string or heredoc')
            elif _NAME.match(c):
                word = _NAME.match(self.text, self.i).group()  # type: ignore[union-attr]
                self.i += len(word)
                operand = word not in _KEYWORDS
            elif c.isdigit():
                self.i = _NUMBER.match(self.text, self.i).end()  # type: ignore[union-attr]
                operand = True
            elif c in _OPERATORS:
                self.i += 1
                operand = False
            else:
                self.invalid_char()

    def trailing_closer(self) -> None:
        if self.i < len(self.text):
            c = self.text[self.i]
            raise self.fail(self.i, f'Unexpected "{c}": nothing is open here')

    def unclosed(self, opened: int) -> _Found:
        c = self.text[opened]
        return self.fail(opened, f'This "{c}" is never closed: no "{_OPENERS[c]}" matches it')

    def string(self) -> None:
        """A quoted string starting at ``self.i``; it must end on the line it starts."""
        start = self.i
        spans_lines: int | None = None
        self.i += 1
        while self.i < len(self.text):
            c = self.text[self.i]
            if c == "\\":
                self.i += 2
            elif c == '"':
                self.i += 1
                return
            elif c == "\n":
                break
            elif self.text.startswith(("$${", "%%{"), self.i):
                self.i += 3
            elif self.text.startswith(("${", "%{"), self.i):
                opened = self.i
                self.i += 2
                self.expr(newline_ends=False, interp=opened)
                if self.peek() != "}":
                    raise self.fail(
                        opened, f'This "{self.text[opened]}{{" is never closed: no "}}" ends it'
                    )
                if "\n" in self.text[opened : self.i]:
                    spans_lines = opened  # allowed, but the likely culprit if the string fails
                self.i += 1
            else:
                self.i += 1
        if spans_lines is not None:
            raise self.fail(
                spans_lines,
                f'This "{self.text[spans_lines]}{{" is not closed on its line: '
                'no "}" ends it before the line does',
            )
        raise self.fail(
            start,
            'This string is never closed: a quoted string ends with " on the line it '
            "starts (a heredoc, <<EOT, holds several lines)",
        )

    def heredoc(self) -> None:
        start = self.i
        m = _HEREDOC.match(self.text, self.i)
        if not m:
            raise self.fail(
                start, "A heredoc starts with <<MARKER (or <<-MARKER) and then a new line"
            )
        marker = m.group(2)
        end = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.M).search(self.text, m.end())
        if not end:
            raise self.fail(start, f'This heredoc is never closed: no line holds just "{marker}"')
        self.check_heredoc_interpolations(m.end(), end.start())
        self.i = end.end()
        if self.i >= len(self.text):
            raise self.fail(
                end.start(), f'The heredoc\'s closing "{marker}" must be followed by a new line'
            )

    def check_heredoc_interpolations(self, begin: int, end: int) -> None:
        for m in re.finditer(r"(?<![$%])[$%]\{", self.text[begin:end]):
            opened = begin + m.start()
            depth, j, quote = 0, opened + 2, False
            while j < end:
                ch = self.text[j]
                if quote:
                    if ch == "\\":
                        j += 1
                    elif ch == '"':
                        quote = False
                elif ch == '"':
                    quote = True
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    if depth == 0:
                        break
                    depth -= 1
                j += 1
            else:
                raise self.fail(
                    opened,
                    f'This "{self.text[opened]}{{" is never closed: no "}}" ends it '
                    "before the heredoc does",
                )

    # --- whitespace, comments, stray characters -----------------------------------------

    def skip_space(self, *, newlines: bool) -> None:
        while self.i < len(self.text):
            c = self.text[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.i += 1
            elif c == "#" or self.text.startswith("//", self.i):
                nl = self.text.find("\n", self.i)
                self.i = len(self.text) if nl < 0 else nl
            elif self.text.startswith("/*", self.i):
                close = self.text.find("*/", self.i + 2)
                if close < 0:
                    raise self.fail(self.i, 'This comment is never closed: no "*/" ends it')
                self.i = close + 2
            else:
                return

    def invalid_char(self) -> NoReturn:
        """Report the character here if HCL has no use for it; give up otherwise."""
        c = self.text[self.i]
        if (
            c in _OPERATORS
            or c in _OPENERS
            or c in _CLOSERS
            or c in '"\n#'
            or _NAME.match(c)
            or c.isdigit()
        ):
            raise _GiveUp()
        shown = c if c.isprintable() else f"U+{ord(c):04X}"
        raise self.fail(self.i, f'Invalid character "{shown}"' + _HINTS.get(c, ""))


def operand_continues(scan: _Scanner, operand: bool) -> bool:
    """Whether the expression goes on after this newline: after an operator, or before one."""
    if not operand:
        return True
    j = scan.i
    while j < len(scan.text) and scan.text[j] in " \t\r\n":
        j += 1
    nxt = scan.text[j : j + 2]
    return bool(nxt) and (nxt[0] in "?:|&+*/%<>!." or nxt[0] == "-")
