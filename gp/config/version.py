"""`gp { required_version = ">= 0.1, < 2" }`: Terraform's version-constraint syntax."""

from __future__ import annotations

import re

_CONSTRAINT = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})\s*$")


def _parts(text: str) -> tuple[int, int, int]:
    nums = [int(p) for p in text.split(".")]
    return tuple(nums + [0] * (3 - len(nums)))  # type: ignore[return-value]


def _one(op: str, want: str, have: tuple[int, int, int]) -> bool:
    target = _parts(want)
    if op == "~>":
        # "~> 1.2" allows 1.x from 1.2 on; "~> 1.2.3" allows 1.2.x from 1.2.3 on.
        fixed = max(len(want.split(".")) - 1, 1)
        return have >= target and have[:fixed] == target[:fixed]
    return {
        "=": have == target,
        "!=": have != target,
        ">": have > target,
        ">=": have >= target,
        "<": have < target,
        "<=": have <= target,
    }[op]


def unmet(constraint: str, version: str) -> str | None:
    """None when ``version`` satisfies ``constraint``; else why not (for an error message)."""
    have = _parts(re.match(r"\d+(?:\.\d+){0,2}", version).group(0))  # type: ignore[union-attr]
    for item in constraint.split(","):
        m = _CONSTRAINT.match(item)
        if m is None:
            return f'"{item.strip()}" is not a version constraint (e.g. ">= 0.1, < 2", "~> 0.1")'
        if not _one(m.group(1) or "=", m.group(2), have):
            return f"this module requires gp {constraint.strip()}, and this is gp {version}"
    return None
