"""``count`` and ``for_each``: how one block becomes several, each with its key and bindings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gp.config import ast
from gp.config.evaluator import Evaluator, Frame
from gp.config.marks import has_marks, is_marked
from gp.config.session import at
from gp.config.types import TypeConvError, to_number, type_name
from gp.errors import ConfigError


@dataclass(frozen=True)
class Expansion:
    """How a block expands: ``mode`` is "single", "count" or "for_each"."""

    mode: str
    keys: tuple[Any, ...]  # ints for count, strings for for_each
    bindings: tuple[dict[str, Any], ...]
    frame: Frame

    def suffix(self, i: int) -> str:
        if self.mode == "single":
            return ""
        key = self.keys[i]
        return f"[{key}]" if self.mode == "count" else f"[{json.dumps(key, ensure_ascii=False)}]"


# A typo (1000000 for 1000) would build objects until memory runs out, and a number beyond
# Python's range would fail deep inside; a stack holds a few thousand objects at most.
MAX_COUNT = 10_000


def expand(ev: Evaluator, attrs: dict[str, ast.Attribute], file: str, what: str) -> Expansion:
    """How the block with ``attrs`` expands; ``ev`` evaluates its count or for_each."""
    if "count" in attrs and "for_each" in attrs:
        raise ConfigError(
            f"{what} sets both count and for_each; use one", at(file, attrs["for_each"])
        )
    if "count" in attrs:
        node = attrs["count"].expr
        value = ev.eval(node)
        if has_marks(value):
            raise ev.error(
                "Invalid count: a sensitive value cannot be used, because the number of "
                "objects would tell it",
                node,
            )
        try:
            n = to_number(value)
        except TypeConvError:
            raise ev.error(
                f"Invalid count: a number is required, not a {type_name(value)}", node
            ) from None
        if n > MAX_COUNT:
            shown = f"{n:.3g}" if isinstance(n, float) else (str(n) if n < 10**12 else "more")
            raise ev.error(
                f"Invalid count: at most {MAX_COUNT} objects per block, not {shown} "
                "(a count this large is most likely a typo)",
                node,
            )
        if n != n or not float(n).is_integer() or n < 0:
            raise ev.error("Invalid count: a whole number of zero or more is required", node)
        keys = tuple(range(int(n)))
        return Expansion("count", keys, tuple({"count": {"index": k}} for k in keys), ev.frame)
    if "for_each" in attrs:
        node = attrs["for_each"].expr
        value = ev.eval(node)
        # The keys become addresses, shown everywhere; a map's values may stay sensitive.
        if is_marked(value) or (isinstance(value, list) and has_marks(value)):
            raise ev.error(
                "Invalid for_each: a sensitive value cannot be used, because it would "
                "show in addresses",
                node,
            )
        if isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items = [(v, v) for v in sorted(set(value))]
        else:
            raise ev.error(
                "Invalid for_each: a map, or a set of strings, is required, "
                f"not a {type_name(value)}"
                + (" of non-strings" if isinstance(value, list) else ""),
                node,
            )
        keys = tuple(k for k, _ in items)
        return Expansion(
            "for_each", keys, tuple({"each": {"key": k, "value": v}} for k, v in items), ev.frame
        )
    return Expansion("single", (None,), ({},), Frame())
