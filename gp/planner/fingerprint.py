"""Exact, canonical bytes of a manifest: two trees with the same bytes are the same tree, with
types kept (true is not 1, 1 is not 1.0) and key order ignored.

The planner compares what is live with what gp applied and with what is desired by these
bytes first: an object found exactly as gp left it costs one serialisation, not the
normalisation, projection and diff that a difference needs.
"""

from __future__ import annotations

import hashlib
import json
from types import ModuleType
from typing import Any

orjson: ModuleType | None
try:
    import orjson
except ImportError:  # pragma: no cover - the standard library is always there
    orjson = None


def digest(tree: Any) -> bytes:
    """The fingerprint's SHA-256: what a plan keeps of each live object it compares (a few
    dozen bytes, where the fingerprint is as long as the object's JSON)."""
    return hashlib.sha256(fingerprint(tree)).digest()


def fingerprint(tree: Any) -> bytes:
    if orjson is not None:
        try:
            return orjson.dumps(tree, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass  # a value orjson does not serialise (a 65-bit integer): the slow way below
    return json.dumps(
        tree, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr
    ).encode("utf-8")
