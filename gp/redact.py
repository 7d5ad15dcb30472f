"""The one rule for keeping a sensitive value out of text a person reads.

Structured output (plans, runs) masks whole fields by their marks; what is left is free text
that may quote a secret (an error message, a log line, a label someone wrote). That text is
masked here, and only here, so every place agrees on what is replaced and how.
"""

from __future__ import annotations

from collections.abc import Iterable

MASK = "(sensitive value)"
# Shorter texts are not replaced in messages: "1" or "ab" would garble unrelated words.
MIN_MASKED = 3


def secrets_of(*groups: Iterable[str]) -> tuple[str, ...]:
    """The secrets of all groups long enough to mask in text, longest first so that no secret
    is half-masked by a shorter one it contains."""
    found = {s for group in groups for s in group if s and len(s) >= MIN_MASKED}
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
