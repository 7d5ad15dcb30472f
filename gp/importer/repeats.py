"""Identical entries repeated in a list of an imported object (Couler adds the same two
tolerations once per step: 18 copies). Kept as written by default, since the object has them;
`--merge-duplicates` keeps one of each, which changes the object, and says so."""

from __future__ import annotations

import json
from typing import Any


def repeats(obj: Any, path: str = "") -> list[tuple[str, int]]:
    """Each list of mappings holding an entry more than once: (its path, how many extra)."""
    found: list[tuple[str, int]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            found += repeats(value, _child(path, key, value))
    elif isinstance(obj, list):
        keys = [_key(v) for v in obj if isinstance(v, dict)]
        extra = len(keys) - len(set(keys))
        if extra:
            found.append((path, extra))
        for i, value in enumerate(obj):
            found += repeats(value, _item(path, i, value))
    return found


def merged(obj: Any) -> Any:
    """``obj`` with each repeated mapping of a list kept once, in first-seen order."""
    if isinstance(obj, dict):
        return {k: merged(v) for k, v in obj.items()}
    if isinstance(obj, list):
        seen: set[str] = set()
        out = []
        for value in obj:
            if isinstance(value, dict):
                key = _key(value)
                if key in seen:
                    continue
                seen.add(key)
            out.append(merged(value))
        return out
    return obj


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _child(path: str, key: str, value: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _item(path: str, i: int, value: Any) -> str:
    name = value.get("name") if isinstance(value, dict) else None
    return f'{path}["{name}"]' if isinstance(name, str) else f"{path}[{i}]"
