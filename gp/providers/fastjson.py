"""JSON decoding of API answers: orjson when installed (a LIST of a thousand objects is
megabytes), the standard library otherwise or for what orjson refuses (integers beyond 64 bits)."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

orjson: ModuleType | None
try:
    import orjson
except ImportError:  # pragma: no cover - the standard library is always there
    orjson = None


def loads(data: bytes | str) -> Any:
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # decoded again below: same answer or the standard error
    return json.loads(data)


def dumps_pretty(doc: Any) -> str:
    """``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)``, the same value (orjson
    writes a float's exponent without its sign) in a twentieth of the time."""
    if orjson is not None:
        try:
            return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode(
                "utf-8"
            )
        except TypeError:
            pass  # what orjson does not serialise (a 65-bit integer): the standard library
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def dumps_compact(doc: Any) -> bytes:
    """A request body: compact JSON in UTF-8."""
    if orjson is not None:
        try:
            return orjson.dumps(doc)
        except TypeError:
            pass
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
