"""The names a `{{...}}` may use at one place of a spec, and DAG ancestry (who a task waits for).

Scopes chain: the spec's globals, a template's inputs, then what one step or task adds (its loop
items, an inline template's inputs). Steps add to their template's scope as they go, so a step
sees the steps before it; no scope is ever copied, which keeps the check linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# Argo reads a `depends` expression with this pattern: `A.Succeeded` or a bare task name.
_DEPENDS_NAME = re.compile(
    r"([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)"
)


class Scope:
    """Known names here and in the parents; `open` nodes are steps/tasks whose template is unknown."""

    __slots__ = ("ancestor", "any_item", "keys", "open", "parent")

    def __init__(self, parent: Scope | None = None, keys: Iterable[str] = ()):
        self.parent = parent
        self.keys: set[str] = set(keys)
        self.open: set[str] = set()
        self.any_item = False  # with_param: the items' shape is known only at run time
        self.ancestor: Callable[[str], bool] | None = None  # DAG: is this task one we wait for?

    def _chain(self):
        s: Scope | None = self
        while s is not None:
            yield s
            s = s.parent

    def has(self, key: str) -> bool:
        return any(key in s.keys for s in self._chain())

    def is_open(self, node: str) -> bool:
        return any(node in s.open for s in self._chain())

    def items_unknown(self) -> bool:
        return any(s.any_item for s in self._chain())

    def waits_for(self, task: str) -> bool:
        return any(s.ancestor is not None and s.ancestor(task) for s in self._chain())


def dependencies(task: dict) -> list[str]:
    """The tasks a DAG task waits for, from `depends` (as Argo scans it) or `dependencies`."""
    depends = task.get("depends")
    if isinstance(depends, str) and depends.strip():
        out = []
        for m in _DEPENDS_NAME.finditer(depends):
            out.append(m.group(1).split(".")[0] if m.group(1) else m.group(2))
        return out
    deps = task.get("dependencies")
    return [d for d in deps if isinstance(d, str)] if isinstance(deps, list) else []


class Ancestry:
    """Transitive dependencies of each task, as bit sets, built once per DAG when first asked."""

    def __init__(self, tasks: list[dict]):
        self._tasks = tasks
        self._index: dict[str, int] | None = None
        self._bits: list[int] = []

    def _build(self) -> None:
        names = [t.get("name") for t in self._tasks]
        index: dict[str, int] = {}
        for i, n in enumerate(names):
            if isinstance(n, str):
                index.setdefault(n, i)
        parents = [[index[d] for d in dependencies(t) if d in index] for t in self._tasks]
        children: list[list[int]] = [[] for _ in self._tasks]
        waiting = [len(p) for p in parents]
        for i, ps in enumerate(parents):
            for p in ps:
                children[p].append(i)
        bits = [0] * len(self._tasks)
        ready = [i for i, w in enumerate(waiting) if w == 0]
        done = 0
        while ready:
            i = ready.pop()
            done += 1
            for p in parents[i]:
                bits[i] |= bits[p] | (1 << p)
            for c in children[i]:
                waiting[c] -= 1
                if waiting[c] == 0:
                    ready.append(c)
        if done < len(self._tasks):  # a cycle, reported elsewhere: let its tasks see everything
            for i, w in enumerate(waiting):
                if w > 0:
                    bits[i] = -1
        self._index, self._bits = index, bits

    def waits_for(self, task: str, ancestor: str) -> bool:
        if self._index is None:
            self._build()
        assert self._index is not None
        i, j = self._index.get(task), self._index.get(ancestor)
        if i is None or j is None:
            return False
        return bool(self._bits[i] & (1 << j)) if self._bits[i] != -1 else True
