"""Masking by path: the values at a change's sensitive paths replaced before anything shows them.

The planner needs it too: what it derives from an object for every renderer (the DAG summary's
one-line reasons) is computed from trees already masked, so no renderer can leak a value that
was sensitive when it was applied, though the configuration no longer says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from gp.planner.paths import Path, get_path, keyed, parse_path, plain, set_path, starts_with
from gp.redact import MASK

__all__ = ["FINGERPRINT", "mask_at", "parse_marks", "seal"]

# What the stack's record keeps of a sensitive value: enough to see that it changed, nothing
# to read it back with.
FINGERPRINT = "gp-sha256:"


def parse_marks(marks: Iterable[str]) -> tuple[Path, ...]:
    """The paths of a change's sensitive fields. One that does not parse (a hand-edited plan
    file) masks the whole object rather than nothing."""
    out = []
    for text in marks:
        try:
            out.append(parse_path(text))
        except (ValueError, TypeError):
            return ((),)
    return tuple(out)


def mask_at(value: Any, base: Path, marks: Sequence[Path]) -> Any:
    """``value``, found at ``base`` in an object, with its sensitive parts masked."""
    if value is None or not marks:
        return value
    if any(starts_with(base, m) for m in marks):
        return MASK
    inside = [m[len(base) :] for m in marks if len(m) > len(base) and starts_with(m, base)]
    if not inside:
        return value
    field = base[-1] if base and isinstance(base[-1], str) else None
    tree = keyed(value, field)
    for rel in inside:
        tree = _replace(tree, rel)
    return plain(tree)


def _replace(tree: Any, rel: Path) -> Any:
    if not rel:
        return MASK
    seg, rest = rel[0], rel[1:]
    if isinstance(tree, dict) and str(seg) in tree:
        out = type(tree)(tree)
        out[str(seg)] = _replace(tree[str(seg)], rest)
        return out
    if isinstance(tree, list) and isinstance(seg, int) and 0 <= seg < len(tree):
        return [*tree[:seg], _replace(tree[seg], rest), *tree[seg + 1 :]]
    return tree


def seal(manifest: Any, marks: Sequence[Path]) -> Any:
    """``manifest`` with the value at each sensitive path replaced by its fingerprint, as the
    stack's record stores it. Sealing twice changes nothing, so a sealed record and a live
    object sealed at the same paths compare equal exactly when the values are equal. A path
    that names the whole object (a damaged mark) seals its spec."""
    if not marks or not isinstance(manifest, dict):
        return manifest
    tree = keyed(manifest)
    for mark in sorted({("spec",) if not m else tuple(m) for m in marks}, key=len):
        found, value = get_path(tree, mark)
        if found:
            set_path(tree, mark, fingerprint_of(plain(value)))
    return plain(tree)


def fingerprint_of(value: Any) -> str:
    if isinstance(value, str) and value.startswith(FINGERPRINT):
        return value
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return FINGERPRINT + hashlib.sha256(text.encode()).hexdigest()
