"""The one rule for keeping a sensitive value out of text a person reads.

Structured output (plans, runs) masks whole fields by their marks; what is left is free text
that may quote a secret (an error message, a log line, a label someone wrote). That text is
masked here, and only here, so every place agrees on what is replaced and how.

Text from the cluster (an annotation, a label, a message) is data: on a terminal its control
characters are shown escaped (``escape_controls``), as kubectl shows them since CVE-2021-25743,
so that no one who can write an object can repaint the screen of whoever reads it.
"""

from __future__ import annotations

from collections.abc import Iterable

MASK = "(sensitive value)"
# Shorter texts are not replaced in messages: "1" or "ab" would garble unrelated words.
MIN_MASKED = 3


def secrets_of(*groups: Iterable[str]) -> tuple[str, ...]:
    """The secrets of all groups long enough to mask in text, longest first so that no secret
    is half-masked by a shorter one it contains. A multi-line secret (a key, a certificate)
    brings each of its lines too: a log or a message quotes them one at a time."""
    found = set()
    for group in groups:
        for secret in group:
            if not secret:
                continue
            found.add(secret)
            if "\n" in secret or "\r" in secret:
                found.update(line.strip() for line in secret.splitlines())
    found = {s for s in found if len(s) >= MIN_MASKED}
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of a secret replaced by the mask: the last line of
    defence wherever text reaches a person."""
    for secret in secrets_of(secrets):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_message(message: str, texts: Iterable[str]) -> str | None:
    """``message`` masked; None when a sensitive text too short to replace safely occurs in
    it (the caller then withholds the detail instead of garbling or leaking it)."""
    for text in {t for t in texts if t}:
        if len(text) < MIN_MASKED and text in message:
            return None
    return mask_text(message, texts)


# C0 controls but tab and newline, DEL, and C1 controls (0x9b is a one-byte CSI to some
# terminals). ESC and CR as kubectl shows them; the rest in caret or \x notation.
_CONTROL_NAMES = {"\x1b": "^[", "\r": "\\r", "\x7f": "^?"}


def _shown(char: str) -> str:
    known = _CONTROL_NAMES.get(char)
    if known is not None:
        return known
    code = ord(char)
    return f"^{chr(code + 64)}" if code < 0x20 else f"\\x{code:02x}"


_CONTROLS = {
    code: _shown(chr(code))
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))
    if chr(code) not in "\t\n"
}
# Bidirectional overrides and isolates reorder what a terminal shows (text that reads other
# than it is): shown by their code point.
_CONTROLS.update(
    {code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
)
_CONTROLS_AND_NEWLINE = {**_CONTROLS, ord("\n"): "\\n"}


def escape_controls(text: str, *, newlines: bool = True) -> str:
    """``text`` with its terminal control characters shown, not obeyed: the one rule for text
    from the cluster on a terminal. ``newlines=False`` shows newlines too (one-line cells)."""
    return text.translate(_CONTROLS if newlines else _CONTROLS_AND_NEWLINE)
