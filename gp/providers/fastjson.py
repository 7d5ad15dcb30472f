"""JSON decoding of API answers: orjson when installed (a LIST of a thousand objects is
megabytes), the standard library otherwise or for what orjson refuses (integers beyond 64 bits)."""

from __future__ import annotations

import json
from typing import Any

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
