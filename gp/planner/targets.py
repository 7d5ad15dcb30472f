"""`--target ADDR`: which addresses a plan covers, matched the way Terraform matches them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from gp.config.model import OBJECT_KINDS
from gp.suggest import did_you_mean

_KEY = r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]'
_NAME = r'[^.\[\]\s"]+'
_MODULE = rf"module\.{_NAME}(?:{_KEY})?"
_OBJECT = rf"(?:{'|'.join(OBJECT_KINDS)})\.{_NAME}(?:{_KEY})?"
ADDRESS = re.compile(rf"(?:{_MODULE}\.)*(?:{_OBJECT}|{_MODULE})")


_INDEX = re.compile(r"\[(\d+)\]")


def address_order(address: str) -> tuple[str | int, ...]:
    """The key that lists addresses as people count: ``t[2]`` before ``t[10]`` (text between
    the indexes compares as text, each index as a number)."""
    parts: list[str | int] = []
    for i, part in enumerate(_INDEX.split(address)):
        parts.append(int(part) if i % 2 else part)
    return tuple(parts)


def address_problem(target: str) -> str | None:
    """Why ``target`` is not an address gp could ever match; None when it is well formed."""
    if ADDRESS.fullmatch(target.strip()):
        return None
    return (
        f"{target!r} is not an address: expected KIND.NAME (KIND one of {', '.join(OBJECT_KINDS)}), "
        'optionally with an instance key ([0] or ["k"]) and module.NAME. in front, or module.NAME'
    )


def matches(address: str, target: str) -> bool:
    """``module.geo`` selects ``module.geo.x`` and ``module.geo["a"].x``; ``workflow_template.t``
    selects every instance ``workflow_template.t["k"]``; an exact address selects itself."""
    target = target.strip()
    return address == target or (address.startswith(target) and address[len(target)] in ".[")


def unmatched(addresses: Iterable[str], targets: Sequence[str]) -> list[str]:
    """An error for each target that selects nothing (a typo must not read as "No changes"),
    with the closest address the stack knows."""
    addresses = sorted(set(addresses))
    modules = {a[: m.end()] for a in addresses for m in re.finditer(rf"{_MODULE}(?=\.)", a)}
    errors = []
    for target in targets:
        if any(matches(a, target) for a in addresses):
            continue
        hint = did_you_mean(target.strip(), [*addresses, *sorted(modules)])
        errors.append(f'--target "{target}" matches no object of this stack{hint}')
    return errors


def select(
    addresses: Iterable[str],
    targets: Sequence[str],
    depends_on: Mapping[str, Sequence[str]],
) -> frozenset[str]:
    """The addresses a plan covers: all of them without targets; else those matched and,
    as Terraform does, what they depend on (a targeted cron brings its template along)."""
    addresses = set(addresses)
    if not targets:
        return frozenset(addresses)
    chosen = {a for a in addresses if any(matches(a, t) for t in targets)}
    todo = list(chosen)
    while todo:
        for dep in depends_on.get(todo.pop(), ()):
            if dep in addresses and dep not in chosen:
                chosen.add(dep)
                todo.append(dep)
    return frozenset(chosen)
