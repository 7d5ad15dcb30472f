"""In what order apply writes: templates before what references them, deletions in reverse.

Two kinds of edges. Hard edges come from real references (a cron's ``workflowTemplateRef``, a
``templateRef``, ``depends_on``): when the earlier write fails, the later one is not attempted.
Soft edges only order (templates before crons, writes before deletes) and never block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gp.planner.plan import Action, ResourceChange

# Lower ranks are written first and deleted last.
_KIND_RANK = {"ClusterWorkflowTemplate": 0, "WorkflowTemplate": 1}
_LAST_RANK = 2

Key = tuple[str, str | None, str]  # kind, namespace, name


@dataclass
class Schedule:
    """Waves of indices into ``changes``; each wave may run in parallel once the previous is done."""

    changes: list[ResourceChange]
    waves: list[list[int]]
    hard_deps: dict[int, set[int]] = field(default_factory=dict)


def kind_rank(kind: str) -> int:
    return _KIND_RANK.get(kind, _LAST_RANK)


def _walk_refs(node: Any, namespace: str | None) -> Iterator[Key]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("workflowTemplateRef", "templateRef") and isinstance(value, dict):
                name = value.get("name")
                if isinstance(name, str):
                    if value.get("clusterScope"):
                        yield ("ClusterWorkflowTemplate", None, name)
                    else:
                        yield ("WorkflowTemplate", namespace, name)
            yield from _walk_refs(value, namespace)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_refs(item, namespace)


def template_refs(manifest: dict[str, Any] | None) -> set[Key]:
    """The templates a manifest refers to, by (kind, namespace, name)."""
    if not manifest:
        return set()
    namespace = (manifest.get("metadata") or {}).get("namespace")
    return set(_walk_refs(manifest, namespace))


def _key(change: ResourceChange) -> Key:
    ns = None if change.ref.kind == "ClusterWorkflowTemplate" else change.ref.namespace
    return (change.ref.kind, ns, change.ref.name)


def _layers(
    nodes: list[int],
    deps: dict[int, set[int]],
    ranks: dict[int, int],
    waits_for: Callable[[int, int], bool],
) -> list[list[int]]:
    """Kahn's algorithm by levels; a cycle (which validate rejects) ends up in one last wave.

    A node waits for its ``deps`` and for every node of a rank it ``waits_for`` (the soft
    order by kind). The ranks are counted, not listed as edges: a thousand crons each waiting
    on a thousand templates made the edges, and the schedule, quadratic."""
    remaining = set(nodes)
    left = Counter(ranks[n] for n in nodes)
    blocking = {r: [other for other in left if waits_for(r, other)] for r in left}
    layers: list[list[int]] = []
    while remaining:
        ready = sorted(
            n
            for n in remaining
            if not deps.get(n, set()) & remaining and not any(left[r] for r in blocking[ranks[n]])
        )
        if not ready:
            ready = sorted(remaining)
        layers.append(ready)
        remaining -= set(ready)
        left.subtract(ranks[n] for n in ready)
    return layers


def schedule(
    changes: Sequence[ResourceChange], depends_on: Mapping[str, Sequence[str]] | None = None
) -> Schedule:
    """Order every change that does something; no-ops are left out.

    ``depends_on`` maps an address to the addresses it must follow (``CompiledObject.depends_on``).
    """
    todo = [c for c in changes if c.action is not Action.NOOP]
    writes = [i for i, c in enumerate(todo) if c.action is not Action.DELETE]
    deletes = [i for i, c in enumerate(todo) if c.action is Action.DELETE]
    by_key = {_key(todo[i]): i for i in writes}
    del_by_key = {_key(todo[i]): i for i in deletes}
    by_address = {c.address: i for i, c in enumerate(todo)}

    hard: dict[int, set[int]] = {i: set() for i in range(len(todo))}
    for i in writes:
        change = todo[i]
        for ref in template_refs(change.after):
            if ref in by_key and by_key[ref] != i:
                hard[i].add(by_key[ref])
        for address in (depends_on or {}).get(change.address, ()):
            if address in by_address and todo[by_address[address]].action is not Action.DELETE:
                hard[i].add(by_address[address])
    for i, change in enumerate(todo):
        # Whatever referred to a deleted template must stop doing so before it goes.
        for ref in template_refs(change.before):
            if ref in del_by_key and del_by_key[ref] != i:
                hard[del_by_key[ref]].add(i)
    ranks = {i: kind_rank(c.ref.kind) for i, c in enumerate(todo)}

    # Writes only ever wait on writes, and deletes run after every write, so each phase
    # is layered on its own: a write after the writes of lower ranks, a delete after the
    # deletes of higher ranks.
    write_set, delete_set = set(writes), set(deletes)
    write_deps = {i: hard[i] & write_set for i in writes}
    delete_deps = {i: hard[i] & delete_set for i in deletes}
    waves = _layers(writes, write_deps, ranks, lambda mine, other: other < mine) + _layers(
        deletes, delete_deps, ranks, lambda mine, other: other > mine
    )
    return Schedule(changes=todo, waves=waves, hard_deps={i: d for i, d in hard.items() if d})
