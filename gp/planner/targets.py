"""`--target ADDR`: which addresses a plan covers, matched the way Terraform matches them."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence


def matches(address: str, target: str) -> bool:
    """``module.geo`` selects ``module.geo.x`` and ``module.geo["a"].x``; ``workflow_template.t``
    selects every instance ``workflow_template.t["k"]``; an exact address selects itself."""
    target = target.strip()
    return address == target or (
        address.startswith(target) and address[len(target)] in ".["
    )


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
