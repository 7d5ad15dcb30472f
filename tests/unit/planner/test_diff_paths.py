"""field_changes finds where two trees differ itself (no deepdiff to import for one changed
image): the same places deepdiff finds, with numbers compared by value and plain lists whole."""

from __future__ import annotations

import random

from deepdiff import DeepDiff

from gp.planner.diff import _classify, _pruned, _whole_list, raw_paths
from gp.planner.normalize import canonical
from gp.planner.paths import Keyed, format_path


def by_deepdiff(before, after) -> set[str]:
    old, new = _pruned(canonical(before), canonical(after))
    diff = DeepDiff(
        old, new, view="tree", ignore_numeric_type_changes=True, threshold_to_diff_deeper=0
    )
    return {
        format_path(_whole_list(_classify(before, after, level.path(output_format="list"))))
        for levels in diff.values()
        for level in levels
    }


def by_walk(before, after) -> set[str]:
    old, new = _pruned(canonical(before), canonical(after))
    return {format_path(_whole_list(_classify(before, after, raw))) for raw in raw_paths(old, new)}


LEAVES = [0, 1, 2, 1.0, 2.5, True, False, None, "", "a", "b", "1"]


def tree(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice(LEAVES)
    if roll < 0.6:
        return [tree(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    kind = Keyed if roll < 0.7 else dict
    return kind((rng.choice("abcd"), tree(rng, depth + 1)) for _ in range(rng.randint(0, 4)))


def mutated(rng: random.Random, value):
    if isinstance(value, dict) and value and rng.random() < 0.8:
        out = type(value)(value)
        key = rng.choice(list(out))
        roll = rng.random()
        if roll < 0.2:
            del out[key]
        elif roll < 0.3:
            out[key + "x"] = rng.choice(LEAVES)
        else:
            out[key] = mutated(rng, out[key])
        return out
    if isinstance(value, list) and value and rng.random() < 0.7:
        out = list(value)
        i = rng.randrange(len(out))
        out[i] = mutated(rng, out[i])
        return out
    return rng.choice([*LEAVES, [], {}, Keyed()])


def test_the_walk_finds_what_deepdiff_finds():
    rng = random.Random(21)
    differing = 0
    for _ in range(3000):
        before = {"spec": tree(rng)}
        after = mutated(rng, before) if rng.random() < 0.9 else {"spec": tree(rng)}
        expected = by_deepdiff(before, after)
        assert by_walk(before, after) == expected, (before, after)
        differing += bool(expected)
    assert differing > 1000


def test_numbers_are_compared_by_value():
    assert by_walk({"a": 1}, {"a": 1.0}) == set() == by_deepdiff({"a": 1}, {"a": 1.0})
    assert by_walk({"a": [1, 2]}, {"a": [1, 3]}) == {"a"}
    assert by_walk({"a": None}, {"a": 0}) == set()  # zero values are dropped first
    assert by_walk({"a": {"b": "x"}}, {"a": {"b": "y", "c": "z"}}) == {"a.b", "a.c"}
