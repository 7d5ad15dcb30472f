"""Masking of sensitive values (LANGUAGE.md: they never appear in plan output)."""

from __future__ import annotations

from typing import Any, Iterable

MASK = "(sensitive value)"


def secrets_of(*groups: Iterable[str]) -> tuple[str, ...]:
    """The non-empty secrets of all groups, longest first so that no secret is half-masked."""
    found = {s for group in groups for s in group if s}
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def mask_value(value: Any, secrets: Iterable[str]) -> Any:
    """A copy with every string that contains a secret replaced by the mask, as a whole."""
    secrets = tuple(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return MASK if any(s in value for s in secrets) else value
    if isinstance(value, dict):
        return {mask_text(str(k), secrets): mask_value(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v, secrets) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and str(value) in secrets:
        return MASK
    return value


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of a secret replaced: the last line of defence."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text
