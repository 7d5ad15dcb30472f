"""Which removed tasks of a DAG are added tasks under new names, matched as a graph.

A removed task and an added task are one renamed task when what they run is the same once
every name is read through the renames: its own name and the names of the other renamed tasks
it mentions (``{{tasks.A.outputs.result}}``, a message "I am A"), save the tags of images.
Names are replaced as whole names, never inside a longer word (``fin`` is not in "finished").

Several pairs may fit (four tasks that run one template with their names as arguments): the
pairs whose edges map onto each other through the renames win, then those with fewer changed
fields, then those in the same position. The renames found are used again to compare, until
they no longer change; a pair that then differs in more than an image tag is no rename.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from gp.planner.dag_graph import TaskGraph
from gp.planner.plan import FieldDiff

# A name the planner has not paired yet: compared as "some task", so that a pair is not
# refused for mentioning a task whose own rename is still to be found.
HOLE = "\x00task"
_NAME_CHARS = "A-Za-z0-9_-"

Fields = tuple[FieldDiff, ...]
# (removed task, added task, names to read in the removed task, names to read in the added
# task) -> the fields they differ in
Compare = Callable[[str, str, Mapping[str, str], Mapping[str, str]], Fields]


@lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(f"(?<![{_NAME_CHARS}])(?:{alternatives})(?![{_NAME_CHARS}])")


def rename_names(value: Any, mapping: Mapping[str, str]) -> Any:
    """``value`` with every whole occurrence of a name in ``mapping`` replaced, in all its
    strings."""
    if not mapping:
        return value
    pattern = _pattern(tuple(mapping))
    return _replace(value, pattern, mapping)


def _replace(value: Any, pattern: re.Pattern[str], mapping: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda m: mapping[m.group(0)], value)
    if isinstance(value, dict):
        return {k: _replace(v, pattern, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, pattern, mapping) for v in value]
    return value


def _edge_score(old: TaskGraph, new: TaskGraph, r: str, a: str, to_new: Mapping[str, str]) -> int:
    """Edges of ``r`` that ``a`` has through the renames, less those either has alone."""
    ins_old = {(to_new.get(s, s), c) for s, d, c in old.edges if d == r}
    ins_new = {(s, c) for s, d, c in new.edges if d == a}
    outs_old = {(to_new.get(d, d), c) for s, d, c in old.edges if s == r}
    outs_new = {(d, c) for s, d, c in new.edges if s == a}
    same = len(ins_old & ins_new) + len(outs_old & outs_new)
    return 2 * same - len(ins_old ^ ins_new) - len(outs_old ^ outs_new)


def match_renames(
    old: TaskGraph, new: TaskGraph, compare: Compare, is_rename: Callable[[Fields], bool]
) -> dict[str, tuple[str, Fields]]:
    """Added task -> (the removed task it renames, what else changed in what it runs)."""
    removed = [n for n in old.tasks if n not in new.tasks]
    added = [n for n in new.tasks if n not in old.tasks]
    if not removed or not added:
        return {}

    def reading(to_new: Mapping[str, str], r: str, a: str) -> tuple[dict, dict]:
        others = {x: y for x, y in to_new.items() if x != r and y != a}
        before = {x: others.get(x, HOLE) for x in removed} | {r: a}
        after = {y: HOLE for y in added if y != a and y not in others.values()}
        return before, after

    # Pairs that could be one task, whatever the other renames turn out to be.
    pairs = [
        (i, j, r, a)
        for i, r in enumerate(removed)
        for j, a in enumerate(added)
        if is_rename(compare(r, a, *reading({}, r, a)))
    ]
    to_new: dict[str, str] = {}
    for _ in range(len(removed) + 1):
        ranked = []
        for i, j, r, a in pairs:
            fields = compare(r, a, *reading(to_new, r, a))
            if is_rename(fields):
                score = _edge_score(old, new, r, a, to_new)
                ranked.append((-score, len(fields), abs(i - j), i, j, r, a))
        chosen: dict[str, str] = {}
        for *_, r, a in sorted(ranked):
            if r not in chosen and a not in chosen.values():
                chosen[r] = a
        if chosen == to_new:
            break
        to_new = chosen
    return _confirmed(to_new, compare, is_rename)


def _confirmed(
    to_new: dict[str, str], compare: Compare, is_rename: Callable[[Fields], bool]
) -> dict[str, tuple[str, Fields]]:
    """The renames that still hold when every name is read through the renames alone."""
    while True:
        out = {a: (r, compare(r, a, to_new, {})) for r, a in to_new.items()}
        wrong = [r for a, (r, fields) in out.items() if not is_rename(fields)]
        if not wrong:
            return out
        for r in wrong:
            del to_new[r]
